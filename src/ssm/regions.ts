import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { isAwsError } from '../aws/errorKinds';
import { ssmKeys } from '../contract';
import { ConfigurationError, UsageError } from '../errors';
import { validateRegion } from './selection';

export function parseRegionList(value: string, source: string): string[] {
  const regions = value.split(',').map((r) => r.trim());
  // An empty item (`a,,b`, a trailing comma) is a typo, never "skip this one".
  if (regions.every((r) => !r)) throw new UsageError(`${source}: the region list is empty`);
  if (regions.some((r) => !r)) throw new UsageError(`${source}: '${value}' has an empty item`);
  const seen = new Set<string>();
  for (const region of regions) {
    validateRegion(region, source);
    if (seen.has(region)) throw new UsageError(`${source}: region ${region} is listed twice`);
    seen.add(region);
  }
  return regions;
}

export type RegionSource = 'option' | 'ssm' | 'home-region';

const NO_HOME_REGION =
  'no home region: set --home-region, AWS_REGION or AWS_DEFAULT_REGION, or a region in the AWS profile (aws ' +
  'configure set region REGION)';

/**
 * `--regions`/`--region` win (no home region needed); else the regions key in the home region; if
 * that key does not exist, the home region alone, so an old single-region installation keeps working.
 */
export async function resolveRegions(args: {
  env: string;
  homeRegion?: string;
  explicit?: readonly string[];
  homeSsm: (homeRegion: string) => SSMClient;
}): Promise<{ regions: string[]; source: RegionSource; lookedFor?: string }> {
  if (args.explicit?.length) return { regions: [...args.explicit], source: 'option' };
  if (!args.homeRegion) throw new ConfigurationError(NO_HOME_REGION);
  const key = ssmKeys.regions(args.env);
  try {
    const { Parameter } = await args.homeSsm(args.homeRegion).send(new GetParameterCommand({ Name: key }));
    try {
      return { regions: parseRegionList(Parameter?.Value ?? '', `${key} in ${args.homeRegion}`), source: 'ssm' };
    } catch (error) {
      // A bad regions key is the setup's fault, not the command line's.
      throw new ConfigurationError((error as Error).message);
    }
  } catch (error) {
    // The home region alone: said with the key looked for, so the operator sees it is a default.
    if (isAwsError(error, 'ParameterNotFound'))
      return { regions: [args.homeRegion], source: 'home-region', lookedFor: `${key} in ${args.homeRegion}` };
    throw error;
  }
}
