import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  ParameterNotFound,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { sdkStreamMixin } from '@smithy/util-stream';
import { ConfigurationError, ExitCode, IntegrityError, InterruptedError } from '../../../src/errors';
import { type BackupRunInput, runBackup } from '../../../src/run/backupRun';
import type { RunEvent } from '../../../src/run/events';
import {
  awsError,
  cloudwatchMock,
  meta,
  param,
  regionClients,
  resetMocks,
  s3Mock,
  ssmMock,
  stsMock,
} from '../support/mocks';

const REGIONS = ['ap-northeast-1', 'us-west-2', 'us-east-1'];
const KEY = '2026-11-29/ssm-backup-dev-20261129_130000-0000beef.json';

interface WorldOptions {
  failGetParametersIn?: string;
  emptyIn?: string;
  /** Names GetParameters leaves out, as a parameter deleted after listing is. */
  vanish?: string[];
  /** Bucket -> what HeadBucket answers. */
  buckets?: Record<string, 'missing' | 'forbidden' | 'broken' | { region: string }>;
  /** Region -> the backup key the stack publishes there. */
  kmsKeys?: Record<string, string>;
  /** The stack's keys come back with their ARNs (account 210987654321), as AWS and moto answer. */
  arns?: boolean;
  /** Every fetch of parameters (not of the stack's keys) fails with this. */
  fetchError?: () => Error;
  /** What PutObject answers instead of S3's echo of what was stored. */
  putAnswer?: Record<string, string>;
}

/** The stack's keys in a region: its bucket, and its backup key if published. */
function wiringKey(name: string, options: WorldOptions): string | undefined {
  const match = /^\/jenkins\/dev\/backup\/([a-z0-9-]+)\/(s3-bucket-name|kms-key-arn)$/.exec(name);
  if (!match || !REGIONS.includes(match[1]!)) return undefined;
  return match[2] === 's3-bucket-name' ? `bucket-${match[1]}` : options.kmsKeys?.[match[1]!];
}

/**
 * Every region has a bucket key and two dev parameters. S3 keeps objects with ETags and honours
 * If-None-Match / If-Match as S3 does, so latest.txt's conditional writes are exercised for real.
 */
