import type { RegionClients } from '../aws/clients';
import type { BackupSource, LoadedBackup } from '../backup/source';
import type { BackupStore } from '../backup/store';
import { parseBackupObjectKey, timestampToDate } from '../contract';
import { NoBackupError } from '../errors';
import { type Drift, driftBetween } from '../restore/compare';
import { collectParameters } from '../ssm/collect';
import type { RunListener } from './events';
import { loadFromRegion, regionStore } from './stores';

export interface VerifyInput {
  env: string;
  homeRegion?: string;
  region: string;
  from: BackupSource;
  againstLive: boolean;
  /** With againstLive: parameters created since the backup (extra) fail the check too. */
  strict: boolean;
  maxAgeMs?: number;
  concurrency: number;
  clientsFor: (region: string) => RegionClients;
  listener?: RunListener;
  now?: () => Date;
}

export interface VerifyReport {
  origin: string;
  parameterCount: number;
  bytes: number;
  sha256: string;
  checksum: string;
  backupTime: string;
  drift?: Drift;
  age?: { newestKey: string; ageMs: number; maxAgeMs: number };
  /** With againstLive: whether extra parameters count as drift that fails. */
  strict: boolean;
  /** What failed the check (the details are in `age` and `drift`); empty when everything held. */
  failures: ('too-old' | 'drift')[];
}

/**
 * Integrity (checksum, parse, count, environment) throws; drift and age are reported as failures, so
 * the report is always complete when it fails. With `--max-age`, a bucket with no backup at all is a
 * failure (there is no fresh backup), not a configuration error.
 */
export async function runVerify(input: VerifyInput): Promise<VerifyReport> {
  const now = input.now ?? (() => new Date());
  const listener = input.listener ?? (() => {});
  let opened: { loaded: LoadedBackup; store?: BackupStore };
  try {
    opened = await loadFromRegion(input, input.from, input.region);
  } catch (error) {
    if (error instanceof NoBackupError && input.maxAgeMs !== undefined) {
      throw new NoBackupError(`${error.message}: there is no backup younger than ${input.maxAgeMs / 1000} s`);
    }
    throw error;
  }
  const { loaded, store } = opened;
  listener({
    type: 'backup-loaded',
    origin: loaded.origin,
    count: loaded.doc.parameter_count,
    checksum: loaded.checksum,
  });
  const report: VerifyReport = {
    origin: loaded.origin,
    parameterCount: loaded.doc.parameter_count,
    bytes: loaded.bytes,
    sha256: loaded.sha256Hex,
    checksum: loaded.checksum,
    backupTime: timestampToDate(loaded.doc.backup_timestamp)?.toISOString() ?? loaded.doc.backup_timestamp,
    strict: input.strict,
    failures: [],
  };

  if (input.maxAgeMs !== undefined) {
    const newestKey = await newestBackupKey(input, loaded, store);
    if (!newestKey) throw new NoBackupError(`no backup in ${input.region}: latest.txt does not exist`);
    const taken = parseBackupObjectKey(newestKey)?.takenAt;
    const ageMs = taken ? now().getTime() - taken.getTime() : Infinity;
    report.age = { newestKey, ageMs, maxAgeMs: input.maxAgeMs };
    if (ageMs > input.maxAgeMs) report.failures.push('too-old');
  }

  if (input.againstLive) {
    const live = await collectParameters({
      ssm: input.clientsFor(input.region).ssm,
      env: input.env,
      concurrency: input.concurrency,
      withTags: loaded.doc.parameters.some((p) => p.Tags),
      onProgress: (p) => listener({ type: 'progress', region: input.region, ...p }),
    });
    listener({ type: 'live-collected', region: input.region, count: live.parameters.length });
    const drift = driftBetween(loaded.doc.parameters, live.parameters);
    report.drift = drift;
    if (drift.missing.length + drift.changed.length + (input.strict ? drift.extra.length : 0))
      report.failures.push('drift');
  }
  return report;
}

/** When the backup just read was `latest`, its key is the newest; otherwise latest.txt says. */
async function newestBackupKey(
  input: VerifyInput,
  loaded: LoadedBackup,
  store: BackupStore | undefined,
): Promise<string | undefined> {
  if (input.from.kind === 'latest') return loaded.key;
  return (store ?? (await regionStore(input, input.region))).readLatest();
}
