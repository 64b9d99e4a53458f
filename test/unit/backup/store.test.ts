import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { BackupStore, uploadProblems } from '../../../src/backup/store';
import { awsError, regionClients, resetMocks, s3Mock } from '../support/mocks';

const ARN = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const sha = 'c2hhMjU2';

describe('Function: uploadProblems (the check of what PutObject answered)', () => {
  it('accepts the same checksum, encryption and key', () => {
    expect(
      uploadProblems(
        { ChecksumSHA256: sha, ServerSideEncryption: 'AES256' },
        { sha256Base64: sha, encryption: { kind: 'AES256' } },
      ),
    ).toEqual([]);
    expect(
      uploadProblems(
        { ChecksumSHA256: sha, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ARN },
        { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId: ARN } },
      ),
    ).toEqual([]);
  });

  it('names a missing or different checksum, another encryption, another key', () => {
    expect(
      uploadProblems({ ServerSideEncryption: 'AES256' }, { sha256Base64: sha, encryption: { kind: 'AES256' } }),
    ).toEqual([`checksum missing != ${sha}`]);
    expect(
      uploadProblems({ ChecksumSHA256: sha }, { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId: ARN } }),
    ).toEqual(['encryption none != aws:kms']);
    const other = ARN.replace('1234abcd', 'ffffffff');
    expect(
      uploadProblems(
        { ChecksumSHA256: sha, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: other },
        { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId: ARN } },
      ),
    ).toEqual([`KMS key ${other} != ${ARN}`]);
  });

  it('matches a key asked for by id against the ARN S3 answers; an alias only to some key of the account', () => {
    const answer = { ChecksumSHA256: sha, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ARN };
    const asked = (keyId: string) =>
      uploadProblems(answer, { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId } });
    expect(asked('1234abcd-12ab-34cd-56ef-1234567890ab')).toEqual([]);
    expect(asked('ffffffff-12ab-34cd-56ef-1234567890ab')).toHaveLength(1);
    expect(asked('alias/backup')).toEqual([]);
    expect(
      uploadProblems(
        { ...answer, SSEKMSKeyId: 'not-a-key' },
        { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId: 'alias/backup' } },
      ),
    ).toHaveLength(1);
  });
});

describe('Class: BackupStore names the expected owner on every S3 call', () => {
  beforeEach(resetMocks);

  it('with an owner, each call it makes carries ExpectedBucketOwner; without one, none does', async () => {
    const body = () =>
      sdkStreamMixin(Readable.from([Buffer.from('2026-11-29/ssm-backup-dev-20261129_130000-aaaa0000.json')]));
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: body(), ETag: '"e"' }));
    s3Mock.on(HeadObjectCommand).resolves({ ContentLength: 1 });
    s3Mock.on(HeadBucketCommand).resolves({ BucketRegion: 'us-west-2' });
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3Mock.on(PutObjectCommand).resolves({});
    for (const owner of ['123456789012', undefined]) {
      s3Mock.resetHistory();
      const store = new BackupStore(regionClients().s3, 'b', owner);
      await store.check('us-west-2');
      await store.describe('k.json');
      await store.readLatest('dev');
      await store.open('k.json');
      await store.listBackups('dev');
      await store.moveLatestForward('2026-11-30/ssm-backup-dev-20261130_130000-bbbb0000.json', 3);
      const calls = s3Mock.calls().map((c) => c.args[0].input as { Bucket?: string; ExpectedBucketOwner?: string });
      expect(new Set(s3Mock.calls().map((c) => c.args[0].constructor.name))).toEqual(
        new Set([
          'HeadBucketCommand',
          'HeadObjectCommand',
          'GetObjectCommand',
          'ListObjectsV2Command',
          'PutObjectCommand',
        ]),
      );
      for (const input of calls) {
        expect(input.Bucket).toBe('b');
        if (owner) expect(input.ExpectedBucketOwner).toBe(owner);
        else expect(input).not.toHaveProperty('ExpectedBucketOwner');
      }
    }
  });
});

