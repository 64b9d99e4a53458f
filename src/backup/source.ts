import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseBackupObjectKey } from '../contract';
import { ConfigurationError, IntegrityError, NoBackupError, UsageError } from '../errors';
import type { BackedUpParameter } from '../types';
import { type BackupDocument, DOCUMENT_LIMITS, DocumentDecoder, type DocumentHeader, FORMAT_VERSION } from './document';
import type { BackupStore, StoredObject } from './store';

/**
 * Where a backup comes from: `latest`, an object key, the newest backup at or before a time, or
 * `file:PATH`.
 */
export type BackupSource =
  | { kind: 'latest' }
  | { kind: 'key'; key: string }
  | { kind: 'at'; at: Date; text: string }
  | { kind: 'file'; path: string };

/**
 * The newest backup of `env` taken at or before `at`, from a listing (newest first). Refuses a time
 * before the first backup, naming the oldest there is.
 */
export function chooseBackupAt(backups: readonly StoredObject[], at: Date, where: string): StoredObject {
  const chosen = backups.find((b) => (parseBackupObjectKey(b.key)?.takenAt.getTime() ?? Infinity) <= at.getTime());
  if (chosen) return chosen;
  const oldest = backups.at(-1);
  throw new NoBackupError(
    `no backup in ${where} was taken at or before ` +
      `${at.toISOString()}${oldest ? ` (the oldest is ${oldest.key})` : ' (it holds none)'}`,
  );
}

/** The object key a source names in a store: latest.txt's, the one given, or the one chosen by time. */
export async function resolveKey(
  source: Exclude<BackupSource, { kind: 'file' }>,
  env: string,
  store: BackupStore,
): Promise<string> {
  switch (source.kind) {
    case 'key': {
      const parsed = parseBackupObjectKey(source.key);
      if (parsed && parsed.env !== env)
        throw new ConfigurationError(
          `${source.key} is a backup of environment '${parsed.env}', not '${env}'; refusing to use it`,
        );
      return source.key;
    }
    case 'latest': {
      const key = await store.readLatest(env);
      if (!key)
        throw new NoBackupError(
          `s3://${store.bucket}/latest.txt does not exist: no backup has completed in this bucket yet`,
        );
      return key;
    }
    case 'at':
      return chooseBackupAt(await store.listBackups(env), source.at, `s3://${store.bucket}`).key;
  }
}

/** A backup's header and how it was read; `loadBackup` adds the parameters. */
export interface ScannedBackup {
  header: DocumentHeader;
  /** s3://bucket/key or file:path, for messages. */
  origin: string;
  key?: string;
  bytes: number;
  sha256Hex: string;
  /** Whether S3 held a SHA-256 for the object and it matched the bytes read. */
  checksum: 'matched' | 'absent' | 'not-applicable';
}

export interface LoadedBackup extends Omit<ScannedBackup, 'header'> {
  doc: BackupDocument;
}

/**
 * Streams a backup through its checks, handing each parameter to `onParameter` as it is read: S3's
 * stored SHA-256 must match the bytes (an ssm-backup object always has one), the document must parse
 * and its count agree, and it must belong to `env`. A failed check throws after the last parameter,
 * so a caller uses what it was handed only once this returns.
 */
export async function scanBackup(
  source: BackupSource,
  env: string,
  store: BackupStore | undefined,
  onParameter: (parameter: BackedUpParameter) => void,
): Promise<ScannedBackup> {
  let chunks: AsyncIterable<Uint8Array>;
  let origin: string;
  let key: string | undefined;
  let stored: string | undefined;
  if (source.kind === 'file') {
    origin = `file:${source.path}`;
    chunks = await openFile(source.path, origin);
  } else {
    if (!store) throw new Error('a bucket is needed to read a backup from S3');
    key = await resolveKey(source, env, store);
    origin = `s3://${store.bucket}/${key}`;
    ({ chunks, sha256Base64: stored } = await store.open(key));
  }
  const hash = createHash('sha256');
  const decoder = new DocumentDecoder(origin, onParameter);
  let bytes = 0;
  for await (const chunk of chunks) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    hash.update(buffer);
    bytes += buffer.length;
    decoder.push(buffer);
  }
  const digest = hash.digest();
  if (stored && stored !== digest.toString('base64')) {
    throw new IntegrityError(`${origin} is damaged: its bytes do not match the SHA-256 S3 stored with it`);
  }
  const header = decoder.end();
  const checksum: ScannedBackup['checksum'] = source.kind === 'file' ? 'not-applicable' : stored ? 'matched' : 'absent';
  if (checksum === 'absent' && (header.format_version ?? 1) >= FORMAT_VERSION) {
    throw new IntegrityError(
      `${origin} has no SHA-256 checksum, though ssm-backup always stores one: it was replaced or modified ` +
        `outside the tool`,
    );
  }
  if (header.environment !== env) {
    throw new ConfigurationError(
      `${origin} is a backup of environment '${header.environment}', not '${env}'; refusing to use it`,
    );
  }
  return { header, origin, ...(key ? { key } : {}), bytes, sha256Hex: digest.toString('hex'), checksum };
}

/** Reads and checks a whole backup (see scanBackup), parameters and all. */
export async function loadBackup(source: BackupSource, env: string, store?: BackupStore): Promise<LoadedBackup> {
  const parameters: BackedUpParameter[] = [];
  const { header, ...scanned } = await scanBackup(source, env, store, (p) => parameters.push(p));
  return { ...scanned, doc: { ...header, parameters } };
}

/**
 * Only a regular file is read: a directory, a FIFO or a device (`/dev/zero`, `/dev/stdin`) is a usage
 * error before any byte is read, and a file larger than any backup can be is refused by its size.
 */
async function openFile(path: string, origin: string): Promise<AsyncIterable<Uint8Array>> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${origin}: ${error.code ?? error.message}`);
  });
  const info = await handle.stat();
  const problem = !info.isFile()
    ? `it is ${info.isDirectory() ? 'a directory' : 'not a regular file'}; give the path of a backup file`
    : info.size > DOCUMENT_LIMITS.backupBytes
      ? `it is ${info.size} bytes, more than any backup can be`
      : undefined;
  if (problem) {
    await handle.close();
    throw new UsageError(`cannot read ${origin}: ${problem}`);
  }
  return handle.createReadStream();
}
