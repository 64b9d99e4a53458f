import type { S3Client, ServerSideEncryption } from '@aws-sdk/client-s3';
import { errorCodeOf, httpStatusOf, isAwsError } from '../aws/errorKinds';
import { replayableBody } from '../aws/replayableBody';
import { lazySdk } from '../aws/sdk';
import {
  type BackupKey,
  backupKeysStartAfter,
  compareBackupKeysNewestFirst,
  kmsKeyArnRegion,
  LATEST_KEY,
  parseBackupObjectKey,
} from '../contract';
import { ConfigurationError, IntegrityError, NoBackupError } from '../errors';
import type { EncodedDocument } from './document';

const COUNT_METADATA = 'parameter-count';

/** Runs racing to move latest.txt: each lost race re-reads it and decides again, a few times at most. */
const LATEST_WRITE_ATTEMPTS = 5;

/** What HeadBucket says of a backup bucket, before anything is written to it. */
export type BucketCheck =
  | { kind: 'ok' }
  | { kind: 'missing' }
  | { kind: 'other-region'; actualRegion: string }
  | { kind: 'no-access'; code: string };

/**
 * What became of latest.txt after an upload: moved to the new key (from the previous backup, or
 * repaired from what it held), or left at a newer one.
 */
export type LatestOutcome =
  | { kind: 'moved'; previous?: string; repaired?: string }
  | { kind: 'kept-newer'; current: string };

/** latest.txt as read: absent, or its text, ETag and (when it names one) the backup key it names. */
type Pointer =
  | { kind: 'absent' }
  | { kind: 'present'; etag: string; text: string; parsed?: BackupKey; parameterCount?: number };

/** S3 keys are at most 1,024 bytes: more than that in latest.txt is not a key. */
const POINTER_MAX_BYTES = 1_024;

export type Encryption = { kind: 'AES256' } | { kind: 'aws:kms'; keyId: string };

export interface StoredObject {
  key: string;
  size: number;
  lastModified?: Date;
  parameterCount?: number;
  /** From HeadObject: the SHA-256 S3 checked at upload, and how the object is encrypted. */
  sha256Base64?: string;
  encryption?: { kind: string; keyId?: string };
}

/**
 * One region's backup bucket: the only code that talks to S3. With the owner's account, every call
 * names it (`ExpectedBucketOwner`): a bucket of that name that someone re-created in another account
 * is refused by S3 (403), never read or written.
 */
