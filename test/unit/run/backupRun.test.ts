import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeParametersCommand, GetParameterCommand, GetParametersCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createHash } from 'node:crypto';
import { runBackup, type BackupRunInput } from '../../../src/run/backupRun';
import type { RunEvent } from '../../../src/run/events';
import { ConfigurationError, ExitCode, IntegrityError } from '../../../src/errors';
import { awsError, meta, param, regionClients, resetMocks, s3Mock, ssmMock, stsMock } from '../support/mocks';

const REGIONS = ['ap-northeast-1', 'us-west-2', 'us-east-1'];

/** Every region has a bucket key and two dev parameters; uploads are echoed back by HeadObject. */
function standardWorld(options: { failGetParametersIn?: string; emptyIn?: string } = {}) {
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  ssmMock.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    if (input.Name === '/jenkins/dev/backup/regions') return { Parameter: { Value: REGIONS.join(',') } };
    const match = /^\/jenkins\/dev\/backup\/([a-z0-9-]+)\/s3-bucket-name$/.exec(input.Name);
    if (match && REGIONS.includes(match[1]!)) return { Parameter: { Value: `bucket-${match[1]}` } };
    throw new ParameterNotFound({ message: 'nope', $metadata: {} });
  });
  ssmMock.on(DescribeParametersCommand).callsFake(async (_input, getClient: () => SSMClient) => {
    const region = await getClient().config.region();
    return region === options.emptyIn ? { Parameters: [] } : { Parameters: [meta('/app/dev/b'), meta('/app/dev/a'), meta('/app/prod/c')] };
  });
  ssmMock.on(GetParametersCommand).callsFake(async (input: { Names: string[] }, getClient: () => SSMClient) => {
    if ((await getClient().config.region()) === options.failGetParametersIn) throw awsError('InternalServerError', 'boom', 500);
    return { Parameters: input.Names.map((n) => param(n, 'SECRET-unit-value')) };
  });
  const uploaded = new Map<string, Buffer>();
  s3Mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: string | AsyncIterable<Buffer> }) => {
    // The backup streams its chunks; latest.txt is a string.
    const parts: Buffer[] = [];
    if (typeof input.Body === 'string') parts.push(Buffer.from(input.Body));
    else for await (const chunk of input.Body) parts.push(Buffer.from(chunk));
    uploaded.set(input.Key, Buffer.concat(parts));
    return {};
  });
  s3Mock.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    const body = uploaded.get(input.Key)!;
    return { ContentLength: body.length, ChecksumSHA256: createHash('sha256').update(body).digest('base64'), ServerSideEncryption: 'AES256' };
  });
  return uploaded;
}

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
    events,
    ...overrides,
  };
}

function putKeys(): string[] {
  return s3Mock.commandCalls(PutObjectCommand).map((c) => `${c.args[0].input.Bucket}/${c.args[0].input.Key}`);
}

beforeEach(resetMocks);

describe('Function: runBackup', () => {
  it('backs up every region in order, object before latest.txt, sorted and encrypted', async () => {
    const uploaded = standardWorld();
    const result = await runBackup(input());

    expect(result.failure?.message).toBeUndefined();
    expect(result.exitCode).toBe(ExitCode.Ok);
    expect(result.summary.regions.map((r) => [r.region, r.status, r.parameterCount])).toEqual(REGIONS.map((r) => [r, 'ok', 2]));
    expect(putKeys()).toEqual(
      REGIONS.flatMap((r) => [`bucket-${r}/2026-11-29/ssm-backup-dev-20261129_130000.json`, `bucket-${r}/latest.txt`]),
    );
    const put = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ ServerSideEncryption: 'AES256', ChecksumAlgorithm: 'SHA256' });
    const doc = JSON.parse(uploaded.get('2026-11-29/ssm-backup-dev-20261129_130000.json')!.toString());
    expect(doc.parameters.map((p: { Name: string }) => p.Name)).toEqual(['/app/dev/a', '/app/dev/b']);
    expect(doc).toMatchObject({ environment: 'dev', parameter_count: 2, format_version: 2, account_id: '123456789012' });
    expect(uploaded.get('latest.txt')!.toString()).toBe('2026-11-29/ssm-backup-dev-20261129_130000.json');
  });

  it('uses aws:kms with the key when asked', async () => {
    standardWorld();
    s3Mock.on(HeadObjectCommand).callsFake(() => ({ ContentLength: 0 }));
    await runBackup(input({ encryption: { kind: 'aws:kms', keyId: 'alias/backup' }, regions: 'us-west-2' }));
    expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/backup' });
  });

  it('stops at the first failing region: later regions are not started', async () => {
    standardWorld({ failGetParametersIn: 'us-west-2' });
    const result = await runBackup(input());

    expect(result.exitCode).toBe(ExitCode.Failed);
    expect(result.summary.status).toBe('failed');
    expect(result.summary.regions.map((r) => [r.region, r.status])).toEqual([
      ['ap-northeast-1', 'ok'],
      ['us-west-2', 'failed'],
      ['us-east-1', 'not-started'],
    ]);
    expect(result.summary.regions[1]!.error?.message).toMatch(/boom/);
    expect(putKeys().some((k) => k.startsWith('bucket-us-east-1') || k.startsWith('bucket-us-west-2'))).toBe(false);
  });

  it('checks every region\'s bucket key before writing anything', async () => {
    standardWorld();
    await expect(runBackup(input({ regions: 'ap-northeast-1,eu-west-1' }))).rejects.toThrow(ConfigurationError);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(0);
  });

  it('warns (exit 3) and uploads nothing when no parameter matched', async () => {
    standardWorld({ emptyIn: 'us-west-2' });
    const result = await runBackup(input({ regions: 'us-west-2' }));
    expect(result.exitCode).toBe(ExitCode.NeedsAttention);
    expect(result.summary.regions[0]!.status).toBe('empty');
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('does not move latest.txt when the stored object does not check out', async () => {
    standardWorld();
    s3Mock.on(HeadObjectCommand).resolves({ ContentLength: 1, ChecksumSHA256: 'AAAA', ServerSideEncryption: 'AES256' });
    const result = await runBackup(input({ regions: 'us-west-2' }));
    expect(result.failure).toBeInstanceOf(IntegrityError);
    expect(result.failure!.message).toMatch(/size 1 != \d+; checksum AAAA != /);
    expect(putKeys().filter((k) => k.endsWith('latest.txt'))).toEqual([]);
  });

  it('dry run lists and fetches but writes nothing, reporting what it would upload', async () => {
    standardWorld();
    const run = input({ dryRun: true, regions: 'us-west-2' });
    const result = await runBackup(run);
    expect(result.summary.regions[0]).toMatchObject({ status: 'dry-run', parameterCount: 2, key: '2026-11-29/ssm-backup-dev-20261129_130000.json' });
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(1);
    expect(s3Mock.calls()).toHaveLength(0);
    expect(run.events.find((e) => e.type === 'would-upload')).toMatchObject({ bucket: 'bucket-us-west-2', count: 2 });
  });

  it('never puts a value into events or the summary', async () => {
    standardWorld();
    const run = input();
    const result = await runBackup(run);
    expect(JSON.stringify(run.events)).not.toContain('SECRET-unit-value');
    expect(JSON.stringify(result.summary)).not.toContain('SECRET-unit-value');
  });
});