function standardWorld(options: WorldOptions = {}) {
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  ssmMock.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    if (input.Name === '/jenkins/dev/backup/regions') return { Parameter: { Value: REGIONS.join(',') } };
    const wired = wiringKey(input.Name, options);
    if (wired) return { Parameter: { Value: wired } };
    throw new ParameterNotFound({ message: 'nope', $metadata: {} });
  });
  ssmMock.on(DescribeParametersCommand).callsFake(async (_input, getClient: () => SSMClient) => {
    const region = await getClient().config.region();
    return region === options.emptyIn
      ? { Parameters: [] }
      : { Parameters: [meta('/app/dev/b'), meta('/app/dev/a'), meta('/app/prod/c')] };
  });
  ssmMock.on(GetParametersCommand).callsFake(async (input: { Names: string[] }, getClient: () => SSMClient) => {
    if (input.Names.some((n) => n.startsWith('/jenkins/dev/backup/'))) {
      const region = await getClient().config.region();
      const found = input.Names.flatMap((n) => {
        const value = wiringKey(n, options);
        const arn = options.arns ? { ARN: `arn:aws:ssm:${region}:210987654321:parameter${n}` } : {};
        return value ? [{ Name: n, Value: value, ...arn }] : [];
      });
      return { Parameters: found, InvalidParameters: input.Names.filter((n) => !found.some((f) => f.Name === n)) };
    }
    if (options.fetchError) throw options.fetchError();
    if ((await getClient().config.region()) === options.failGetParametersIn)
      throw awsError('InternalServerError', 'boom', 500);
    const names = input.Names.filter((n) => !options.vanish?.includes(n));
    return {
      Parameters: names.map((n) => param(n, 'SECRET-unit-value')),
      InvalidParameters: input.Names.filter((n) => !names.includes(n)),
    };
  });
  s3Mock.on(HeadBucketCommand).callsFake(async (input: { Bucket: string }) => {
    const answer = options.buckets?.[input.Bucket];
    if (answer === 'missing') throw awsError('NotFound', 'NotFound', 404);
    if (answer === 'forbidden') throw awsError('Forbidden', 'Forbidden', 403);
    if (answer === 'broken') throw awsError('InternalError', 'We encountered an internal error', 500);
    return { BucketRegion: answer?.region ?? input.Bucket.replace('bucket-', '') };
  });
  const objects = new Map<string, { body: Buffer; etag: string; metadata?: Record<string, string> }>();
  let etags = 0;
  s3Mock
    .on(PutObjectCommand)
    .callsFake(
      async (input: {
        Bucket: string;
        Key: string;
        Body: string | AsyncIterable<Buffer>;
        IfNoneMatch?: string;
        IfMatch?: string;
        ServerSideEncryption?: string;
        SSEKMSKeyId?: string;
        Metadata?: Record<string, string>;
      }) => {
        const id = `${input.Bucket}/${input.Key}`;
        const existing = objects.get(id);
        if (
          (input.IfNoneMatch === '*' && existing) ||
          (input.IfMatch !== undefined && existing?.etag !== input.IfMatch)
        ) {
          throw awsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
        }
        // The backup streams its chunks; latest.txt is a string.
        const parts: Buffer[] = [];
        if (typeof input.Body === 'string') parts.push(Buffer.from(input.Body));
        else for await (const chunk of input.Body) parts.push(Buffer.from(chunk));
        const body = Buffer.concat(parts);
        objects.set(id, { body, etag: `"etag-${++etags}"`, metadata: input.Metadata });
        // S3 answers with the checksum it computed and the encryption it applied.
        return {
          ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
          ServerSideEncryption: input.ServerSideEncryption,
          ...(input.SSEKMSKeyId ? { SSEKMSKeyId: input.SSEKMSKeyId } : {}),
          ...options.putAnswer,
        };
      },
    );
  s3Mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const object = objects.get(`${input.Bucket}/${input.Key}`);
    if (!object) throw new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } });
    return { Body: sdkStreamMixin(Readable.from([object.body])), ETag: object.etag, Metadata: object.metadata };
  });
  s3Mock.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string }) => ({
    Contents: [...objects.keys()]
      .filter((id) => id.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`))
      .map((id) => ({ Key: id.slice(input.Bucket.length + 1) })),
  }));
  // The writer never reads what it wrote back: no HeadObject, no GetObject of a backup.
  s3Mock.on(HeadObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
  return {
    text: (bucket: string, key: string) => objects.get(`${bucket}/${key}`)?.body.toString(),
    put: (bucket: string, key: string, body: string, metadata?: Record<string, string>) =>
      objects.set(`${bucket}/${key}`, { body: Buffer.from(body), etag: `"etag-${++etags}"`, metadata }),
  };
}

/** GetParameters calls that fetch parameters, not the stack's keys. */
const fetchCalls = () =>
  ssmMock
    .commandCalls(GetParametersCommand)
    .filter((c) => !c.args[0].input.Names![0]!.startsWith('/jenkins/dev/backup/'));

function input(overrides: Partial<BackupRunInput> = {}): BackupRunInput & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  const clients = new Map(REGIONS.concat('eu-west-1').map((r) => [r, regionClients(r)]));
  return {
    env: 'dev',
    homeRegion: 'ap-northeast-1',
    dryRun: false,
    concurrency: 2,
    withTags: false,
    encryption: { kind: 'AES256' },
    clientsFor: (r) => clients.get(r)!,
    now: () => new Date('2026-11-29T13:00:00Z'),
    listener: (e) => events.push(e),
    keySuffix: () => '0000beef',
    events,
    ...overrides,
  };
}

function putKeys(): string[] {
  return s3Mock.commandCalls(PutObjectCommand).map((c) => `${c.args[0].input.Bucket}/${c.args[0].input.Key}`);
}

function statuses(result: Awaited<ReturnType<typeof runBackup>>) {
  return result.summary.regions.map((r) => [r.region, r.status]);
}

beforeEach(resetMocks);

describe('Function: runBackup', () => {
  it('backs up every region in order, object before latest.txt, sorted and encrypted', async () => {
    const world = standardWorld();
    const result = await runBackup(input());

    expect(result.failure?.message).toBeUndefined();
    expect(result.exitCode).toBe(ExitCode.Ok);
    expect(
      result.summary.regions.map((r) => [r.region, r.status, 'parameterCount' in r ? r.parameterCount : -1]),
    ).toEqual(REGIONS.map((r) => [r, 'ok', 2]));
    expect(putKeys()).toEqual(REGIONS.flatMap((r) => [`bucket-${r}/${KEY}`, `bucket-${r}/latest.txt`]));
    const [objectPut, latestPut] = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    // The object never replaces another; latest.txt is created only if it is still absent.
    expect(objectPut).toMatchObject({ ServerSideEncryption: 'AES256', ChecksumAlgorithm: 'SHA256', IfNoneMatch: '*' });
    expect(latestPut).toMatchObject({ IfNoneMatch: '*' });
    const doc = JSON.parse(world.text('bucket-ap-northeast-1', KEY)!);
    expect(doc.parameters.map((p: { Name: string }) => p.Name)).toEqual(['/app/dev/a', '/app/dev/b']);
    expect(doc).toMatchObject({
      environment: 'dev',
      parameter_count: 2,
      format_version: 2,
      account_id: '123456789012',
    });
    expect(world.text('bucket-us-west-2', 'latest.txt')).toBe(KEY);
  });

  it('gives each run its own key: a random suffix after the timestamp', async () => {
    standardWorld();
    const { keySuffix: _fixed, ...random } = input({ regions: ['us-west-2'] });
    await runBackup(random);
    await runBackup(random);
    const keys = putKeys().filter((k) => k.endsWith('.json'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^bucket-us-west-2\/2026-11-29\/ssm-backup-dev-20261129_130000-[0-9a-f]{8}\.json$/);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('uses aws:kms with the key when asked; latest.txt stays SSE-S3 so the audit duty reads it', async () => {
    standardWorld();
    const run = input({ encryption: { kind: 'aws:kms', keyId: 'alias/backup' }, regions: ['us-west-2'] });
    const result = await runBackup(run);
    expect(result.exitCode).toBe(ExitCode.Ok);
    // No stack key here: nothing is set aside.
    expect(run.events.find((e) => e.type === 'encryption-chosen')).toStrictEqual({
      type: 'encryption-chosen',
      region: 'us-west-2',
      encryption: { kind: 'aws:kms', keyId: 'alias/backup' },
      source: 'option',
    });
    const [backup, latest] = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(backup).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/backup' });
    expect(latest).toMatchObject({ Key: 'latest.txt', ServerSideEncryption: 'AES256' });
    expect(latest).not.toHaveProperty('SSEKMSKeyId');
    expect(result.summary.regions[0]).toMatchObject({
      encryption: { kind: 'aws:kms', keyId: 'alias/backup', source: 'option' },
    });
  });

  it("uses the stack's published key where there is one, setting a different --kms-key-id aside with a warning", async () => {
    const arn = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    standardWorld({ kmsKeys: { 'us-west-2': arn } });
    const run = input({ encryption: { kind: 'aws:kms', keyId: 'alias/other' }, regions: ['us-west-2', 'us-east-1'] });
    const result = await runBackup(run);
    expect(result.exitCode).toBe(ExitCode.Ok);
    const backups = s3Mock
      .commandCalls(PutObjectCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.Key !== 'latest.txt');
    expect(backups.map((b) => [b.Bucket, b.SSEKMSKeyId])).toEqual([
      ['bucket-us-west-2', arn],
      ['bucket-us-east-1', 'alias/other'],
    ]);
    expect(run.events).toContainEqual({
      type: 'encryption-chosen',
      region: 'us-west-2',
      encryption: { kind: 'aws:kms', keyId: arn },
      source: 'stack',
      setAside: 'alias/other',
    });
    // One GetParameters per region reads the bucket and the key together.
    expect(
      ssmMock
        .commandCalls(GetParametersCommand)
        .filter((c) => c.args[0].input.Names!.some((n) => n.startsWith('/jenkins/'))),
    ).toHaveLength(2);
    // --kms-key-id naming the stack's own key sets nothing aside.
    const same = input({ encryption: { kind: 'aws:kms', keyId: arn }, regions: ['us-west-2'] });
    await runBackup(same);
    expect(same.events.find((e) => e.type === 'encryption-chosen')).not.toHaveProperty('setAside');
  });

  it('fails the region, and leaves latest.txt, when S3 answers with another KMS key than the one asked for', async () => {
    const arn = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    standardWorld({ kmsKeys: { 'us-west-2': arn }, putAnswer: { SSEKMSKeyId: arn.replace('1234abcd', 'ffffffff') } });
    const result = await runBackup(input({ regions: ['us-west-2'] }));
    expect(result.failure).toBeInstanceOf(IntegrityError);
    expect(result.failure!.message).toMatch(/KMS key arn:aws:kms:us-west-2:123456789012:key\/ffffffff.* != arn:/);
    expect(putKeys().filter((k) => k.endsWith('latest.txt'))).toEqual([]);
  });

  it("takes the account from the stack key's ARN: no STS call", async () => {
    standardWorld({ arns: true });
    const result = await runBackup(input({ regions: ['us-west-2'] }));
    expect(result.exitCode).toBe(ExitCode.Ok);
    expect(result.summary.accountId).toBe('210987654321');
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('without an ARN, asks STS in the first region of the run, and needs no home region with explicit regions', async () => {
    standardWorld();
    const stsRegions: string[] = [];
    stsMock.on(GetCallerIdentityCommand).callsFake(async (_input, getClient: () => STSClient) => {
      stsRegions.push(await getClient().config.region());
      return { Account: '123456789012' };
    });
    const result = await runBackup(input({ homeRegion: undefined, regions: ['us-east-1', 'us-west-2'] }));
    expect(result.exitCode).toBe(ExitCode.Ok);
    expect(stsRegions).toEqual(['us-east-1']);
  });

  it('stops at the first failing region: later regions are not started', async () => {
    standardWorld({ failGetParametersIn: 'us-west-2' });
    const result = await runBackup(input());

    expect(result.exitCode).toBe(ExitCode.Failed);
    expect(result.summary.status).toBe('failed');
    expect(statuses(result)).toEqual([
      ['ap-northeast-1', 'ok'],
      ['us-west-2', 'failed'],
      ['us-east-1', 'not-started'],
    ]);
    const failed = result.summary.regions[1]!;
    expect(failed.status === 'failed' && failed.error).toMatchObject({
      code: 'InternalServerError',
      message: expect.stringMatching(/boom/),
    });
    expect(putKeys().some((k) => k.startsWith('bucket-us-east-1') || k.startsWith('bucket-us-west-2'))).toBe(false);
  });

  it("checks every region's bucket key before writing anything", async () => {
    standardWorld();
    const result = await runBackup(input({ regions: ['ap-northeast-1', 'eu-west-1'] }));
    expect(result.failure).toBeInstanceOf(ConfigurationError);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(statuses(result)).toEqual([
      ['ap-northeast-1', 'not-started'],
      ['eu-west-1', 'not-started'],
    ]);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('lists and fetches the first region while the buckets are checked, and writes only after the checks', async () => {
    standardWorld();
    const order: string[] = [];
    s3Mock.on(HeadBucketCommand).callsFake(async (i: { Bucket: string }) => {
      order.push('head-start');
      await new Promise((r) => setTimeout(r, 30));
      order.push('head-end');
      return { BucketRegion: i.Bucket.replace('bucket-', '') };
    });
    ssmMock.on(DescribeParametersCommand).callsFake(() => {
      order.push('list');
      return { Parameters: [meta('/app/dev/b'), meta('/app/dev/a')] };
    });
    s3Mock.on(PutObjectCommand).callsFake(() => {
      order.push('put');
      return {};
    });
    await runBackup(input({ regions: ['us-west-2'], dryRun: false }));
    expect(order).toContain('list');
    expect(order.indexOf('list')).toBeLessThan(order.indexOf('head-end'));
    expect(order.indexOf('put')).toBeGreaterThan(order.indexOf('head-end'));
  });

  it.each([
    [
      'missing',
      'missing' as const,
      /us-west-2: bucket bucket-us-west-2 \(from \/jenkins\/dev\/backup\/us-west-2\/s3-bucket-name in us-west-2\) does not exist/,
    ],
    ['in another region', { region: 'eu-west-1' }, /bucket bucket-us-west-2 .* is in eu-west-1, not us-west-2/],
    [
      'unreachable',
      'forbidden' as const,
      /bucket bucket-us-west-2 .* cannot be reached \(Forbidden\): the credentials need s3:ListBucket/,
    ],
  ])(
    'refuses a bucket that is %s before any work, dry run and empty environment included (exit 2)',
    async (_label, answer, message) => {
      for (const overrides of [{}, { dryRun: true }, { regions: ['us-west-2'] }]) {
        resetMocks();
        standardWorld({ buckets: { 'bucket-us-west-2': answer }, emptyIn: 'us-west-2' });
        const result = await runBackup(input(overrides));
        expect(result.exitCode).toBe(ExitCode.Usage);
        expect(result.failure!.message).toMatch(message);
        // The first region's listing may have started alongside the checks; nothing was written.
        expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
        expect(result.summary.regions.every((r) => r.status === 'not-started')).toBe(true);
      }
    },
  );

  it('warns (exit 3) and uploads nothing when no parameter matched', async () => {
    standardWorld({ emptyIn: 'us-west-2' });
    const result = await runBackup(input({ regions: ['us-west-2'] }));
    expect(result.exitCode).toBe(ExitCode.NeedsAttention);
    expect(result.summary.regions[0]!.status).toBe('empty');
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('backs up the rest when a parameter vanished between listing and fetching, naming it (exit 0)', async () => {
    const world = standardWorld({ vanish: ['/app/dev/b'] });
    const run = input({ regions: ['us-west-2'] });
    const result = await runBackup(run);
    expect(result.exitCode).toBe(ExitCode.Ok);
    expect(result.summary.regions[0]).toMatchObject({ status: 'ok', parameterCount: 1, vanished: ['/app/dev/b'] });
    expect(run.events).toContainEqual({ type: 'vanished', region: 'us-west-2', names: ['/app/dev/b'] });
    expect(JSON.parse(world.text('bucket-us-west-2', KEY)!).parameters.map((p: { Name: string }) => p.Name)).toEqual([
      '/app/dev/a',
    ]);
    expect(world.text('bucket-us-west-2', 'latest.txt')).toBe(KEY);
  });

  it("fails a region whose SecureString cannot be decrypted, with the service's code in the summary", async () => {
    standardWorld({ fetchError: () => awsError('KMSAccessDeniedException', 'no decrypt', 400) });
    const result = await runBackup(input({ regions: ['us-west-2'] }));
    expect(result.exitCode).toBe(ExitCode.Failed);
    expect(result.summary.regions[0]).toMatchObject({
      status: 'failed',
      failed: [
        { name: '/app/dev/a', code: 'KMSAccessDeniedException' },
        { name: '/app/dev/b', code: 'KMSAccessDeniedException' },
      ],
    });
  });

  it('does not move latest.txt when the stored object does not check out', async () => {
    standardWorld({ putAnswer: { ChecksumSHA256: 'AAAA', ServerSideEncryption: 'aws:kms' } });
    const result = await runBackup(input({ regions: ['us-west-2'] }));
    expect(result.failure).toBeInstanceOf(IntegrityError);
    expect(result.failure!.message).toMatch(/checksum AAAA != .*; encryption aws:kms != AES256/);
    expect(putKeys().filter((k) => k.endsWith('latest.txt'))).toEqual([]);
  });

  describe('--finish-within', () => {
    const OLDER = '2026-11-28/ssm-backup-dev-20261128_130000.json';
    const latestReads = () => s3Mock.commandCalls(GetObjectCommand).filter((c) => c.args[0].input.Key === 'latest.txt');

    it('writes the parameter count with latest.txt, for the next run to expect', async () => {
      standardWorld();
      await runBackup(input({ regions: ['us-west-2'] }));
      const latestPut = s3Mock
        .commandCalls(PutObjectCommand)
        .map((c) => c.args[0].input)
        .find((i) => i.Key === 'latest.txt');
      expect(latestPut?.Metadata).toEqual({ 'parameter-count': '2' });
    });

    it("expects the last backup's count in every region, and reports the deadline in the summary", async () => {
      const world = standardWorld();
      world.put('bucket-us-west-2', 'latest.txt', OLDER, { 'parameter-count': '1234' });
      world.put('bucket-us-east-1', 'latest.txt', OLDER, { 'parameter-count': '56' });
      const run = input({ regions: ['us-west-2', 'us-east-1'], finishWithinMs: 540_000 });
      const paced = ['us-west-2', 'us-east-1'].map((r) => jest.spyOn(run.clientsFor(r).pacer, 'finishBy'));
      const result = await runBackup(run);
      expect(result.exitCode).toBe(ExitCode.Ok);
      // Each region's pacer keeps to its own deadline.
      expect(paced.map((spy) => spy.mock.calls.length)).toEqual([1, 1]);
      expect(result.summary.regions.map((r) => (r as { deadline?: unknown }).deadline)).toEqual([
        { seconds: 540, expectedParameters: 1234 },
        { seconds: 540, expectedParameters: 56 },
      ]);
      // Read once to expect, once to move it forward, in each region.
      expect(latestReads()).toHaveLength(4);
    });

    it('takes only a plain count from latest.txt, and without a deadline reads it only to move it', async () => {
      const world = standardWorld();
      world.put('bucket-us-west-2', 'latest.txt', OLDER, { 'parameter-count': '1e9' });
      const result = await runBackup(input({ regions: ['us-west-2'], finishWithinMs: 60_000 }));
      expect(result.summary.regions[0]).toMatchObject({ status: 'ok', deadline: { seconds: 60 } });
      expect(result.summary.regions[0]).not.toHaveProperty('deadline.expectedParameters');

      resetMocks();
      standardWorld();
      const plain = await runBackup(input({ regions: ['us-west-2'] }));
      expect(plain.summary.regions[0]).not.toHaveProperty('deadline');
      expect(latestReads()).toHaveLength(1);
    });
  });

  describe('latest.txt moves forward only', () => {
    const NEWER = '2026-11-29/ssm-backup-dev-20261129_140000-aaaa0000.json';
    const OLDER = '2026-11-28/ssm-backup-dev-20261128_130000.json';

    it('leaves latest.txt at a newer backup, with a warning, and still succeeds', async () => {
      const world = standardWorld();
      world.put('bucket-us-west-2', 'latest.txt', NEWER);
      world.put('bucket-us-west-2', NEWER, '{}');
      const run = input({ regions: ['us-west-2'] });
      const result = await runBackup(run);
      expect(result.exitCode).toBe(ExitCode.Ok);
      expect(result.summary.regions[0]).toMatchObject({ status: 'ok', key: KEY, latest: 'kept-newer' });
      expect(world.text('bucket-us-west-2', 'latest.txt')).toBe(NEWER);
      expect(run.events).toContainEqual({
        type: 'latest-kept',
        region: 'us-west-2',
        bucket: 'bucket-us-west-2',
        key: KEY,
        current: NEWER,
      });
    });

    it('moves it past an older backup with a write conditional on the ETag it read', async () => {
      const world = standardWorld();
      world.put('bucket-us-west-2', 'latest.txt', OLDER);
      const result = await runBackup(input({ regions: ['us-west-2'] }));
      expect(result.summary.regions[0]).toMatchObject({ latest: 'moved' });
      expect(world.text('bucket-us-west-2', 'latest.txt')).toBe(KEY);
      const latestPut = s3Mock
        .commandCalls(PutObjectCommand)
        .map((c) => c.args[0].input)
        .find((i) => i.Key === 'latest.txt');
      expect(latestPut).toMatchObject({ IfMatch: expect.stringMatching(/^"etag-\d+"$/) });
    });

    it('reads again and decides again when a newer run wrote latest.txt in between', async () => {
      const world = standardWorld();
      world.put('bucket-us-west-2', 'latest.txt', OLDER);
      // A faster, newer run writes latest.txt right after this run has read it.
      let raced = false;
      const reads = s3Mock.on(GetObjectCommand);
      const originalGet = world.text;
      reads.callsFake((getInput: { Bucket: string; Key: string }) => {
        const body = originalGet(getInput.Bucket, getInput.Key);
        if (body === undefined) throw new NoSuchKey({ message: 'no', $metadata: { httpStatusCode: 404 } });
        const answer = { Body: sdkStreamMixin(Readable.from([Buffer.from(body)])), ETag: '"etag-1"' };
        if (!raced) {
          raced = true;
          world.put('bucket-us-west-2', 'latest.txt', NEWER);
          world.put('bucket-us-west-2', NEWER, '{}');
        }
        return answer;
      });
      const result = await runBackup(input({ regions: ['us-west-2'] }));
      expect(result.exitCode).toBe(ExitCode.Ok);
      expect(result.summary.regions[0]).toMatchObject({ latest: 'kept-newer' });
      expect(world.text('bucket-us-west-2', 'latest.txt')).toBe(NEWER);
    });
  });

  describe('CloudWatch metrics of a good backup', () => {
    it('publishes success, count, duration and throttled calls per environment and region', async () => {
      standardWorld();
      const result = await runBackup(input({ regions: ['us-west-2'] }));
      expect(result.summary.regions[0]).toMatchObject({ status: 'ok', metrics: { status: 'published' } });
      const calls = cloudwatchMock.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
      expect(calls).toHaveLength(1);
      const dimensions = [
        { Name: 'Environment', Value: 'dev' },
        { Name: 'Region', Value: 'us-west-2' },
      ];
      expect(calls[0]).toEqual({
        Namespace: 'SSMBackup',
        MetricData: [
          { MetricName: 'BackupSucceeded', Value: 1, Unit: 'Count', Dimensions: dimensions },
          { MetricName: 'ParameterCount', Value: 2, Unit: 'Count', Dimensions: dimensions },
          { MetricName: 'DurationSeconds', Value: expect.any(Number), Unit: 'Seconds', Dimensions: dimensions },
          { MetricName: 'ThrottledCalls', Value: 0, Unit: 'Count', Dimensions: dimensions },
        ],
      });
    });

    it('a failure to publish is a warning in the summary and the log; the backup stays good (exit 0)', async () => {
      standardWorld();
      cloudwatchMock.on(PutMetricDataCommand).rejects(awsError('AccessDenied', 'not allowed', 403));
      const run = input({ regions: ['us-west-2'] });
      const result = await runBackup(run);
      expect(result.exitCode).toBe(ExitCode.Ok);
      expect(result.summary.status).toBe('ok');
      expect(result.summary.regions[0]).toMatchObject({
        status: 'ok',
        latest: 'moved',
        metrics: { status: 'failed', code: 'AccessDenied' },
      });
      expect(run.events).toContainEqual({ type: 'metrics-failed', region: 'us-west-2', code: 'AccessDenied' });
    });

    it('nothing is published for a dry run, an empty region or a failed one', async () => {
      standardWorld({ emptyIn: 'us-east-1', failGetParametersIn: 'us-west-2' });
      await runBackup(input({ regions: ['ap-northeast-1'], dryRun: true }));
      await runBackup(input({ regions: ['us-east-1'] }));
      await runBackup(input({ regions: ['us-west-2'] }));
      expect(cloudwatchMock.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    });
  });

  describe('latest.txt is repaired whatever it holds', () => {
    const FUTURE = '2031-01-01/ssm-backup-dev-20310101_000000-ffff0000.json';
    const NEWER = '2026-11-29/ssm-backup-dev-20261129_140000-aaaa0000.json';
    const OLDER = '2026-11-28/ssm-backup-dev-20261128_130000.json';
    const PROD = '2026-11-29/ssm-backup-prod-20261129_140000-aaaa0000.json';
    it.each([
      ['empty', '', 'it was empty'],
      ['a newline', '\n', 'it was empty'],
      ['garbage', 'hello world', 'it held no backup key'],
      ['a future key with no object', FUTURE, `it named ${FUTURE}, which no object holds`],
      ['a newer key whose object was deleted', NEWER, `it named ${NEWER}, which no object holds`],
      ["another environment's key with no object", PROD, `it named ${PROD}, another environment's key`],
    ])(
      '%s: moved to the new backup (a conditional write), with a warning naming what it replaced',
      async (_, held, why) => {
        const world = standardWorld();
        world.put('bucket-us-west-2', 'latest.txt', held);
        const run = input({ regions: ['us-west-2'] });
        const result = await runBackup(run);
        expect(result.exitCode).toBe(ExitCode.Ok);
        expect(result.summary.regions[0]).toMatchObject({
          status: 'ok',
          latest: 'moved',
          latestRepaired: expect.stringContaining(why),
        });
        expect(world.text('bucket-us-west-2', 'latest.txt')).toBe(KEY);
        expect(run.events).toContainEqual(
          expect.objectContaining({ type: 'latest-moved', key: KEY, repaired: expect.stringContaining(why) }),
        );
        const latestPut = s3Mock
          .commandCalls(PutObjectCommand)
          .map((c) => c.args[0].input)
          .find((i) => i.Key === 'latest.txt');
        expect(latestPut).toMatchObject({ IfMatch: expect.stringMatching(/^"etag-\d+"$/) });
      },
    );

    it("never moves a latest.txt that names another environment's existing backup: the bucket is not ours", async () => {
      const world = standardWorld();
      world.put('bucket-us-west-2', 'latest.txt', PROD);
      world.put('bucket-us-west-2', PROD, '{}');
      const result = await runBackup(input({ regions: ['us-west-2'] }));
      expect(result.exitCode).toBe(ExitCode.Usage);
      expect(result.summary.regions[0]).toMatchObject({ status: 'failed', error: { name: 'ConfigurationError' } });
      expect(result.failure?.message).toMatch(/names .*prod.*a backup of environment 'prod': this bucket is not dev's/);
      expect(world.text('bucket-us-west-2', 'latest.txt')).toBe(PROD);
    });

    it("another run's backup of the same second is as new as this one: kept, when it exists", async () => {
      const sameSecond = KEY.replace('0000beef', 'ffff0000');
      const world = standardWorld();
      world.put('bucket-us-west-2', 'latest.txt', sameSecond);
      world.put('bucket-us-west-2', sameSecond, '{}');
      const result = await runBackup(input({ regions: ['us-west-2'] }));
      expect(result.summary.regions[0]).toMatchObject({ latest: 'kept-newer' });
      expect(world.text('bucket-us-west-2', 'latest.txt')).toBe(sameSecond);
    });

    it('an older key whose object is gone is simply passed: no existence check is needed', async () => {
      const world = standardWorld();
      world.put('bucket-us-west-2', 'latest.txt', OLDER);
      const result = await runBackup(input({ regions: ['us-west-2'] }));
      expect(result.summary.regions[0]).toMatchObject({ latest: 'moved' });
      expect(result.summary.regions[0]).not.toHaveProperty('latestRepaired');
      expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(0);
    });
  });

  it('on an interruption starts nothing more: latest.txt untouched, the region interrupted, the rest not started', async () => {
    const world = standardWorld();
    const controller = new AbortController();
    const run = input({ signal: controller.signal });
    // The signal arrives while the first region's parameters are being fetched.
    run.listener = (event) => {
      run.events.push(event);
      if (event.type === 'collected') controller.abort(new InterruptedError('SIGTERM'));
    };
    const result = await runBackup(run);
    expect(result.exitCode).toBe(143);
    expect(result.summary.status).toBe('interrupted');
    expect(statuses(result)).toEqual([
      ['ap-northeast-1', 'interrupted'],
      ['us-west-2', 'not-started'],
      ['us-east-1', 'not-started'],
    ]);
    expect(result.summary.regions[1]).toMatchObject({ reason: 'interrupted' });
    expect(world.text('bucket-ap-northeast-1', 'latest.txt')).toBeUndefined();
    expect(putKeys()).toEqual([]);
  });

  it('dry run lists and fetches but writes nothing, reporting what it would upload', async () => {
    standardWorld();
    const run = input({ dryRun: true, regions: ['us-west-2'] });
    const result = await runBackup(run);
    expect(result.summary.regions[0]).toMatchObject({ status: 'dry-run', parameterCount: 2, key: KEY });
    expect(fetchCalls()).toHaveLength(1);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(HeadBucketCommand)).toHaveLength(1);
    expect(run.events.find((e) => e.type === 'would-upload')).toMatchObject({ bucket: 'bucket-us-west-2', count: 2 });
  });

  it('never puts a value into events or the summary', async () => {
    standardWorld({ vanish: ['/app/dev/b'] });
    const run = input();
    const result = await runBackup(run);
    expect(JSON.stringify(run.events)).not.toContain('SECRET-unit-value');
    expect(JSON.stringify(result.summary)).not.toContain('SECRET-unit-value');
  });
});

