import { UsageError } from '../../../src/errors';
import { validateEnvironment, validateRegion } from '../../../src/ssm/selection';

describe('Function: validateEnvironment', () => {
  it('accepts the documented alphabet', () => {
    expect(validateEnvironment('dev_1.a-b', '--env')).toBe('dev_1.a-b');
  });
  it.each(['', 'a b', 'dev/x', 'dév', '*'])('refuses %p as a usage error', (env) => {
    expect(() => validateEnvironment(env, '--env')).toThrow(UsageError);
  });
  it('asks for --env when it is missing', () => {
    expect(() => validateEnvironment(undefined, '--env')).toThrow(/--env is required/);
  });
});

describe('Function: validateRegion', () => {
  it.each(['us-west-2', 'ap-northeast-1', 'us-gov-west-1', 'eu-central-2'])('accepts %s', (r) => {
    expect(validateRegion(r, '--region')).toBe(r);
  });
  it.each(['US-WEST-2', 'uswest2', 'us-west', 'mars-1', 'us-west-2; rm'])('refuses %s naming the option', (r) => {
    expect(() => validateRegion(r, '--regions')).toThrow(/--regions: '.*' is not an AWS region name/);
  });
});
