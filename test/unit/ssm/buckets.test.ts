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
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toThrow(/us-west-2.*\/jenkins\/dev\/backup\/us-west-2\/s3-bucket-name/);
  });

  it('names both keys when the home region has neither', async () => {
    wiring({});
    await expect(
      resolveBucket({ env: 'dev', region: 'ap-northeast-1', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm }),
    ).rejects.toThrow(
      /\/jenkins\/dev\/backup\/ap-northeast-1\/s3-bucket-name nor \/jenkins\/dev\/backup\/s3-bucket-name/,
    );
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