export class BackupStore {
  /** The bucket, and its expected owner, as every call names them. */
  private readonly at: { Bucket: string; ExpectedBucketOwner?: string };

  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    readonly owner?: string,
  ) {
    this.at = { Bucket: bucket, ...(owner ? { ExpectedBucketOwner: owner } : {}) };
  }

  /**
   * Uploads, streamed from the encoded chunks, with server-side encryption and an S3-checked SHA-256;
   * the count rides along as metadata for `list`. The upload is checked from PutObject's own answer
   * (S3 echoes the checksum it verified, the encryption and the key), so the writer needs no read
   * access to what it wrote.
   */
  async put(key: string, encoded: EncodedDocument, encryption: Encryption, parameterCount: number): Promise<void> {
    const answer = await this.s3.send(
      new (lazySdk.s3().PutObjectCommand)({
        ...this.at,
        Key: key,
        // Never replace an existing backup: S3 refuses the write if the key exists.
        IfNoneMatch: '*',
        Body: replayableBody(encoded.chunks),
        ContentLength: encoded.size,
        ContentType: 'application/json',
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: encoded.sha256Base64,
        Metadata: { [COUNT_METADATA]: String(parameterCount) },
        ...encryptionHeaders(encryption),
      }),
    );
    const problems = uploadProblems(answer, { sha256Base64: encoded.sha256Base64, encryption });
    if (problems.length)
      throw new IntegrityError(`s3://${this.bucket}/${key} did not check out after upload: ${problems.join('; ')}`);
  }

  /**
   * Size, time, parameter count, S3's SHA-256 and encryption of one object, without reading it (and so
   * without its KMS key: what the audit duty may do).
   */
  async describe(key: string): Promise<StoredObject> {
    const head = await this.named(
      key,
      this.s3.send(new (lazySdk.s3().HeadObjectCommand)({ ...this.at, Key: key, ChecksumMode: 'ENABLED' })),
    );
    const count = head.Metadata?.[COUNT_METADATA];
    return {
      key,
      size: head.ContentLength ?? 0,
      lastModified: head.LastModified,
      parameterCount: count === undefined ? undefined : Number(count),
      ...(head.ChecksumSHA256 ? { sha256Base64: head.ChecksumSHA256 } : {}),
      ...(head.ServerSideEncryption
        ? { encryption: { kind: head.ServerSideEncryption, ...(head.SSEKMSKeyId ? { keyId: head.SSEKMSKeyId } : {}) } }
        : {}),
    };
  }

  /**
   * Points latest.txt at `key`, forward only: if it already names an existing backup of this
   * environment at least as new, it is left alone. Whatever else it holds (nothing, garbage, a key
   * whose object is gone or was never written, another environment's key that no object holds) is
   * replaced, and the outcome says what was repaired. A pointer at another environment's real backup
   * means the bucket is not this environment's: it is never moved (ConfigurationError).
   *
   * The write is conditional on what was read (If-Match on its ETag, or If-None-Match when there was
   * none), so a run that finishes late can never move it back past a newer one. It is encrypted with
   * SSE-S3 whatever the backups use: it holds a key name, never a value, and the audit duty reads it
   * without any KMS key. It carries the backup's parameter count as metadata, so that the next run
   * knows how much to expect (a deadline needs that) without reading a backup.
   */
  async moveLatestForward(key: string, parameterCount: number): Promise<LatestOutcome> {
    const mine = parseBackupObjectKey(key);
    if (!mine) throw new IntegrityError(`${key} is not a backup object key`);
    for (let attempt = 1; ; attempt++) {
      const current = await this.readPointer();
      const decision = await this.judge(current, mine);
      if (decision.kind === 'kept-newer') return decision;
      try {
        await this.s3.send(
          new (lazySdk.s3().PutObjectCommand)({
            ...this.at,
            Key: LATEST_KEY,
            Body: key,
            ContentType: 'text/plain',
            Metadata: { [COUNT_METADATA]: String(parameterCount) },
            ...(current.kind === 'present' ? { IfMatch: current.etag } : { IfNoneMatch: '*' }),
            ServerSideEncryption: 'AES256',
          }),
        );
        return decision;
      } catch (error) {
        // Another run wrote latest.txt between our read and our write: read again and decide again.
        const lostRace =
          isAwsError(error, 'PreconditionFailed', 'ConditionalRequestConflict') || httpStatusOf(error) === 412;
        if (!lostRace || attempt >= LATEST_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** What to do with the pointer found, before moving it to `mine`. */
  private async judge(current: Pointer, mine: BackupKey): Promise<LatestOutcome> {
    if (current.kind === 'absent') return { kind: 'moved' };
    const theirs = current.parsed;
    if (!theirs) return { kind: 'moved', repaired: current.text ? 'it held no backup key' : 'it was empty' };
    if (theirs.env !== mine.env) {
      if (await this.exists(theirs.key))
        throw new ConfigurationError(
          `s3://${this.bucket}/${LATEST_KEY} names ${theirs.key}, a backup of environment '${theirs.env}': this ` +
            `bucket is not ${mine.env}'s (check the bucket key); latest.txt was left alone`,
        );
      return { kind: 'moved', repaired: `it named ${theirs.key}, another environment's key that no object holds` };
    }
    if (theirs.takenAt.getTime() < mine.takenAt.getTime()) return { kind: 'moved', previous: theirs.key };
    // As new or newer than this run: kept only if that backup really exists (a future key with no
    // object would otherwise pin the pointer for ever).
    if (await this.exists(theirs.key)) return { kind: 'kept-newer', current: theirs.key };
    return { kind: 'moved', repaired: `it named ${theirs.key}, which no object holds` };
  }

  /** Whether an object exists, by listing (s3:ListBucket): the backup duty may not HeadObject a backup. */
  private async exists(key: string): Promise<boolean> {
    const out = await this.s3.send(new (lazySdk.s3().ListObjectsV2Command)({ ...this.at, Prefix: key, MaxKeys: 1 }));
    return out.Contents?.[0]?.Key === key;
  }

  /**
   * The key latest.txt names, for reading that backup; undefined when there is no latest.txt. A
   * pointer that names no backup of `env` is a named error, never "does not exist".
   */
  async readLatest(env: string): Promise<string | undefined> {
    const current = await this.readPointer();
    if (current.kind === 'absent') return undefined;
    const where = `s3://${this.bucket}/${LATEST_KEY}`;
    const repair = 'the next good backup repairs it; until then name a backup with --from KEY or --at (see list)';
    if (!current.parsed)
      throw new NoBackupError(`${where} ${current.text ? 'holds no backup key' : 'is empty'}: ${repair}`);
    if (current.parsed.env !== env)
      throw new ConfigurationError(
        `${where} names ${current.parsed.key}, a backup of environment '${current.parsed.env}', not '${env}'`,
      );
    return current.parsed.key;
  }

  /** The parameter count of the backup latest.txt names, as written with it; undefined if none. */
  async readLatestCount(): Promise<number | undefined> {
    const current = await this.readPointer();
    return current.kind === 'present' && current.parsed ? current.parameterCount : undefined;
  }

  /** latest.txt as found: only its first bytes are read (a key is at most 1,024 bytes; garbage may be large). */
  private async readPointer(): Promise<Pointer> {
    try {
      const get = (range: boolean) =>
        this.s3.send(
          new (lazySdk.s3().GetObjectCommand)({
            ...this.at,
            Key: LATEST_KEY,
            ...(range ? { Range: `bytes=0-${POINTER_MAX_BYTES}` } : {}),
          }),
        );
      // S3 refuses any range of an empty object (416): read that one whole.
      let out: Awaited<ReturnType<typeof get>>;
      try {
        out = await get(true);
      } catch (error) {
        if (!isAwsError(error, 'InvalidRange') && httpStatusOf(error) !== 416) throw error;
        out = await get(false);
      }
      const text = ((await out.Body?.transformToString()) ?? '').trim();
      // Anyone who may write latest.txt may write this: only a plain count is taken.
      const count = out.Metadata?.[COUNT_METADATA];
      const parameterCount = count && /^\d{1,9}$/.test(count) ? Number(count) : undefined;
      const parsed = parseBackupObjectKey(text);
      return {
        kind: 'present',
        etag: out.ETag ?? '',
        text,
        ...(parsed ? { parsed } : {}),
        ...(parameterCount !== undefined ? { parameterCount } : {}),
      };
    } catch (error) {
      if (isAwsError(error, 'NoSuchKey', 'NotFound')) return { kind: 'absent' };
      throw error;
    }
  }

  /** Exists, lives in `region`, and we may reach it: checked for every region before any write. */
  async check(region: string): Promise<BucketCheck> {
    try {
      const out = await this.s3.send(new (lazySdk.s3().HeadBucketCommand)({ ...this.at }));
      if (out.BucketRegion && out.BucketRegion !== region)
        return { kind: 'other-region', actualRegion: out.BucketRegion };
      return { kind: 'ok' };
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 404 || isAwsError(error, 'NotFound', 'NoSuchBucket')) return { kind: 'missing' };
      // S3 answers a request in the wrong region with a redirect naming the right one.
      if (status === 301 || isAwsError(error, 'PermanentRedirect')) {
        const actual = (error as { BucketRegion?: string }).BucketRegion;
        return { kind: 'other-region', actualRegion: actual ?? 'another region' };
      }
      if (status === 403 || isAwsError(error, 'Forbidden', 'AccessDenied'))
        return { kind: 'no-access', code: errorCodeOf(error) };
      throw error;
    }
  }

  /** An object's bytes as they stream in (never joined here), and the SHA-256 S3 stored with it. */
  async open(key: string): Promise<{ chunks: AsyncIterable<Uint8Array>; sha256Base64?: string }> {
    const out = await this.named(
      key,
      this.s3.send(new (lazySdk.s3().GetObjectCommand)({ ...this.at, Key: key, ChecksumMode: 'ENABLED' })),
    );
    return {
      chunks: out.Body as AsyncIterable<Uint8Array>,
      ...(out.ChecksumSHA256 ? { sha256Base64: out.ChecksumSHA256 } : {}),
    };
  }

  /** A backup named by key that is not there is a named error, not S3's bare NoSuchKey. */
  private async named<T>(key: string, call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (isAwsError(error, 'NoSuchKey', 'NotFound') || httpStatusOf(error) === 404)
        throw new NoBackupError(
          `s3://${this.bucket}/${key} does not exist: no backup has that key (ssm-backup list shows the backups there)`,
        );
      throw error;
    }
  }

  /**
   * Backup objects of `env` (not latest.txt), newest first. With `since`, the listing starts at that
   * day's folder, so older days are not even listed.
   */
  async listBackups(env: string, options: { since?: Date } = {}): Promise<StoredObject[]> {
    const found: { object: StoredObject; parsed: NonNullable<ReturnType<typeof parseBackupObjectKey>> }[] = [];
    const startAfter = options.since ? { StartAfter: backupKeysStartAfter(options.since) } : {};
    for await (const page of lazySdk.s3().paginateListObjectsV2({ client: this.s3 }, { ...this.at, ...startAfter })) {
      for (const object of page.Contents ?? []) {
        const parsed = object.Key ? parseBackupObjectKey(object.Key) : undefined;
        if (parsed?.env !== env || (options.since && parsed.takenAt < options.since)) continue;
        found.push({ object: { key: parsed.key, size: object.Size ?? 0, lastModified: object.LastModified }, parsed });
      }
    }
    return found.sort((a, b) => compareBackupKeysNewestFirst(a.parsed, b.parsed)).map((f) => f.object);
  }
}

/**
 * What PutObject answered against what was sent: the SHA-256 S3 computed and checked, the encryption,
 * and the KMS key. S3 names the key by ARN; a key asked for by id matches the ARN's last part, and one
 * asked for by alias can only be checked to be some key of the account (pass the ARN for an exact check).
 */
export function uploadProblems(
  answer: { ChecksumSHA256?: string; ServerSideEncryption?: string; SSEKMSKeyId?: string },
  expected: { sha256Base64: string; encryption: Encryption },
): string[] {
  const problems: string[] = [];
  if (answer.ChecksumSHA256 !== expected.sha256Base64)
    problems.push(`checksum ${answer.ChecksumSHA256 ?? 'missing'} != ${expected.sha256Base64}`);
  if (answer.ServerSideEncryption !== expected.encryption.kind)
    problems.push(`encryption ${answer.ServerSideEncryption ?? 'none'} != ${expected.encryption.kind}`);
  else if (expected.encryption.kind === 'aws:kms' && !sameKey(answer.SSEKMSKeyId, expected.encryption.keyId))
    problems.push(`KMS key ${answer.SSEKMSKeyId ?? 'missing'} != ${expected.encryption.keyId}`);
  return problems;
}

function sameKey(answered: string | undefined, asked: string): boolean {
  if (!answered) return false;
  if (answered === asked) return true;
  if (asked.startsWith('arn:')) return false;
  if (asked.startsWith('alias/')) return kmsKeyArnRegion(answered) !== undefined;
  return answered.endsWith(`:key/${asked}`);
}

function encryptionHeaders(encryption: Encryption): {
  ServerSideEncryption: ServerSideEncryption;
  SSEKMSKeyId?: string;
} {
  return encryption.kind === 'aws:kms'
    ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: encryption.keyId }
    : { ServerSideEncryption: 'AES256' };
}
