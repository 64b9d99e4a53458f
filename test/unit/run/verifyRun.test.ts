import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { GetParametersCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ssm';
import { sdkStreamMixin } from '@smithy/util-stream';
import { IntegrityError, NoBackupError, UsageError } from '../../../src/errors';
import { RegionSession } from '../../../src/run/region';
import { runVerify, type VerifyInput } from '../../../src/run/verifyRun';
import { backedUp, regionClients, resetMocks, s3Mock, ssmMock } from '../support/mocks';
import { driftedWorld, fixtureA, fixtureB, UnitWorld, unitSession } from '../support/world';

beforeEach(resetMocks);

const KEY = '2026-11-29/ssm-backup-dev-20261129_130000-0000beef.json';
const SHA = Buffer.from('a'.repeat(32)).toString('base64');

/** The bucket key in SSM; latest.txt naming KEY; HeadObject answering `head`. GetObject of KEY fails. */
function world(head: Record<string, unknown>, latest: string | null = KEY) {
  ssmMock.on(GetParametersCommand).resolves({
    Parameters: [{ Name: '/jenkins/dev/backup/us-west-2/s3-bucket-name', Value: 'bucket-us-west-2' }],
  });
  s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    if (input.Key !== 'latest.txt' || !latest) throw new NoSuchKey({ message: 'no such key', $metadata: {} });
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(latest)])), ETag: '"e"' };
  });
  s3Mock.on(HeadObjectCommand).resolves(head);
}

const good = {
  ContentLength: 1234,
  ChecksumSHA256: SHA,
  ServerSideEncryption: 'aws:kms',
  SSEKMSKeyId: 'arn:aws:kms:us-west-2:123456789012:key/k',
  Metadata: { 'parameter-count': '42' },
};

function input(overrides: Partial<VerifyInput> = {}): VerifyInput {
  return {
    session: new RegionSession({ env: 'dev', region: 'us-west-2', concurrency: 2, clientsFor: () => regionClients() }),
    from: { kind: 'latest' },
    metadataOnly: true,
    againstLive: false,
    strict: false,
    now: () => new Date('2026-11-29T14:00:00Z'),
    ...overrides,
  };
}

describe('Function: runVerify --metadata-only (what the audit duty may do)', () => {
  it("reports S3's record of the newest backup without reading it, and its age", async () => {
    world(good);
    const report = await runVerify(input({ maxAgeMs: 2 * 3600_000 }));
    expect(report).toMatchObject({
      mode: 'metadata',
      origin: `s3://bucket-us-west-2/${KEY}`,
      parameterCount: 42,
      bytes: 1234,
      sha256: '61'.repeat(32),
      encryption: { kind: 'aws:kms', keyId: 'arn:aws:kms:us-west-2:123456789012:key/k' },
      age: { newestKey: KEY, ageMs: 3600_000 },
      failures: [],
    });
    // Only latest.txt was read; the backup object never was.
    expect(s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['latest.txt']);
    expect(s3Mock.commandCalls(HeadObjectCommand)[0]!.args[0].input).toMatchObject({
      Key: KEY,
      ChecksumMode: 'ENABLED',
    });
  });

  it('fails a backup older than --max-age', async () => {
    world(good);
    const report = await runVerify(input({ maxAgeMs: 1800_000 }));
    expect(report.failures).toEqual(['too-old']);
  });

  it('refuses an object without the SHA-256 or the count ssm-backup always stores', async () => {
    world({ ...good, ChecksumSHA256: undefined, Metadata: {} });
    const attempt = runVerify(input());
    await expect(attempt).rejects.toThrow(IntegrityError);
    await expect(attempt).rejects.toThrow(
      `${KEY} was not written by ssm-backup as it is: S3 holds no SHA-256 for it, though ssm-backup always ` +
        'stores one; it has no parameter-count metadata',
    );
  });

  it('reads latest.txt for a named backup only to check --max-age', async () => {
    world(good);
    const latestReads = () => s3Mock.commandCalls(GetObjectCommand).filter((c) => c.args[0].input.Key === 'latest.txt');
    await runVerify(input({ from: { kind: 'key', key: KEY } }));
    expect(latestReads()).toHaveLength(0);
    await runVerify(input({ from: { kind: 'key', key: KEY }, maxAgeMs: 7200_000 }));
    expect(latestReads()).toHaveLength(1);
  });

  it('is a usage error with a file or with --against-live; no backup at all is NoBackupError', async () => {
    await expect(runVerify(input({ from: { kind: 'file', path: 'x.json' } }))).rejects.toThrow(
      new UsageError('--metadata-only checks a backup in S3; --from file: has none'),
    );
    await expect(runVerify(input({ againstLive: true }))).rejects.toThrow(
      new UsageError('--metadata-only reads no parameter: it cannot check --against-live'),
    );
    world(good, null);
    await expect(runVerify(input({ maxAgeMs: 1000 }))).rejects.toThrow(NoBackupError);
  });
});

