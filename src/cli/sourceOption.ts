import type { BackupSource } from '../backup/source';
import { UsageError } from '../errors';

/** How `--from`, `--to` and `--at` are written on the command line, read into a BackupSource. */

/** `latest`, `file:PATH`, a date (`2026-11-29`: that whole day), a UTC time (`2026-11-29T13:00`), or a key. */
export function parseSource(from: string | undefined, option = '--from'): BackupSource {
  if (from === undefined || from === 'latest') return { kind: 'latest' };
  if (!from.trim()) throw new UsageError(`${option} must not be empty`);
  if (from.startsWith('file:')) {
    const path = from.slice('file:'.length);
    if (!path) throw new UsageError(`${option} file: needs a path, e.g. ${option} file:./backup.json`);
    return { kind: 'file', path };
  }
  const at = parsePointInTime(from);
  if (at) return { kind: 'at', at, text: from };
  if (from.includes('..') || from.startsWith('/') || !from.endsWith('.json')) {
    throw new UsageError(
      `${option} '${from}' is not latest, a date or time (2026-11-29, 2026-11-29T13:00Z), an object key or file:PATH`,
    );
  }
  return { kind: 'key', key: from };
}

/**
 * A date means the end of that UTC day (the newest backup taken on or before it); a time without a
 * zone is UTC. Undefined when the text is neither.
 */
export function parsePointInTime(text: string): Date | undefined {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const end = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3], 23, 59, 59, 999));
    // Date.UTC rolls 2026-13-45 over into 2027; a real date reads back as written.
    if (end.toISOString().slice(0, 10) !== text) throw new UsageError(`'${text}' is not a valid date or time`);
    return end;
  }
  const time = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (time) return validDate(new Date(`${time[1]}T${time[2]}${time[3] ?? 'Z'}`), text);
  return undefined;
}

function validDate(date: Date, text: string): Date {
  if (Number.isNaN(date.getTime())) throw new UsageError(`'${text}' is not a valid date or time`);
  return date;
}
