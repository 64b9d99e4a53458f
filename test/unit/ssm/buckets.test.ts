import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { ConfigurationError } from '../../../src/errors';
import { resolveBucket } from '../../../src/ssm/buckets';
import { regionClients, resetMocks, ssmMock } from '../support/mocks';

beforeEach(resetMocks);

/** SSM holding exactly these keys; GetParameters answers the rest as InvalidParameters, as AWS does. */
function wiring(values: Record<string, string>) {
  ssmMock.on(GetParametersCommand).callsFake(({ Names }: { Names: string[] }) => ({
    Parameters: Names.filter((n) => n in values).map((n) => ({ Name: n, Value: values[n] })),
    InvalidParameters: Names.filter((n) => !(n in values)),
  }));
}

describe('Function: resolveBucket', () => {
  it('reads the per-region key', async () => {
    wiring({ '/jenkins/dev/backup/us-west-2/s3-bucket-name': 'b-usw2' });
    await expect(
      resolveBucket({ env: 'dev', region: 'us-west-2', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm }),
    ).resolves.toEqual({
      region: 'us-west-2',
      bucket: 'b-usw2',
      source: '/jenkins/dev/backup/us-west-2/s3-bucket-name',
    });
  });

  it('reads the published backup key in the same call, and refuses one that is not a key ARN of the region', async () => {
    const arn = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    wiring({
      '/jenkins/dev/backup/us-west-2/s3-bucket-name': 'b-usw2',
      '/jenkins/dev/backup/us-west-2/kms-key-arn': arn,
    });
    await expect(resolveBucket({ env: 'dev', region: 'us-west-2', ssm: regionClients().ssm })).resolves.toEqual({
      region: 'us-west-2',
      bucket: 'b-usw2',
      source: '/jenkins/dev/backup/us-west-2/s3-bucket-name',
      kmsKeyArn: arn,
    });
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(1);
    for (const bad of ['alias/backup', arn.replace('us-west-2', 'us-east-1')]) {
      wiring({
        '/jenkins/dev/backup/us-west-2/s3-bucket-name': 'b-usw2',
        '/jenkins/dev/backup/us-west-2/kms-key-arn': bad,
      });
      await expect(resolveBucket({ env: 'dev', region: 'us-west-2', ssm: regionClients().ssm })).rejects.toThrow(
        /kms-key-arn in us-west-2 holds .*, which is not the ARN of a KMS key in us-west-2/,
      );
    }
  });

  it('falls back to the legacy key in the home region only', async () => {
    wiring({ '/jenkins/dev/backup/s3-bucket-name': 'legacy' });
    await expect(
      resolveBucket({ env: 'dev', region: 'ap-northeast-1', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm }),
    ).resolves.toEqual({ region: 'ap-northeast-1', bucket: 'legacy', source: '/jenkins/dev/backup/s3-bucket-name' });
  });

  it('does not use the legacy key for another region, and names region and key', async () => {
    wiring({ '/jenkins/dev/backup/s3-bucket-name': 'legacy' });
    const attempt = resolveBucket({
      env: 'dev',
      region: 'us-west-2',
      homeRegion: 'ap-northeast-1',
      ssm: regionClients().ssm,
    });
    await expect(attempt).rejects.toThrow(
      new ConfigurationError(
        'no backup bucket configured for us-west-2: /jenkins/dev/backup/us-west-2/s3-bucket-name does not exist ' +
          "in us-west-2 (is the region in the Pulumi stack's regions?)",
      ),
    );
  });

  it('names both keys when the home region has neither', async () => {
    wiring({});
    await expect(
      resolveBucket({ env: 'dev', region: 'ap-northeast-1', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm }),
    ).rejects.toThrow(
      new ConfigurationError(
        'no backup bucket configured for ap-northeast-1: neither /jenkins/dev/backup/ap-northeast-1/s3-bucket-name ' +
          'nor /jenkins/dev/backup/s3-bucket-name exists in ap-northeast-1 (is the Pulumi stack deployed?)',
      ),
    );
  });

  it('takes a published key ARN trimmed, as it takes the bucket name', async () => {
    const arn = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    wiring({
      '/jenkins/dev/backup/us-west-2/s3-bucket-name': 'b-usw2',
      '/jenkins/dev/backup/us-west-2/kms-key-arn': ` ${arn}\n`,
    });
    await expect(resolveBucket({ env: 'dev', region: 'us-west-2', ssm: regionClients().ssm })).resolves.toMatchObject({
      kmsKeyArn: arn,
    });
  });

  it.each([
    ['   ', /\/jenkins\/dev\/backup\/us-west-2\/s3-bucket-name in us-west-2 is empty/],
    ['s3://my-bucket', /holds an s3:\/\/ URL: it must hold the bare bucket name/],
    ['My_Bucket', /holds 'My_Bucket', which is not an S3 bucket name/],
  ])('refuses a key holding %p as a configuration error, named', async (value, message) => {
    wiring({ '/jenkins/dev/backup/us-west-2/s3-bucket-name': value });
    const attempt = resolveBucket({
      env: 'dev',
      region: 'us-west-2',
      homeRegion: 'us-west-2',
      ssm: regionClients().ssm,
    });
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('needs no home region for a region with its own key', async () => {
    wiring({ '/jenkins/dev/backup/us-west-2/s3-bucket-name': ' b-usw2 ' });
    await expect(resolveBucket({ env: 'dev', region: 'us-west-2', ssm: regionClients().ssm })).resolves.toMatchObject({
      bucket: 'b-usw2',
    });
  });
});

describe('Function: resolveBucket, what a bucket key may hold', () => {
  const KEY = '/jenkins/dev/backup/us-west-2/s3-bucket-name';
  const resolve = () => resolveBucket({ env: 'dev', region: 'us-west-2', ssm: regionClients().ssm });
  const refused = async (value: string) => {
    wiring({ [KEY]: value });
    const error = await resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  };

  it('refuses blank, an s3:// URL (any case), and what is no bucket name, naming key and region', async () => {
    expect(await refused('  ')).toBe(`${KEY} in us-west-2 is empty: it must hold the backup bucket's name`);
    for (const url of ['s3://b-usw2', 'S3://b-usw2'])
      expect(await refused(url)).toBe(`${KEY} in us-west-2 holds an s3:// URL: it must hold the bare bucket name`);
    for (const name of ['ab', 'a'.repeat(64), 'Upper-case', 'b-usw2-', '-b-usw2', 'b_usw2', 'x s3://y'])
      expect(await refused(name)).toBe(`${KEY} in us-west-2 holds '${name}', which is not an S3 bucket name`);
  });

  it('takes a bucket name trimmed, three and sixty-three characters long', async () => {
    for (const name of ['abc', 'a'.repeat(63), 'b.usw2-1']) {
      wiring({ [KEY]: ` ${name}\n` });
      expect((await resolve()).bucket).toBe(name);
    }
  });

  it("refuses the stack's bucket of another environment, or of another account", async () => {
    const bucket = (env: string, account: string) => `jenkins-infra-ssm-backup-${env}-${account}-us-west-2`;
    expect(await refused(bucket('prod', '123456789012'))).toBe(
      `${KEY} in us-west-2 holds '${bucket('prod', '123456789012')}', the bucket of environment 'prod', not 'dev': ` +
        "refusing to use another environment's bucket",
    );
    wiring({ [KEY]: bucket('dev', '123456789012') });
    expect((await resolve()).bucket).toBe(bucket('dev', '123456789012'));
    ssmMock.on(GetParametersCommand).callsFake(({ Names }: { Names: string[] }) => ({
      Parameters: Names.filter((n) => n === KEY).map((n) => ({
        Name: n,
        Value: bucket('dev', '123456789012'),
        ARN: `arn:aws:ssm:us-west-2:210987654321:parameter${n}`,
      })),
    }));
    const error = await resolve().catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `${KEY} in us-west-2 holds '${bucket('dev', '123456789012')}', a bucket of account 123456789012, not ` +
        "210987654321: refusing to use another account's bucket",
    );
    // The stack's bucket of the same account is the one to use.
    ssmMock.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: KEY, Value: bucket('dev', '210987654321'), ARN: `arn:aws:ssm:us-west-2:210987654321:parameter${KEY}` },
      ],
    });
    expect(await resolve()).toMatchObject({ bucket: bucket('dev', '210987654321'), accountId: '210987654321' });
  });

  it('takes the account from an ARN of any partition, and only from an SSM parameter ARN', async () => {
    for (const [arn, account] of [
      ['arn:aws-cn:ssm:cn-north-1:210987654321:parameter/x', '210987654321'],
      ['arn:aws:ssm:us-west-2:210987654321:parameter/x', '210987654321'],
      ['xarn:aws:ssm:us-west-2:210987654321:parameter/x', undefined],
      ['arn:aws:s3:us-west-2:210987654321:parameter/x', undefined],
    ] as const) {
      ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: KEY, Value: 'b-usw2', ARN: arn }] });
      expect((await resolve()).accountId).toBe(account);
    }
  });
});
