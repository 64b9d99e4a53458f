import { UsageError } from '../errors';

const ENV_NAME = /^[A-Za-z0-9_.-]+$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function validateEnvironment(env: string | undefined): string {
  if (!env) throw new UsageError('--env is required (for example --env dev)');
  if (!ENV_NAME.test(env)) throw new UsageError(`--env '${env}' is not a valid environment name: use letters, digits, '_', '.' or '-'`);
  return env;
}

export function validateRegion(region: string, source = '--region'): string {
  if (!REGION_NAME.test(region)) throw new UsageError(`${source}: '${region}' is not an AWS region name (for example us-west-2)`);
  return region;
}

/**
 * The exact selection rule: the name contains `/{env}/`, slashes included, so `/prod/device-id`
 * is not a `dev` parameter and `/jenkins/develop/x` is not either.
 */
export function belongsToEnvironment(name: string, env: string): boolean {
  return name.includes(`/${env}/`);
}
