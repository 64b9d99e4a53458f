import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { resolveBucket } from '../../../src/ssm/buckets';
import { ConfigurationError } from '../../../src/errors';
import { regionClients, resetMocks, ssmMock } from '../support/mocks';

beforeEach(resetMocks);
const notFound = () => new ParameterNotFound({ message: 'not found', $metadata: {} });

describe('Function: resolveBucket', () => {
  it('reads the per-region key', async () => {
    ssmMock.on(GetParameterCommand, { Name: '/jenkins/dev/backup/us-west-2/s3-bucket-name' }).resolves({ Parameter: { Value: 'b-usw2' } });
    await expect(resolveBucket({ env: 'dev', region: 'us-west-2', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm })).resolves.toBe('b-usw2');
  });

  it('falls back to the legacy key in the home region only', async () => {
    ssmMock.on(GetParameterCommand).rejects(notFound());
    ssmMock.on(GetParameterCommand, { Name: '/jenkins/dev/backup/s3-bucket-name' }).resolves({ Parameter: { Value: 'legacy' } });
    await expect(resolveBucket({ env: 'dev', region: 'ap-northeast-1', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm })).resolves.toBe('legacy');
  });

  it('does not use the legacy key for another region, and names region and key', async () => {
    ssmMock.on(GetParameterCommand).rejects(notFound());
    ssmMock.on(GetParameterCommand, { Name: '/jenkins/dev/backup/s3-bucket-name' }).resolves({ Parameter: { Value: 'legacy' } });
    const attempt = resolveBucket({ env: 'dev', region: 'us-west-2', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm });
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toThrow(/us-west-2.*\/jenkins\/dev\/backup\/us-west-2\/s3-bucket-name/);
  });

  it('names both keys when the home region has neither', async () => {
    ssmMock.on(GetParameterCommand).rejects(notFound());
    await expect(resolveBucket({ env: 'dev', region: 'ap-northeast-1', homeRegion: 'ap-northeast-1', ssm: regionClients().ssm })).rejects.toThrow(
      /\/jenkins\/dev\/backup\/ap-northeast-1\/s3-bucket-name nor \/jenkins\/dev\/backup\/s3-bucket-name/,
    );
  });
});