describe('Function: runVerify, content (the backup read and checked)', () => {
  const content = (overrides: Partial<VerifyInput> = {}) =>
    input({ session: unitSession(), metadataOnly: false, ...overrides });

  it('reads the backup latest.txt names, and reports its count, bytes, hash and time', async () => {
    const world = new UnitWorld();
    const key = world.putBackup('2026-11-29T13:00:00Z', [fixtureA(), fixtureB()]);
    const report = await runVerify(content());
    const stored = world.objects.get(key)!;
    expect(report).toMatchObject({
      mode: 'content',
      origin: `s3://bucket-us-west-2/${key}`,
      parameterCount: 2,
      bytes: stored.body.length,
      sha256: Buffer.from(stored.sha256Base64!, 'base64').toString('hex'),
      backupTime: '2026-11-29T13:00:00.000Z',
      strict: false,
      failures: [],
    });
    expect(report).not.toHaveProperty('drift');
    expect(report).not.toHaveProperty('age');
  });

  it('--max-age: the age of the newest backup, inclusive bound; for an older --from, latest.txt says which is newest', async () => {
    const world = new UnitWorld();
    const older = world.putBackup('2026-11-28T13:00:00Z', [fixtureA()], { latest: false });
    const newest = world.putBackup('2026-11-29T13:00:00Z', [fixtureA()]);
    const exact = await runVerify(content({ maxAgeMs: 3600_000 }));
    expect(exact.age).toEqual({ newestKey: newest, ageMs: 3600_000, maxAgeMs: 3600_000 });
    expect(exact.failures).toEqual([]);
    expect((await runVerify(content({ maxAgeMs: 3599_999 }))).failures).toEqual(['too-old']);
    const fromOlder = await runVerify(content({ from: { kind: 'key', key: older }, maxAgeMs: 7200_000 }));
    expect(fromOlder.age?.newestKey).toBe(newest);
    expect(fromOlder.parameterCount).toBe(1);
  });

  it('with no backup, --max-age says there is none younger than it', async () => {
    new UnitWorld();
    await expect(runVerify(content({ maxAgeMs: 7200_000 }))).rejects.toThrow(
      /: there is no backup younger than 7200 s$/,
    );
    await expect(runVerify(content())).rejects.not.toThrow(/younger than/);
  });

  it('--against-live: missing and changed fail; extra fails only with --strict; tags read only if the backup has them', async () => {
    const world = driftedWorld();
    world.live.set('/app/dev/new', backedUp('/app/dev/new'));
    const report = await runVerify(content({ againstLive: true }));
    expect(report.drift).toEqual({
      missing: ['/app/dev/b'],
      extra: ['/app/dev/new'],
      changed: [{ name: '/app/dev/a', differences: ['value'] }],
    });
    expect(report.failures).toEqual(['drift']);
    expect(ssmMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);

    const onlyExtra = new UnitWorld();
    onlyExtra.putBackup('2026-11-29T13:00:00Z', [fixtureA({ Tags: [{ Key: 'team', Value: 'x' }] })]);
    onlyExtra.setLive([fixtureA({ Tags: [{ Key: 'team', Value: 'x' }] }), backedUp('/app/dev/new')]);
    expect((await runVerify(content({ againstLive: true }))).failures).toEqual([]);
    expect(ssmMock.commandCalls(ListTagsForResourceCommand).length).toBeGreaterThan(0);
    expect((await runVerify(content({ againstLive: true, strict: true }))).failures).toEqual(['drift']);
  });

  it('--strict counts the extra parameters with the missing ones: one of each is drift', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [fixtureA(), fixtureB()]);
    world.setLive([fixtureA(), backedUp('/app/dev/new')]);
    const report = await runVerify(content({ againstLive: true, strict: true }));
    expect(report.drift).toEqual({ missing: ['/app/dev/b'], extra: ['/app/dev/new'], changed: [] });
    expect(report.failures).toEqual(['drift']);
  });

  it('--against-live reads the live tags when any backed-up parameter has tags', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [fixtureA({ Tags: [{ Key: 'team', Value: 'x' }] }), fixtureB()]);
    world.setLive([fixtureA({ Tags: [{ Key: 'team', Value: 'y' }] }), fixtureB()]);
    const report = await runVerify(content({ againstLive: true }));
    expect(report.drift?.changed).toEqual([{ name: '/app/dev/a', differences: ['tags'] }]);
  });

  it('reads latest.txt for a named backup only to check --max-age', async () => {
    const world = new UnitWorld();
    const key = world.putBackup('2026-11-29T13:00:00Z', [fixtureA()]);
    const latestReads = () => s3Mock.commandCalls(GetObjectCommand).filter((c) => c.args[0].input.Key === 'latest.txt');
    await runVerify(content({ from: { kind: 'key', key } }));
    expect(latestReads()).toHaveLength(0);
    await runVerify(content({ from: { kind: 'key', key }, maxAgeMs: 7200_000 }));
    expect(latestReads()).toHaveLength(1);
  });
});

describe('Function: runVerify --metadata-only, each problem named', () => {
  it.each([
    [{ ContentLength: 0 }, 'it is empty'],
    [{ ChecksumSHA256: undefined }, 'S3 holds no SHA-256 for it, though ssm-backup always stores one'],
    [{ Metadata: { 'parameter-count': 'x' } }, 'it has no parameter-count metadata'],
  ])('%p: %s', async (change, problem) => {
    world({ ...good, ...change });
    await expect(runVerify(input())).rejects.toThrow(
      new IntegrityError(`s3://bucket-us-west-2/${KEY} was not written by ssm-backup as it is: ${problem}`),
    );
  });

  it('an object of one byte is not empty; no encryption, none reported', async () => {
    world({ ...good, ContentLength: 1, ServerSideEncryption: undefined });
    const report = await runVerify(input());
    expect(report.bytes).toBe(1);
    expect(report).not.toHaveProperty('encryption');
    expect(report.backupTime).toBe('2026-11-29T13:00:00.000Z');
    expect(report.checksum).toBe('recorded by S3 at upload (content not read)');
  });

  it('--max-age with latest.txt gone: no backup in the region', async () => {
    world(good, null);
    await expect(runVerify(input({ from: { kind: 'key', key: KEY }, maxAgeMs: 1000 }))).rejects.toThrow(
      new NoBackupError('no backup in us-west-2: latest.txt does not exist'),
    );
  });
});
