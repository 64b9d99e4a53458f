import type { RegionClients } from '../aws/clients';
import { buildDocument, backupObjectKey, encodeDocument } from '../backup/document';
import { BackupStore, type Encryption } from '../backup/store';
import { IncompleteCaptureError } from '../errors';
import { collectParameters } from '../ssm/collect';
import { isWiringKey } from '../ssm/keys';
import type { RegionSummary, RunListener } from './events';

export interface RegionBackupInput {
  env: string;
  region: string;
  bucket: string;
  accountId: string;
  clients: RegionClients;
  dryRun: boolean;
  concurrency: number;
  withTags: boolean;
  encryption: Encryption;
  now: () => Date;
  listener: RunListener;
}

/**
 * One region: collect, refuse anything incomplete, upload, check the stored object, and only then
 * move `latest.txt`. Returns the region's summary; throws on any failure (the run records it).
 */
export async function backupRegion(input: RegionBackupInput): Promise<RegionSummary> {
  const { env, region, bucket, clients, listener } = input;
  const startedAt = input.now();
  const collected = await collectParameters({
    ssm: clients.ssm,
    env,
    concurrency: input.concurrency,
    withTags: input.withTags,
    onProgress: (p) => listener({ type: 'progress', region, ...p }),
  });
  if (collected.vanished.length || collected.undecryptable.length) {
    throw new IncompleteCaptureError(region, collected.vanished, collected.undecryptable);
  }
  const capturedCount = collected.parameters.length;
  listener({ type: 'collected', region, captured: capturedCount, listPages: collected.listPages, fetchBatches: collected.fetchBatches });

  const summary = (status: RegionSummary['status'], extra: Partial<RegionSummary> = {}): RegionSummary => ({
    region,
    status,
    bucket,
    parameterCount: capturedCount,
    listed: collected.listed,
    durationMs: input.now().getTime() - startedAt.getTime(),
    api: { ...clients.stats.toJSON(), minimumFetchCalls: Math.ceil(capturedCount / 10), listPages: collected.listPages },
    ...extra,
  });

  // Nothing matched but the runner's own wiring keys: the environment is empty or misnamed. Upload
  // nothing and leave latest.txt alone; a person should look (exit 3).
  if (collected.parameters.every((p) => isWiringKey(p.Name, env))) return summary('empty');

  const doc = buildDocument({ env, region, accountId: input.accountId, startedAt, parameters: collected.parameters });
  const key = backupObjectKey(doc);
  // From here on the values live once, as the encoded bytes.
  const encoded = encodeDocument(doc, { releaseParameters: true });
  const bytes = encoded.size;
  if (input.dryRun) {
    listener({ type: 'would-upload', region, bucket, key, count: capturedCount, bytes });
    return summary('dry-run', { key, bytes, sha256: encoded.sha256Hex });
  }

  const store = new BackupStore(clients.s3, bucket);
  await store.put(key, encoded, input.encryption, capturedCount);
  listener({ type: 'uploaded', region, bucket, key, bytes });
  await store.verify(key, { size: bytes, sha256Base64: encoded.sha256Base64, encryption: input.encryption });
  await store.writeLatest(key, input.encryption);
  listener({ type: 'verified', region, bucket, key });
  return summary('ok', { key, bytes, sha256: encoded.sha256Hex });
}
