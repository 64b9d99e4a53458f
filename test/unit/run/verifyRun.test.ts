import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { sdkStreamMixin } from '@smithy/util-stream';
import { IntegrityError, NoBackupError, UsageError } from '../../../src/errors';
import { RegionSession } from '../../../src/run/region';
import { runVerify, type VerifyInput } from '../../../src/run/verifyRun';
import { regionClients, resetMocks, s3Mock, ssmMock } from '../support/mocks';

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
    await expect(attempt).rejects.toThrow(/S3 holds no SHA-256 for it.*no parameter-count metadata/);
  });

  it('is a usage error with a file or with --against-live; no backup at all is NoBackupError', async () => {
    await expect(runVerify(input({ from: { kind: 'file', path: 'x.json' } }))).rejects.toThrow(UsageError);
    await expect(runVerify(input({ againstLive: true }))).rejects.toThrow(UsageError);
    world(good, null);
    await expect(runVerify(input({ maxAgeMs: 1000 }))).rejects.toThrow(NoBackupError);
  });
});