describe('Function: runBackup, the summary of every ending', () => {
  beforeEach(resetMocks);

  it('one empty region among good ones is a warning (exit 3); durations come from the clock', async () => {
    standardWorld({ emptyIn: 'us-west-2' });
    let tick = 0;
    const result = await runBackup(input({ now: () => new Date(Date.parse('2026-11-29T13:00:00Z') + 1000 * tick++) }));
    expect(statuses(result)).toEqual([
      ['ap-northeast-1', 'ok'],
      ['us-west-2', 'empty'],
      ['us-east-1', 'ok'],
    ]);
    expect(result.summary.status).toBe('warning');
    expect(result.exitCode).toBe(ExitCode.NeedsAttention);
    expect(result.summary.durationMs).toBeGreaterThan(0);
    expect(result.summary.durationMs).toBe(1000 * (tick - 1));
  });

  it('a failed region reports how long it ran; the regions after it were not started because of it', async () => {
    standardWorld({ failGetParametersIn: 'us-west-2' });
    let tick = 0;
    const result = await runBackup(input({ now: () => new Date(Date.parse('2026-11-29T13:00:00Z') + 1000 * tick++) }));
    const [, failed, after] = result.summary.regions;
    expect(failed).toMatchObject({ status: 'failed', durationMs: expect.any(Number) });
    expect((failed as { durationMs: number }).durationMs).toBeGreaterThan(0);
    expect((failed as { durationMs: number }).durationMs).toBeLessThan(result.summary.durationMs);
    expect(after).toEqual({
      status: 'not-started',
      region: 'us-east-1',
      bucket: 'bucket-us-east-1',
      reason: 'an earlier region failed',
    });
  });

  it('when the regions cannot be resolved, no region is listed and the error is in the summary', async () => {
    standardWorld();
    ssmMock.on(GetParameterCommand).rejects(awsError('AccessDeniedException', 'not allowed', 400));
    const result = await runBackup(input());
    expect(result.exitCode).toBe(ExitCode.Failed);
    expect(result.summary.regions).toEqual([]);
    expect(result.summary.error).toEqual({
      name: result.failure?.name,
      code: 'AccessDeniedException',
      message: 'not allowed',
    });
  });

  it('a failed check names every region that is not ready in one error, and lists every region as not started', async () => {
    standardWorld({ buckets: { 'bucket-us-west-2': 'missing', 'bucket-us-east-1': 'forbidden' } });
    const result = await runBackup(input());
    expect(result.failure).toBeInstanceOf(ConfigurationError);
    expect(result.failure?.message).toMatch(
      /^2 regions are not ready: us-west-2: bucket bucket-us-west-2 .* does not exist; us-east-1: .*cannot be reached \(Forbidden\)/,
    );
    expect(result.summary.regions).toEqual(
      REGIONS.map((region) => ({ status: 'not-started', region, reason: 'the run stopped before any region started' })),
    );
  });

  it('one region not ready is named as it is, without the count of regions', async () => {
    standardWorld({ buckets: { 'bucket-us-west-2': 'missing' } });
    const result = await runBackup(input());
    expect(result.failure).toBeInstanceOf(ConfigurationError);
    expect(result.failure?.message).toMatch(
      /^us-west-2: bucket bucket-us-west-2 \(from .* in us-west-2\) does not exist$/,
    );
  });

  it('a check that fails on AWS is reported as that failure, not as a configuration problem beside another', async () => {
    standardWorld({ buckets: { 'bucket-us-west-2': 'missing', 'bucket-us-east-1': 'broken' } });
    const result = await runBackup(input());
    expect(result.failure).not.toBeInstanceOf(ConfigurationError);
    expect(result.failure?.message).toBe('We encountered an internal error');
    expect(result.summary.error?.code).toBe('InternalError');
  });

  it("a bucket out of reach names the account it must belong to, from the ARN of the stack's key", async () => {
    standardWorld({ arns: true, buckets: { 'bucket-us-west-2': 'forbidden' } });
    const result = await runBackup(input({ regions: ['us-west-2'] }));
    expect(result.failure?.message).toMatch(
      /cannot be reached \(Forbidden\): the credentials need s3:ListBucket on it, and it must belong to account 210987654321$/,
    );
  });

  it('a bucket out of reach with no account known asks only for s3:ListBucket', async () => {
    standardWorld({ buckets: { 'bucket-us-west-2': 'forbidden' } });
    const result = await runBackup(input({ regions: ['us-west-2'] }));
    expect(result.failure?.message).toMatch(
      /cannot be reached \(Forbidden\): the credentials need s3:ListBucket on it$/,
    );
  });

  it("a failed check stops the first region's early listing: no call is made after the run returns", async () => {
    standardWorld({ buckets: { 'bucket-ap-northeast-1': 'missing' } });
    // A listing that never ends by itself: a page every 5 ms, each with a next token.
    ssmMock.on(DescribeParametersCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 5));
      return { Parameters: [], NextToken: 'more' };
    });
    const result = await runBackup(input());
    expect(result.failure).toBeInstanceOf(ConfigurationError);
    const listed = ssmMock.commandCalls(DescribeParametersCommand).length;
    await new Promise((r) => setTimeout(r, 50));
    expect(ssmMock.commandCalls(DescribeParametersCommand)).toHaveLength(listed);
  });

  it('the identity the run used goes into the summary', async () => {
    standardWorld();
    const identity = { roleArn: 'arn:aws:iam::123456789012:role/backup', sessionName: 's', account: '123456789012' };
    const result = await runBackup(input({ identity, regions: ['us-west-2'] }));
    expect(result.summary.identity).toEqual(identity);
    expect((await runBackup(input({ regions: ['us-west-2'] }))).summary).not.toHaveProperty('identity');
  });

  it("reports a region's progress only once it has started, though its collection began earlier", async () => {
    // The first region's collection runs alongside the checks (here it ends before the region starts):
    // its progress then is not reported; the second region's, started at its start, is.
    standardWorld();
    const run = input({ regions: ['ap-northeast-1', 'us-west-2'] });
    await runBackup(run);
    const types = run.events.map((e) => ('region' in e ? `${e.type}:${e.region}` : e.type));
    const start = types.indexOf('region-start:ap-northeast-1');
    expect(start).toBeGreaterThan(0);
    expect(types.slice(0, start).filter((t) => t.startsWith('progress'))).toEqual([]);
    const second = types.indexOf('region-start:us-west-2');
    expect(types.indexOf('progress:us-west-2')).toBeGreaterThan(second);
  });
});

