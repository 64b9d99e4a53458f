import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  type ServerSideEncryption,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { isAwsError } from '../aws/errorKinds';
import { replayableBody } from '../aws/replayableBody';
import type { EncodedDocument } from './document';
import { IntegrityError } from '../errors';

export const LATEST_KEY = 'latest.txt';
const COUNT_METADATA = 'parameter-count';

export type Encryption = { kind: 'AES256' } | { kind: 'aws:kms'; keyId: string };

export interface StoredObject {
  key: string;
  size: number;
  lastModified?: Date;
  parameterCount?: number;
}

/** One region's backup bucket: the only code that talks to S3. */
export class BackupStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /**
   * Uploads, streamed from the encoded chunks, with server-side encryption and an S3-checked SHA-256;
   * the count rides along as metadata for `list`.
   */
  async put(key: string, encoded: EncodedDocument, encryption: Encryption, parameterCount: number): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: replayableBody(encoded.chunks),
        ContentLength: encoded.size,
        ContentType: 'application/json',
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: encoded.sha256Base64,
        Metadata: { [COUNT_METADATA]: String(parameterCount) },
        ...encryptionHeaders(encryption),
      }),
    );
  }

  /** Size, time and parameter count of one object, without reading it. */
  async describe(key: string): Promise<StoredObject> {
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    const count = head.Metadata?.[COUNT_METADATA];
    return { key, size: head.ContentLength ?? 0, lastModified: head.LastModified, parameterCount: count === undefined ? undefined : Number(count) };
  }

  /** The upload is good only if S3 reports the same size, checksum and encryption. */
  async verify(key: string, expected: { size: number; sha256Base64: string; encryption: Encryption }): Promise<void> {
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    const problems: string[] = [];
    if (head.ContentLength !== expected.size) problems.push(`size ${head.ContentLength} != ${expected.size}`);
    if (head.ChecksumSHA256 !== expected.sha256Base64) problems.push(`checksum ${head.ChecksumSHA256 ?? 'missing'} != ${expected.sha256Base64}`);
    if (head.ServerSideEncryption !== expected.encryption.kind) problems.push(`encryption ${head.ServerSideEncryption ?? 'none'} != ${expected.encryption.kind}`);
    if (problems.length) throw new IntegrityError(`s3://${this.bucket}/${key} did not check out after upload: ${problems.join('; ')}`);
  }

  async writeLatest(key: string, encryption: Encryption): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: LATEST_KEY, Body: key, ContentType: 'text/plain', ...encryptionHeaders(encryption) }),
    );
  }

  async readLatest(): Promise<string | undefined> {
    try {
      return (await this.getText(LATEST_KEY)).trim() || undefined;
    } catch (error) {
      if (isAwsError(error, 'NoSuchKey', 'NotFound')) return undefined;
      throw error;
    }
  }

  async get(key: string): Promise<{ body: Buffer; sha256Base64?: string }> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }));
    const bytes = await out.Body!.transformToByteArray();
    return { body: Buffer.from(bytes), sha256Base64: out.ChecksumSHA256 };
  }

  /** Backup objects (not latest.txt), newest first. */
  async listBackups(env: string): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    const suffix = new RegExp(`/ssm-backup-${escapeRegExp(env)}-\\d{8}_\\d{6}\\.json$`);
    for await (const page of paginateListObjectsV2({ client: this.s3 }, { Bucket: this.bucket })) {
      for (const object of page.Contents ?? []) {
        if (object.Key && suffix.test(object.Key)) found.push({ key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified });
      }
    }
    // The key holds the UTC timestamp, so key order is time order.
    return found.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  }

  private async getText(key: string): Promise<string> {
    return (await this.get(key)).body.toString('utf8');
  }
}

function encryptionHeaders(encryption: Encryption): { ServerSideEncryption: ServerSideEncryption; SSEKMSKeyId?: string } {
  return encryption.kind === 'aws:kms' ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: encryption.keyId } : { ServerSideEncryption: 'AES256' };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

