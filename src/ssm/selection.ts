import { isEnvironmentName, isRegionName } from '../contract';
import { UsageError } from '../errors';

export function validateEnvironment(env: string | undefined): string {
  if (!env) throw new UsageError('--env is required (for example --env dev)');
  if (!isEnvironmentName(env))
    throw new UsageError(`--env '${env}' is not a valid environment name: use letters, digits, '_', '.' or '-'`);
  return env;
}

export function validateRegion(region: string, source = '--region'): string {
  if (!isRegionName(region))
    throw new UsageError(`${source}: '${region}' is not an AWS region name (for example us-west-2)`);
  return region;
}
