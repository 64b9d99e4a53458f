import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { ConfigurationError } from '../../../src/errors';
import { resolveBucket } from '../../../src/ssm/buckets';
import { regionClients, resetMocks, ssmMock } from '../support/mocks';

beforeEach(resetMocks);
const notFound = () => new ParameterNotFound({ message: 'not found', $metadata: {} });

describe('Function: resolveBucket', () => {
  it('reads the per-region key', async () => {
    ssmMock
      .on(GetParameterCommand, { Name: '/jenkins/dev/backup/us-west-2/s3-bucket-name' })
      .resolves({ Parameter: { Value: 'b-usw2' } });
    await expect(
      resolveBucket({ env: 'dev', region: 'us-west-2', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm }),
    ).resolves.toEqual({
      region: 'us-west-2',
      bucket: 'b-usw2',
      source: '/jenkins/dev/backup/us-west-2/s3-bucket-name',
    });
  });

  it('falls back to the legacy key in the home region only', async () => {
    ssmMock.on(GetParameterCommand).rejects(notFound());
    ssmMock
      .on(GetParameterCommand, { Name: '/jenkins/dev/backup/s3-bucket-name' })
      .resolves({ Parameter: { Value: 'legacy' } });
    await expect(
      resolveBucket({ env: 'dev', region: 'ap-northeast-1', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm }),
    ).resolves.toEqual({ region: 'ap-northeast-1', bucket: 'legacy', source: '/jenkins/dev/backup/s3-bucket-name' });
  });

  it('does not use the legacy key for another region, and names region and key', async () => {
    ssmMock.on(GetParameterCommand).rejects(notFound());
    ssmMock
      .on(GetParameterCommand, { Name: '/jenkins/dev/backup/s3-bucket-name' })
      .resolves({ Parameter: { Value: 'legacy' } });
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
    ssmMock.on(GetParameterCommand).rejects(notFound());
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
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: value } });
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
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: ' b-usw2 ' } });
    await expect(resolveBucket({ env: 'dev', region: 'us-west-2', ssm: regionClients().ssm })).resolves.toMatchObject({
      bucket: 'b-usw2',
    });
  });
});
