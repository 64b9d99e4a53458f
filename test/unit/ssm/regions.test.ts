import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { parseRegionList, resolveHomeRegion, resolveRegions } from '../../../src/ssm/regions';
import { UsageError } from '../../../src/errors';
import { regionClients, resetMocks, ssmMock, awsError } from '../support/mocks';

beforeEach(resetMocks);

describe('Function: resolveHomeRegion', () => {
  it('prefers the option, then AWS_REGION, then AWS_DEFAULT_REGION, then ap-northeast-1', () => {
    expect(resolveHomeRegion('eu-west-1', { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(resolveHomeRegion(undefined, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-east-1');
    expect(resolveHomeRegion(undefined, { AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-west-2');
    expect(resolveHomeRegion(undefined, {})).toBe('ap-northeast-1');
  });
  it('refuses a malformed home region', () => {
    expect(() => resolveHomeRegion('nowhere', {})).toThrow(UsageError);
  });
});

describe('Function: parseRegionList', () => {
  it('keeps the order and trims', () => {
    expect(parseRegionList(' us-west-2, ap-northeast-1 ,us-east-1', 'x')).toEqual(['us-west-2', 'ap-northeast-1', 'us-east-1']);
  });
  it('refuses duplicates, empty lists and bad names', () => {
    expect(() => parseRegionList('us-west-2,us-west-2', 'x')).toThrow(/listed twice/);
    expect(() => parseRegionList(' , ', 'x')).toThrow(/empty/);
    expect(() => parseRegionList('us-west-2,moon', 'x')).toThrow(/moon/);
  });
});

describe('Function: resolveRegions', () => {
  const homeSsm = () => regionClients('ap-northeast-1').ssm;

  it('uses the explicit list without calling SSM', async () => {
    const result = await resolveRegions({ env: 'dev', homeRegion: 'ap-northeast-1', explicit: 'us-east-1,us-west-2', homeSsm: homeSsm() });
    expect(result).toEqual({ regions: ['us-east-1', 'us-west-2'], source: 'option' });
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('reads the regions key in the home region', async () => {
    ssmMock.on(GetParameterCommand, { Name: '/jenkins/dev/backup/regions' }).resolves({ Parameter: { Value: 'ap-northeast-1,us-west-2' } });
    const result = await resolveRegions({ env: 'dev', homeRegion: 'ap-northeast-1', homeSsm: homeSsm() });
    expect(result).toEqual({ regions: ['ap-northeast-1', 'us-west-2'], source: 'ssm' });
  });

  it('falls back to the home region alone when the key does not exist', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const result = await resolveRegions({ env: 'dev', homeRegion: 'eu-west-1', homeSsm: homeSsm() });
    expect(result).toEqual({ regions: ['eu-west-1'], source: 'home-region' });
  });

  it('does not fall back on any other error', async () => {
    ssmMock.on(GetParameterCommand).rejects(awsError('AccessDeniedException'));
    await expect(resolveRegions({ env: 'dev', homeRegion: 'eu-west-1', homeSsm: homeSsm() })).rejects.toThrow(/AccessDenied/);
  });

  it('refuses a malformed list stored in SSM, naming the key', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'us-west-2,,Tokyo' } });
    await expect(resolveRegions({ env: 'dev', homeRegion: 'ap-northeast-1', homeSsm: homeSsm() })).rejects.toThrow(/\/jenkins\/dev\/backup\/regions.*Tokyo/);
  });
});
