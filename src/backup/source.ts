import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigurationError, IntegrityError, UsageError } from '../errors';
import { decodeDocument, FORMAT_VERSION, type BackupDocument } from './document';
import type { BackupStore } from './store';

/** Where a backup comes from: `latest`, an object key, or `file:PATH`. */
export type BackupSource = { kind: 'latest' } | { kind: 'key'; key: string } | { kind: 'file'; path: string };

export function parseSource(from: string | undefined): BackupSource {
  if (!from || from === 'latest') return { kind: 'latest' };
  if (from.startsWith('file:')) {
    const path = from.slice('file:'.length);
    if (!path) throw new UsageError('--from file: needs a path, e.g. --from file:./backup.json');
    return { kind: 'file', path };
  }
  if (from.includes('..') || from.startsWith('/')) throw new UsageError(`--from '${from}' is not an object key (e.g. 2026-11-29/ssm-backup-dev-20261129_130000.json)`);
  return { kind: 'key', key: from };
}

export interface LoadedBackup {
  doc: BackupDocument;
  /** s3://bucket/key or file:path, for messages. */
  origin: string;
  key?: string;
  bytes: number;
  sha256Hex: string;
  /** Whether S3 held a SHA-256 for the object and it matched the bytes read. */
  checksum: 'matched' | 'absent' | 'not-applicable';
}

/**
 * Reads and checks a backup: S3's stored SHA-256 must match the bytes (an ssm-backup object always
 * has one), the document must parse and its count agree, and it must belong to `env`.
 */
export async function loadBackup(source: BackupSource, env: string, store?: BackupStore): Promise<LoadedBackup> {
  let body: Buffer;
  let origin: string;
  let key: string | undefined;
  let stored: string | undefined;
  if (source.kind === 'file') {
    origin = `file:${source.path}`;
    body = await readFile(source.path).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${origin}: ${error.code ?? error.message}`);
    });
  } else {
    if (!store) throw new Error('a bucket is needed to read a backup from S3');
    key = source.kind === 'key' ? source.key : await store.readLatest();
    if (!key) throw new ConfigurationError(`s3://${store.bucket}/latest.txt does not exist: no backup has completed in this bucket yet`);
    origin = `s3://${store.bucket}/${key}`;
    ({ body, sha256Base64: stored } = await store.get(key));
  }
  const digest = createHash('sha256').update(body).digest();
  if (stored && stored !== digest.toString('base64')) {
    throw new IntegrityError(`${origin} is damaged: its bytes do not match the SHA-256 S3 stored with it`);
  }
  const checksum: LoadedBackup['checksum'] = source.kind === 'file' ? 'not-applicable' : stored ? 'matched' : 'absent';
  const doc = decodeDocument(body, origin);
  if (checksum === 'absent' && (doc.format_version ?? 1) >= FORMAT_VERSION) {
    throw new IntegrityError(`${origin} has no SHA-256 checksum, though ssm-backup always stores one: it was replaced or modified outside the tool`);
  }
  if (doc.environment !== env) {
    throw new ConfigurationError(`${origin} is a backup of environment '${doc.environment}', not '${env}'; refusing to use it`);
  }
  return { doc, origin, key, bytes: body.length, sha256Hex: digest.toString('hex'), checksum };
}
