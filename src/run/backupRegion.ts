import { randomBytes } from 'node:crypto';
import type { RegionClients } from '../aws/clients';
import { publishBackupMetrics } from '../aws/metrics';
import { buildDocument, encodeDocument } from '../backup/document';
import { BackupStore, type Encryption } from '../backup/store';
import { backupObjectKey, FETCH_BATCH_SIZE, isRunnerKey } from '../contract';
import { IncompleteCaptureError, InterruptedError } from '../errors';
import type { CollectResult } from '../ssm/collect';
import type { EncryptionSource, RegionSummary, RunListener } from './events';
import type { RegionDeadline } from './regionDeadline';

export interface RegionBackupInput {
  env: string;
  region: string;
  bucket: string;
  accountId: string;
  clients: RegionClients;
  dryRun: boolean;
  encryption: Encryption & { source: EncryptionSource };
  now: () => Date;
  listener: RunListener;
  signal?: AbortSignal;
  /** The per-run part of the object key; random unless a test fixes it. */
  keySuffix?: () => string;
  collection: RegionCollection;
}

/** The region's collection as the run started it (see backupRun.ts), and its deadline. */
export interface RegionCollection {
  collecting: Promise<CollectResult>;
  startedAt: Date;
  /** `--finish-within`: fed the collection's progress; the region's pacer keeps to it. */
  deadline?: RegionDeadline;
}

/**
 * One region: collect, refuse anything undecryptable, upload under a key no other run uses, check what
 * S3 says it stored, and only then move `latest.txt` forward. A parameter deleted during the run is named
 * (vanished), not counted, and does not stop the backup of the rest. Throws on any failure.
 */
export async function backupRegion(input: RegionBackupInput): Promise<RegionSummary> {
  const { env, region, bucket, clients, listener } = input;
  const { startedAt, deadline } = input.collection;
  const collected = await input.collection.collecting;
  if (collected.undecryptable.length) throw new IncompleteCaptureError(region, collected.undecryptable);
  if (collected.vanished.length) listener({ type: 'vanished', region, names: collected.vanished });
  const capturedCount = collected.parameters.length;
  listener({
    type: 'collected',
    region,
    captured: capturedCount,
    listPages: collected.listPages,
    fetchBatches: collected.fetchBatches,
  });

  const over = deadline?.overBySeconds;
  if (deadline && over !== undefined)
    listener({ type: 'deadline-missed', region, seconds: deadline.seconds, overBySeconds: over });
  const captured = () => ({
    region,
    bucket,
    encryption: input.encryption,
    parameterCount: capturedCount,
    listed: collected.listed,
    vanished: collected.vanished,
    durationMs: input.now().getTime() - startedAt.getTime(),
    api: {
      ...clients.stats.toJSON(),
      minimumFetchCalls: Math.ceil(capturedCount / FETCH_BATCH_SIZE),
      listPages: collected.listPages,
    },
    ...(deadline ? { deadline: deadline.summary } : {}),
  });

  // Nothing matched but the runner's own keys: the environment is empty or misnamed. Upload nothing
  // and leave latest.txt alone; a person should look (exit 3).
  if (collected.parameters.every((p) => isRunnerKey(p.Name, env))) return { status: 'empty', ...captured() };

  const doc = buildDocument({ env, region, accountId: input.accountId, startedAt, parameters: collected.parameters });
  const key = backupObjectKey({ env, takenAt: startedAt, suffix: (input.keySuffix ?? randomSuffix)() });
  // From here on the values live once, as the encoded bytes.
  const encoded = encodeDocument(doc, { releaseParameters: true });
  const bytes = encoded.size;
  if (input.dryRun) {
    listener({ type: 'would-upload', region, bucket, key, count: capturedCount, bytes });
    return { status: 'dry-run', ...captured(), key, bytes, sha256: encoded.sha256Hex };
  }

  const store = new BackupStore(clients.s3, bucket, /^\d{12}$/.test(input.accountId) ? input.accountId : undefined);
  InterruptedError.throwIfAborted(input.signal);
  // Throws unless S3's answer shows the same checksum, encryption and key.
  await store.put(key, encoded, input.encryption, capturedCount);
  listener({ type: 'uploaded', region, bucket, key, bytes });
  listener({ type: 'verified', region, bucket, key });
  // An interrupted run leaves latest.txt where it was, even with a good object uploaded.
  InterruptedError.throwIfAborted(input.signal);
  const latest = await store.moveLatestForward(key, capturedCount);
  const repaired = latest.kind === 'moved' ? latest.repaired : undefined;
  // The backup is good from here on: metrics that fail to publish are a warning, never its failure.
  const metrics = await publishBackupMetrics(clients.cloudwatch, {
    env,
    region,
    parameterCount: capturedCount,
    durationMs: input.now().getTime() - startedAt.getTime(),
    throttledCalls: clients.stats.throttled,
  });
  if (metrics.status === 'failed') listener({ type: 'metrics-failed', region, code: metrics.code });
  if (latest.kind === 'moved')
    listener({ type: 'latest-moved', region, bucket, key, ...(repaired ? { repaired } : {}) });
  else listener({ type: 'latest-kept', region, bucket, key, current: latest.current });
  return {
    status: 'ok',
    ...captured(),
    key,
    bytes,
    sha256: encoded.sha256Hex,
    latest: latest.kind,
    ...(repaired ? { latestRepaired: repaired } : {}),
    metrics,
  };
}

function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}
