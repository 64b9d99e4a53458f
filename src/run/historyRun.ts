import PQueue from 'p-queue';
import { scanBackup } from '../backup/source';
import { parseBackupObjectKey } from '../contract';
import { type FieldChange, fieldChanges, fingerprint, type ValueHasher } from '../history/diff';
import type { RegionSession } from './region';

export interface HistoryInput {
  session: RegionSession;
  name: string;
  since?: Date;
  hasher: ValueHasher;
}

/** One backup in which the parameter exists: when, which version, and what differs from the line before. */
interface HistoryLine {
  key: string;
  takenAt: string;
  version?: number;
  lastModified?: string;
  lastModifiedUser?: string;
  valueHash: string;
  /** Against the previous line; absent on the first. */
  changes?: FieldChange[];
  /** The parameter was missing from at least one backup between the previous line and this one. */
  reappeared?: boolean;
}

export interface HistoryReport {
  name: string;
  bucket: string;
  backupsRead: number;
  lines: HistoryLine[];
  /** Each first backup that no longer held the parameter after one that did: when it went (deleted or renamed). */
  absences: { key: string; takenAt: string }[];
}

/**
 * The life of one parameter across the region's backups, oldest first. Only the backups since
 * `--since` are listed and read, a few at a time; each is dropped once its one parameter is taken.
 */
export async function runHistory(input: HistoryInput): Promise<HistoryReport> {
  const { session } = input;
  const store = await session.store();
  const backups = (await store.listBackups(session.env, input.since ? { since: input.since } : {})).reverse();
  const reads = new PQueue({ concurrency: session.concurrency });
  const found = await Promise.all(
    backups.map((backup) =>
      reads.add(async () => {
        let print: ReturnType<typeof fingerprint> | undefined;
        await scanBackup({ kind: 'key', key: backup.key }, session.env, store, (p) => {
          if (p.Name === input.name) print = fingerprint(p, input.hasher);
        });
        return print;
      }),
    ),
  );
  const lines: HistoryLine[] = [];
  const absences: HistoryReport['absences'] = [];
  const takenAt = (key: string) => parseBackupObjectKey(key)?.takenAt.toISOString() ?? '';
  let previous: ReturnType<typeof fingerprint> | undefined;
  let gap = false;
  found.forEach((print, index) => {
    const key = backups[index].key;
    if (!print) {
      if (lines.length && !gap) absences.push({ key, takenAt: takenAt(key) });
      gap = lines.length > 0;
      return;
    }
    lines.push({
      key,
      takenAt: takenAt(key),
      ...(print.version !== undefined ? { version: print.version } : {}),
      ...(print.lastModified ? { lastModified: print.lastModified } : {}),
      ...(print.lastModifiedUser ? { lastModifiedUser: print.lastModifiedUser } : {}),
      valueHash: print.value,
      ...(previous ? { changes: fieldChanges(previous, print) } : {}),
      ...(gap ? { reappeared: true } : {}),
    });
    previous = print;
    gap = false;
  });
  return { name: input.name, bucket: store.bucket, backupsRead: backups.length, lines, absences };
}
