import type { BackupSource } from '../backup/source';
import { timestampToDate } from '../contract';
import { SsmBackupError } from '../errors';
import {
  type DiffEntry,
  diffFingerprints,
  type Fingerprint,
  fingerprint,
  fingerprintAll,
  type ValueHasher,
} from '../history/diff';
import type { RegionSession } from './region';

export interface DiffInput {
  session: RegionSession;
  from: BackupSource;
  /** A backup, or live SSM in the region now. */
  to: BackupSource | { kind: 'live' };
  hasher: ValueHasher;
}

interface DiffSide {
  origin: string;
  /** When the backup was taken (ISO-8601), or when live SSM was read. */
  takenAt: string;
  count: number;
}

export interface DiffReport {
  from: DiffSide;
  to: DiffSide;
  entries: DiffEntry[];
  counts: { added: number; removed: number; changed: number };
}

/**
 * What changed between two backups, or between a backup and live SSM: by name and field, values
 * compared through keyed hashes and dropped as soon as each side is read.
 */
export async function runDiff(input: DiffInput): Promise<DiffReport> {
  const from = await named('--from', readSide(input, input.from));
  const to =
    input.to.kind === 'live' ? await readLive(input, from.hasTags) : await named('--to', readSide(input, input.to));
  const entries = diffFingerprints(from.prints, to.prints);
  const count = (kind: DiffEntry['kind']) => entries.filter((e) => e.kind === kind).length;
  return {
    from: from.side,
    to: to.side,
    entries,
    counts: { added: count('added'), removed: count('removed'), changed: count('changed') },
  };
}

/** Which side failed, in the tool's own error (`--to: s3://b/k does not exist: ...`). */
async function named<T>(option: string, reading: Promise<T>): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof SsmBackupError) error.message = `${option} side: ${error.message}`;
    throw error;
  }
}

interface Side {
  side: DiffSide;
  prints: Map<string, Fingerprint>;
  hasTags: boolean;
}

/** Each parameter is fingerprinted as it streams in, so a side's values are never all held at once. */
async function readSide(input: DiffInput, source: BackupSource): Promise<Side> {
  const prints = new Map<string, Fingerprint>();
  let hasTags = false;
  const scanned = await input.session.scan(source, (p) => {
    prints.set(p.Name, fingerprint(p, input.hasher));
    hasTags ||= Boolean(p.Tags);
  });
  const { header } = scanned;
  const takenAt = timestampToDate(header.backup_timestamp)?.toISOString() ?? header.backup_timestamp;
  return { side: { origin: scanned.origin, takenAt, count: header.parameter_count }, prints, hasTags };
}

async function readLive(input: DiffInput, withTags: boolean): Promise<Side> {
  const readAt = new Date().toISOString();
  const live = await input.session.collectLive(withTags);
  return {
    side: { origin: `live SSM in ${input.session.region}`, takenAt: readAt, count: live.parameters.length },
    prints: fingerprintAll(live.parameters, input.hasher),
    hasTags: withTags,
  };
}
