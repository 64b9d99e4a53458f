import { isEnvironmentName, isRegionName } from '../contract';
import { UsageError } from '../errors';

/** An environment name as given by `source` (an option or a file's field), which the message names. */
export function validateEnvironment(env: string | undefined, source: string): string {
  if (!env) throw new UsageError(`${source} is required (for example ${source} dev)`);
  if (!isEnvironmentName(env))
    throw new UsageError(`${source} '${env}' is not a valid environment name: use letters, digits, '_', '.' or '-'`);
  return env;
}

export function validateRegion(region: string, source: string): string {
  if (!isRegionName(region))
    throw new UsageError(`${source}: '${region}' is not an AWS region name (for example us-west-2)`);
  return region;
}
