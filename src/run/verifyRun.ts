import { type BackupSource, type LoadedBackup, resolveKey } from '../backup/source';
import { parseBackupObjectKey, timestampToDate } from '../contract';
import { IntegrityError, NoBackupError, UsageError } from '../errors';
import { type Drift, driftBetween } from '../restore/compare';
import type { RegionSession } from './region';

export interface VerifyInput {
  session: RegionSession;
  from: BackupSource;
  /** Check what S3 holds (HeadObject) without reading the object: no KMS key needed (the audit duty). */
  metadataOnly?: boolean;
  againstLive: boolean;
  /** With againstLive: parameters created since the backup (extra) fail the check too. */
  strict: boolean;
  maxAgeMs?: number;
  now?: () => Date;
}

export interface VerifyReport {
  /** `content`: read and checked in full; `metadata`: S3's own record of the object, not read. */
  mode: 'content' | 'metadata';
  origin: string;
  parameterCount: number;
  bytes: number;
  sha256: string;
  checksum: string;
  encryption?: { kind: string; keyId?: string };
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
  if (input.metadataOnly) return verifyStored(input, now);
  const { session } = input;
  let loaded: LoadedBackup;
  try {
    loaded = await session.load(input.from);
  } catch (error) {
    if (error instanceof NoBackupError && input.maxAgeMs !== undefined) {
      throw new NoBackupError(`${error.message}: there is no backup younger than ${input.maxAgeMs / 1000} s`);
    }
    throw error;
  }
  const report: VerifyReport = {
    mode: 'content',
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
    const newestKey = await newestBackupKey(input, loaded.key);
    checkAge(report, input, newestKey, now);
  }

  if (input.againstLive) {
    const live = await session.collectLive(loaded.doc.parameters.some((p) => p.Tags));
    const drift = driftBetween(loaded.doc.parameters, live.parameters);
    report.drift = drift;
    if (drift.missing.length + drift.changed.length + (input.strict ? drift.extra.length : 0))
      report.failures.push('drift');
  }
  return report;
}

/**
 * The object as S3 recorded it (HeadObject): present, with the SHA-256 S3 checked at upload and the
 * parameter count; and, with --max-age, fresh. Nothing is downloaded or decrypted.
 */
async function verifyStored(input: VerifyInput, now: () => Date): Promise<VerifyReport> {
  if (input.from.kind === 'file') throw new UsageError('--metadata-only checks a backup in S3; --from file: has none');
  if (input.againstLive) throw new UsageError('--metadata-only reads no parameter: it cannot check --against-live');
  const store = await input.session.store();
  const key = await resolveKey(input.from, input.session.env, store);
  const stored = await store.describe(key);
  const origin = `s3://${store.bucket}/${key}`;
  const problems = [
    ...(stored.size > 0 ? [] : ['it is empty']),
    ...(stored.sha256Base64 ? [] : ['S3 holds no SHA-256 for it, though ssm-backup always stores one']),
    ...(Number.isInteger(stored.parameterCount) ? [] : ['it has no parameter-count metadata']),
  ];
  if (problems.length)
    throw new IntegrityError(`${origin} was not written by ssm-backup as it is: ${problems.join('; ')}`);
  const report: VerifyReport = {
    mode: 'metadata',
    origin,
    parameterCount: stored.parameterCount ?? 0,
    bytes: stored.size,
    sha256: Buffer.from(stored.sha256Base64 ?? '', 'base64').toString('hex'),
    checksum: 'recorded by S3 at upload (content not read)',
    ...(stored.encryption ? { encryption: stored.encryption } : {}),
    backupTime: parseBackupObjectKey(key)?.takenAt.toISOString() ?? 'unknown',
    strict: input.strict,
    failures: [],
  };
  if (input.maxAgeMs !== undefined) checkAge(report, input, await newestBackupKey(input, key), now);
  return report;
}

function checkAge(report: VerifyReport, input: VerifyInput, newestKey: string | undefined, now: () => Date): void {
  if (input.maxAgeMs === undefined) return;
  if (!newestKey) throw new NoBackupError(`no backup in ${input.session.region}: latest.txt does not exist`);
  const taken = parseBackupObjectKey(newestKey)?.takenAt;
  const ageMs = taken ? now().getTime() - taken.getTime() : Infinity;
  report.age = { newestKey, ageMs, maxAgeMs: input.maxAgeMs };
  if (ageMs > input.maxAgeMs) report.failures.push('too-old');
}

/** When the backup just read was `latest`, its key is the newest; otherwise latest.txt says. */
async function newestBackupKey(input: VerifyInput, readKey: string | undefined): Promise<string | undefined> {
  if (input.from.kind === 'latest') return readKey;
  return (await input.session.store()).readLatest(input.session.env);
}
