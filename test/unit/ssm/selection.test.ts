import { isWiringKey } from '../../../src/ssm/keys';
import { belongsToEnvironment, validateEnvironment, validateRegion } from '../../../src/ssm/selection';
import { UsageError } from '../../../src/errors';

describe('Function: belongsToEnvironment', () => {
  it.each([
    ['/jenkins/dev/a', 'dev', true],
    ['/app/dev/x/y', 'dev', true],
    ['/prod/device-id', 'dev', false],
    ['/jenkins/develop/x', 'dev', false],
    ['/jenkins/mydev/x', 'dev', false],
    ['/jenkins/dev', 'dev', false],
    ['dev/x', 'dev', false],
    ['/jenkins/prod/dev-notes', 'prod', true],
    ['/a/dev.1/b', 'dev.1', true],
    ['/a/devX1/b', 'dev.1', false],
  ])('%s in %s -> %s', (name, env, expected) => {
    expect(belongsToEnvironment(name, env)).toBe(expected);
  });
});

describe('Function: validateEnvironment', () => {
  it('accepts the documented alphabet', () => {
    expect(validateEnvironment('dev_1.a-b')).toBe('dev_1.a-b');
  });
  it.each(['', 'a b', 'dev/x', 'dév', '*'])('refuses %p as a usage error', (env) => {
    expect(() => validateEnvironment(env)).toThrow(UsageError);
  });
  it('asks for --env when it is missing', () => {
    expect(() => validateEnvironment(undefined)).toThrow(/--env is required/);
  });
});

describe('Function: validateRegion', () => {
  it.each(['us-west-2', 'ap-northeast-1', 'us-gov-west-1', 'eu-central-2'])('accepts %s', (r) => {
    expect(validateRegion(r)).toBe(r);
  });
  it.each(['US-WEST-2', 'uswest2', 'us-west', 'mars-1', 'us-west-2; rm'])('refuses %s naming the option', (r) => {
    expect(() => validateRegion(r, '--regions')).toThrow(new RegExp(`--regions: '.*' is not an AWS region name`));
  });
});

describe('Function: isWiringKey', () => {
  it.each([
    ['/jenkins/dev/backup/regions', true],
    ['/jenkins/dev/backup/s3-bucket-name', true],
    ['/jenkins/dev/backup/us-west-2/s3-bucket-name', true],
    ['/jenkins/dev/backup/us-west-2/other', false],
    ['/jenkins/dev/backup/a/b/s3-bucket-name', false],
    ['/jenkins/prod/backup/regions', false],
    ['/jenkins/dev/app/regions', false],
  ])('%s -> %p', (name, expected) => {
    expect(isWiringKey(name, 'dev')).toBe(expected);
  });
});
