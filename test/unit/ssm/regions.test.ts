import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { findHomeRegion } from '../../../src/aws/homeRegion';
import { ConfigurationError, UsageError } from '../../../src/errors';
import { parseRegionList, resolveRegions } from '../../../src/ssm/regions';
import { awsError, regionClients, resetMocks, ssmMock } from '../support/mocks';

beforeEach(resetMocks);

describe('Function: findHomeRegion', () => {
  const saved = { ...process.env };
  const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-config-'));
  const configFile = join(dir, 'config');
  writeFileSync(
    configFile,
    '[default]\nregion = eu-west-3\n[profile x]\nregion = us-east-1\n[profile bare]\noutput = json\n',
  );
  beforeEach(() => {
    process.env.AWS_CONFIG_FILE = configFile;
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'none');
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = saved;
  });

  it('prefers the option, then AWS_REGION, then AWS_DEFAULT_REGION, saying where it came from', async () => {
    expect(await findHomeRegion({ option: 'eu-west-1', env: { AWS_REGION: 'us-east-1' } })).toEqual({
      region: 'eu-west-1',
      source: '--home-region',
    });
    expect(await findHomeRegion({ env: { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' } })).toEqual({
      region: 'us-east-1',
      source: 'AWS_REGION',
    });
    expect(await findHomeRegion({ env: { AWS_DEFAULT_REGION: 'us-west-2' } })).toEqual({
      region: 'us-west-2',
      source: 'AWS_DEFAULT_REGION',
    });
  });

  it('then reads the region of the active profile, as the AWS tools do', async () => {
    expect(await findHomeRegion({ env: {} })).toEqual({ region: 'eu-west-3', source: 'profile default' });
    expect(await findHomeRegion({ env: {}, profile: 'x' })).toEqual({ region: 'us-east-1', source: 'profile x' });
    expect(await findHomeRegion({ env: { AWS_PROFILE: 'x' } })).toEqual({ region: 'us-east-1', source: 'profile x' });
  });

  it('names an unknown profile as unknown, not as missing credentials', async () => {
    await expect(findHomeRegion({ env: { AWS_REGION: 'us-east-1' }, profile: 'typo' })).rejects.toThrow(
      /unknown AWS profile 'typo' \(from --profile\): it is in neither the shared config file nor the credentials file/,
    );
    await expect(findHomeRegion({ env: { AWS_PROFILE: 'typo' } })).rejects.toThrow(
      /unknown AWS profile 'typo' \(from AWS_PROFILE\)/,
    );
  });

  it('is undefined when nothing sets one: no silent default', async () => {
    expect(await findHomeRegion({ env: {}, profile: 'bare' })).toBeUndefined();
    process.env.AWS_CONFIG_FILE = join(dir, 'missing');
    expect(await findHomeRegion({ env: {} })).toBeUndefined();
  });

  it('refuses a malformed home region, naming its source', async () => {
    await expect(findHomeRegion({ env: { AWS_REGION: 'nowhere' } })).rejects.toThrow(
      /AWS_REGION: 'nowhere' is not an AWS region name/,
    );
  });
});

describe('Function: parseRegionList', () => {
  it('keeps the order and trims', () => {
    expect(parseRegionList(' us-west-2, ap-northeast-1 ,us-east-1', 'x')).toEqual([
      'us-west-2',
      'ap-northeast-1',
      'us-east-1',
    ]);
  });
  it('refuses duplicates, empty lists and bad names', () => {
    expect(() => parseRegionList('us-west-2,us-west-2', 'x')).toThrow(/listed twice/);
    expect(() => parseRegionList(' , ', 'x')).toThrow(/empty/);
    expect(() => parseRegionList(' ', '--regions')).toThrow(new UsageError('--regions: the region list is empty'));
    expect(() => parseRegionList('us-west-2,', '--regions')).toThrow(
      new UsageError("--regions: 'us-west-2,' has an empty item"),
    );
    expect(() => parseRegionList('us-west-2,moon', 'x')).toThrow(/moon/);
  });
});

describe('Function: resolveRegions', () => {
  const homeSsm = () => regionClients('ap-northeast-1').ssm;

  it('uses the explicit list without calling SSM, and needs no home region for it', async () => {
    const result = await resolveRegions({ env: 'dev', explicit: ['us-east-1', 'us-west-2'], homeSsm });
    expect(result).toEqual({ regions: ['us-east-1', 'us-west-2'], source: 'option' });
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('says how to set a home region when it needs one and has none', async () => {
    await expect(resolveRegions({ env: 'dev', homeSsm })).rejects.toThrow(ConfigurationError);
    await expect(resolveRegions({ env: 'dev', homeSsm })).rejects.toThrow(
      'no home region: set --home-region, AWS_REGION or AWS_DEFAULT_REGION, or a region in the AWS profile (aws ' +
        'configure set region REGION)',
    );
  });

  it('reads the regions key in the home region', async () => {
    ssmMock
      .on(GetParameterCommand, { Name: '/jenkins/dev/backup/regions' })
      .resolves({ Parameter: { Value: 'ap-northeast-1,us-west-2' } });
    const result = await resolveRegions({ env: 'dev', homeRegion: 'ap-northeast-1', homeSsm });
    expect(result).toEqual({ regions: ['ap-northeast-1', 'us-west-2'], source: 'ssm' });
  });

  it('falls back to the home region alone when the key does not exist', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const result = await resolveRegions({ env: 'dev', homeRegion: 'eu-west-1', homeSsm });
    expect(result).toEqual({
      regions: ['eu-west-1'],
      source: 'home-region',
      lookedFor: '/jenkins/dev/backup/regions in eu-west-1',
    });
  });

  it('does not fall back on any other error', async () => {
    ssmMock.on(GetParameterCommand).rejects(awsError('AccessDeniedException'));
    await expect(resolveRegions({ env: 'dev', homeRegion: 'eu-west-1', homeSsm })).rejects.toThrow(/AccessDenied/);
  });

  it('refuses a malformed list stored in SSM as a configuration error, naming the key', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'us-west-2,,Tokyo' } });
    await expect(resolveRegions({ env: 'dev', homeRegion: 'ap-northeast-1', homeSsm })).rejects.toThrow(
      ConfigurationError,
    );
    await expect(resolveRegions({ env: 'dev', homeRegion: 'ap-northeast-1', homeSsm })).rejects.toThrow(
      /\/jenkins\/dev\/backup\/regions.*Tokyo/,
    );
  });
});
