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
import { ConfigurationError, IntegrityError, NoBackupError } from '../../../src/errors';
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
    s3Mock.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({
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

  it('a lost race is known by its name (409 or 412) or by 412 alone', async () => {
    for (const lost of [
      awsError('ConditionalRequestConflict', 'conflict', 409),
      awsError('PreconditionFailed', 'failed', 400),
      awsError('SomethingElse', 'failed', 412),
    ]) {
      resetMocks();
      bucket(OLDER, [OLDER]);
      s3Mock.on(PutObjectCommand).rejectsOnce(lost).resolves({});
      expect(await store().moveLatestForward(MINE, 3)).toEqual({ kind: 'moved', previous: OLDER });
      expect(puts()).toHaveLength(2);
      expect(puts()[1]).toMatchObject({ Key: 'latest.txt', Body: MINE, ContentType: 'text/plain' });
    }
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

describe('Class: BackupStore, what each answer of S3 means', () => {
  beforeEach(resetMocks);
  const store = () => new BackupStore(regionClients().s3, 'b');
  const text = (body: string, extra: object = {}) => ({
    Body: sdkStreamMixin(Readable.from([Buffer.from(body)])),
    ETag: '"e"',
    ...extra,
  });

  it('check: in the region, in another, missing, forbidden, by status or by name; anything else is thrown', async () => {
    s3Mock.on(HeadBucketCommand).resolves({ BucketRegion: 'us-west-2' });
    expect(await store().check('us-west-2')).toEqual({ kind: 'ok' });
    expect(await store().check('eu-west-1')).toEqual({ kind: 'other-region', actualRegion: 'us-west-2' });
    s3Mock.on(HeadBucketCommand).resolves({});
    expect(await store().check('eu-west-1')).toEqual({ kind: 'ok' });
    const answers: [Error, object][] = [
      [awsError('NotFound', 'x', 404), { kind: 'missing' }],
      [awsError('NotFound', 'x', 400), { kind: 'missing' }],
      [awsError('NoSuchBucket', 'x', 400), { kind: 'missing' }],
      [awsError('Unknown', 'x', 404), { kind: 'missing' }],
      [
        Object.assign(awsError('PermanentRedirect', 'x', 301), { BucketRegion: 'eu-west-1' }),
        { kind: 'other-region', actualRegion: 'eu-west-1' },
      ],
      [awsError('PermanentRedirect', 'x', 400), { kind: 'other-region', actualRegion: 'another region' }],
      [awsError('Unknown', 'x', 301), { kind: 'other-region', actualRegion: 'another region' }],
      [awsError('Forbidden', 'x', 403), { kind: 'no-access', code: 'Forbidden' }],
      [awsError('Forbidden', 'x', 400), { kind: 'no-access', code: 'Forbidden' }],
      [awsError('AccessDenied', 'x', 400), { kind: 'no-access', code: 'AccessDenied' }],
      [awsError('Unknown', 'x', 403), { kind: 'no-access', code: 'Unknown' }],
    ];
    for (const [error, outcome] of answers) {
      s3Mock.on(HeadBucketCommand).rejects(error);
      expect(await store().check('us-west-2')).toEqual(outcome);
    }
    s3Mock.on(HeadBucketCommand).rejects(awsError('InternalError', 'x', 500));
    await expect(store().check('us-west-2')).rejects.toThrow('x');
  });

  it('describe and open: a key that is not there is NoBackupError naming it; other errors pass through', async () => {
    for (const error of [
      awsError('NoSuchKey', 'x', 404),
      awsError('NotFound', 'x', 400),
      awsError('Other', 'x', 404),
    ]) {
      s3Mock.on(HeadObjectCommand).rejects(error);
      s3Mock.on(GetObjectCommand).rejects(error);
      const message = 's3://b/k.json does not exist: no backup has that key (ssm-backup list shows the backups there)';
      await expect(store().describe('k.json')).rejects.toThrow(new NoBackupError(message));
      await expect(store().open('k.json')).rejects.toThrow(new NoBackupError(message));
    }
    s3Mock.on(HeadObjectCommand).rejects(awsError('AccessDenied', 'denied', 403));
    await expect(store().describe('k.json')).rejects.not.toBeInstanceOf(NoBackupError);
  });

  it('describe: size, time, count, checksum and encryption, each only when S3 gives it', async () => {
    const lastModified = new Date('2026-11-29T13:00:00Z');
    s3Mock.on(HeadObjectCommand).resolves({
      ContentLength: 10,
      LastModified: lastModified,
      Metadata: { 'parameter-count': '7' },
      ChecksumSHA256: sha,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: ARN,
    });
    expect(await store().describe('k.json')).toEqual({
      key: 'k.json',
      size: 10,
      lastModified,
      parameterCount: 7,
      sha256Base64: sha,
      encryption: { kind: 'aws:kms', keyId: ARN },
    });
    expect(s3Mock.commandCalls(HeadObjectCommand)[0]!.args[0].input).toMatchObject({ ChecksumMode: 'ENABLED' });
    s3Mock.on(HeadObjectCommand).resolves({ ServerSideEncryption: 'AES256' });
    expect(await store().describe('k.json')).toEqual({
      key: 'k.json',
      size: 0,
      lastModified: undefined,
      parameterCount: undefined,
      encryption: { kind: 'AES256' },
    });
  });

  it('readLatest: the key for this environment; absent is undefined; empty, garbage or another env is named', async () => {
    const KEY = '2026-11-29/ssm-backup-dev-20261129_130000-aaaa0000.json';
    s3Mock.on(GetObjectCommand).callsFake(() => text(`${KEY}\n`));
    expect(await store().readLatest('dev')).toBe(KEY);
    expect(s3Mock.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({
      Key: 'latest.txt',
      Range: 'bytes=0-1024',
    });
    await expect(store().readLatest('prod')).rejects.toThrow(
      new ConfigurationError(`s3://b/latest.txt names ${KEY}, a backup of environment 'dev', not 'prod'`),
    );
    s3Mock.on(GetObjectCommand).callsFake(() => text('not a key'));
    await expect(store().readLatest('dev')).rejects.toThrow(
      new NoBackupError(
        's3://b/latest.txt holds no backup key: the next good backup repairs it; until then name a backup with ' +
          '--from KEY or --at (see list)',
      ),
    );
    s3Mock.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'x', 404));
    expect(await store().readLatest('dev')).toBeUndefined();
    s3Mock.on(GetObjectCommand).rejects(awsError('NotFound', 'x', 404));
    expect(await store().readLatest('dev')).toBeUndefined();
    s3Mock.on(GetObjectCommand).rejects(awsError('AccessDenied', 'denied', 403));
    await expect(store().readLatest('dev')).rejects.toThrow('denied');
  });

  it('an empty latest.txt, whose range S3 refuses (416), is read whole and named empty', async () => {
    for (const refusal of [awsError('InvalidRange', 'x', 400), awsError('Other', 'x', 416)]) {
      s3Mock.reset();
      s3Mock
        .on(GetObjectCommand, { Key: 'latest.txt', Range: 'bytes=0-1024' })
        .rejects(refusal)
        .on(GetObjectCommand, { Key: 'latest.txt' })
        .callsFake((input: { Range?: string }) => (input.Range ? Promise.reject(refusal) : text('')));
      await expect(store().readLatest('dev')).rejects.toThrow(/^s3:\/\/b\/latest.txt is empty: /);
      expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(2);
    }
    s3Mock.reset();
    s3Mock.on(GetObjectCommand).rejects(awsError('Other', 'boom', 400));
    await expect(store().readLatest('dev')).rejects.toThrow('boom');
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it('readLatestCount: the count written with a real key, only a plain number', async () => {
    const KEY = '2026-11-29/ssm-backup-dev-20261129_130000-aaaa0000.json';
    const count = async (metadata: Record<string, string> | undefined, body = KEY) => {
      s3Mock.on(GetObjectCommand).callsFake(() => text(body, metadata ? { Metadata: metadata } : {}));
      return store().readLatestCount();
    };
    expect(await count({ 'parameter-count': '2000' })).toBe(2000);
    expect(await count({ 'parameter-count': '1e9' })).toBeUndefined();
    expect(await count({ 'parameter-count': '12345678901' })).toBeUndefined();
    expect(await count({ 'parameter-count': ' 5' })).toBeUndefined();
    expect(await count(undefined)).toBeUndefined();
    expect(await count({ 'parameter-count': '5' }, 'garbage')).toBeUndefined();
  });

  it('listBackups: this environment only, newest first, from the day of `since` on', async () => {
    const keys = [
      '2026-11-28/ssm-backup-dev-20261128_130000-aaaa0000.json',
      '2026-11-29/ssm-backup-dev-20261129_120000-aaaa0000.json',
      '2026-11-29/ssm-backup-dev-20261129_130000-aaaa0000.json',
      '2026-11-29/ssm-backup-prod-20261129_140000-aaaa0000.json',
      'latest.txt',
      '2026-11-29/notes.txt',
    ];
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: keys.map((Key) => ({ Key, Size: 5 })) });
    const listed = await store().listBackups('dev');
    expect(listed.map((o) => o.key)).toEqual([keys[2], keys[1], keys[0]]);
    expect(listed[0]).toEqual({ key: keys[2], size: 5, lastModified: undefined });
    expect(s3Mock.commandCalls(ListObjectsV2Command)[0]!.args[0].input).not.toHaveProperty('StartAfter');
    s3Mock.resetHistory();
    const since = await store().listBackups('dev', { since: new Date('2026-11-29T13:00:00Z') });
    expect(since.map((o) => o.key)).toEqual([keys[2]]);
    expect(s3Mock.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toHaveProperty('StartAfter');
  });

  it('put: never over an existing key, with its checksum, count and encryption; a mismatch is an IntegrityError', async () => {
    s3Mock.on(PutObjectCommand).resolves({ ChecksumSHA256: 'other', ServerSideEncryption: 'AES256' });
    const error = await store()
      .put('k.json', { chunks: [Buffer.from('{}')], size: 2, sha256Base64: sha } as never, { kind: 'AES256' }, 3)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toBe(`s3://b/k.json did not check out after upload: checksum other != ${sha}`);
    expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Key: 'k.json',
      IfNoneMatch: '*',
      ContentLength: 2,
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: sha,
      Metadata: { 'parameter-count': '3' },
      ServerSideEncryption: 'AES256',
    });
  });
});