describe('Function: runBackup, what a region summary holds', () => {
  beforeEach(resetMocks);

  it('its duration, the minimum fetch calls, and no deadline unless asked', async () => {
    standardWorld();
    let tick = 0;
    const run = input({
      regions: ['us-west-2'],
      now: () => new Date(Date.parse('2026-11-29T13:00:00Z') + 1000 * tick++),
    });
    const result = await runBackup(run);
    const region = result.summary.regions[0] as { durationMs: number; api: { minimumFetchCalls: number } };
    // A few ticks of the clock, each a second: more than none, far less than a minute.
    expect(region.durationMs).toBeGreaterThan(0);
    expect(region.durationMs).toBeLessThan(60_000);
    const published = cloudwatchMock.commandCalls(PutMetricDataCommand)[0]!.args[0].input.MetricData!;
    const seconds = published.find((m) => m.MetricName === 'DurationSeconds')!.Value!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(60);
    expect(run.events.map((e) => e.type)).not.toContain('vanished');
    expect(region.api.minimumFetchCalls).toBe(1);
    expect(region).not.toHaveProperty('deadline');
  });

  it("the stack key's ARN names the expected bucket owner on every S3 call", async () => {
    standardWorld({ arns: true });
    await runBackup(input({ regions: ['us-west-2'] }));
    const owners = s3Mock.calls().map((c) => (c.args[0].input as { ExpectedBucketOwner?: string }).ExpectedBucketOwner);
    expect(new Set(owners)).toEqual(new Set(['210987654321']));
  });

  it('a dry run reports the key, bytes and hash it would have written', async () => {
    standardWorld();
    const result = await runBackup(input({ regions: ['us-west-2'], dryRun: true }));
    expect(result.summary.regions[0]).toMatchObject({
      status: 'dry-run',
      key: KEY,
      bytes: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      parameterCount: 2,
    });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('Function: runBackup, a region holding only the stack keys', () => {
  beforeEach(resetMocks);

  it('is empty (exit 3): the runner writes no backup of its own keys alone', async () => {
    standardWorld();
    ssmMock
      .on(DescribeParametersCommand)
      .resolves({ Parameters: [meta('/jenkins/dev/backup/us-west-2/s3-bucket-name')] });
    const result = await runBackup(input({ regions: ['us-west-2'] }));
    expect(result.summary.regions[0]!.status).toBe('empty');
    expect(result.exitCode).toBe(ExitCode.NeedsAttention);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