describe('Class: BackupStore.moveLatestForward (latest.txt moves forward only)', () => {
  const MINE = '2026-11-30/ssm-backup-dev-20261130_130000-bbbb0000.json';
  const SAME_SECOND = '2026-11-30/ssm-backup-dev-20261130_130000-aaaa0000.json';
  const OLDER = '2026-11-30/ssm-backup-dev-20261130_125959-aaaa0000.json';
  const NEWER = '2026-11-30/ssm-backup-dev-20261130_130001-aaaa0000.json';
  beforeEach(resetMocks);

  /** latest.txt names `pointer` (or is absent); `objects` are the backups that exist. */
  function bucket(pointer: string | undefined, objects: string[]) {
    if (pointer === undefined) s3Mock.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'gone', 404));
    else
      s3Mock
        .on(GetObjectCommand)
        .callsFake(() => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(pointer)])), ETag: '"e1"' }));
    s3Mock
      .on(ListObjectsV2Command)
      .callsFake((input: { Prefix: string }) => ({
        Contents: objects.includes(input.Prefix) ? [{ Key: input.Prefix }] : [],
      }));
    s3Mock.on(PutObjectCommand).resolves({});
  }
  const store = () => new BackupStore(regionClients().s3, 'b');
  const puts = () => s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

  it('leaves a pointer at an existing backup of the same second alone: "at least as new" includes equal', async () => {
    bucket(SAME_SECOND, [SAME_SECOND]);
    expect(await store().moveLatestForward(MINE, 3)).toEqual({ kind: 'kept-newer', current: SAME_SECOND });
    expect(puts()).toEqual([]);
  });

  it('leaves a pointer at an existing newer backup alone', async () => {
    bucket(NEWER, [NEWER]);
    expect(await store().moveLatestForward(MINE, 3)).toEqual({ kind: 'kept-newer', current: NEWER });
    expect(puts()).toEqual([]);
  });

  it('moves a pointer at an older backup, conditional on the ETag it read, with the count', async () => {
    bucket(OLDER, [OLDER]);
    expect(await store().moveLatestForward(MINE, 3)).toEqual({ kind: 'moved', previous: OLDER });
    expect(puts()).toEqual([
      expect.objectContaining({ Key: 'latest.txt', Body: MINE, IfMatch: '"e1"', Metadata: { 'parameter-count': '3' } }),
    ]);
    expect(puts()[0]).not.toHaveProperty('IfNoneMatch');
  });

  it('repairs a pointer at a newer key that no object holds, and creates an absent one only if still absent', async () => {
    bucket(NEWER, []);
    expect(await store().moveLatestForward(MINE, 3)).toEqual({
      kind: 'moved',
      repaired: `it named ${NEWER}, which no object holds`,
    });
    resetMocks();
    bucket(undefined, []);
    expect(await store().moveLatestForward(MINE, 3)).toEqual({ kind: 'moved' });
    expect(puts()).toEqual([expect.objectContaining({ Body: MINE, IfNoneMatch: '*' })]);
    expect(puts()[0]).not.toHaveProperty('IfMatch');
  });

  it('after losing a race (412), reads again and decides again: a newer pointer written meanwhile is kept', async () => {
    let reads = 0;
    s3Mock.on(GetObjectCommand).callsFake(() => {
      const text = ++reads === 1 ? OLDER : NEWER;
      return { Body: sdkStreamMixin(Readable.from([Buffer.from(text)])), ETag: `"e${reads}"` };
    });
    s3Mock.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({ Contents: [{ Key: input.Prefix }] }));
    s3Mock.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 'At least one of the preconditions', 412));
    expect(await store().moveLatestForward(MINE, 3)).toEqual({ kind: 'kept-newer', current: NEWER });
    expect(reads).toBe(2);
    expect(puts()).toHaveLength(1);
  });

  it('gives up after five lost races with the service error, and never retries any other error', async () => {
    bucket(OLDER, [OLDER]);
    s3Mock.on(PutObjectCommand).rejects(awsError('PreconditionFailed', 'lost', 412));
    await expect(store().moveLatestForward(MINE, 3)).rejects.toThrow('lost');
    expect(puts()).toHaveLength(5);
    s3Mock.resetHistory();
    s3Mock.on(PutObjectCommand).rejects(awsError('AccessDenied', 'denied', 403));
    await expect(store().moveLatestForward(MINE, 3)).rejects.toThrow('denied');
    expect(puts()).toHaveLength(1);
  });
});
