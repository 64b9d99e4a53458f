import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { UsageError } from '../errors';
import { isAwsError } from '../aws/errorKinds';
import { ssmKeys } from './keys';
import { validateRegion } from './selection';

export const FALLBACK_HOME_REGION = 'ap-northeast-1';

/** `--home-region`, else AWS_REGION, else AWS_DEFAULT_REGION, else ap-northeast-1. */
export function resolveHomeRegion(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const region = option ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? FALLBACK_HOME_REGION;
  return validateRegion(region, option ? '--home-region' : 'home region');
}

export function parseRegionList(value: string, source: string): string[] {
  const regions = value.split(',').map((r) => r.trim()).filter(Boolean);
  if (regions.length === 0) throw new UsageError(`${source}: the region list is empty`);
  const seen = new Set<string>();
  for (const region of regions) {
    validateRegion(region, source);
    if (seen.has(region)) throw new UsageError(`${source}: region ${region} is listed twice`);
    seen.add(region);
  }
  return regions;
}

export type RegionSource = 'option' | 'ssm' | 'home-region';

/**
 * `--regions`/`--region` win; else the regions key in the home region; if that key does not exist,
 * the home region alone, so an old single-region installation keeps working.
 */
export async function resolveRegions(args: {
  env: string;
  homeRegion: string;
  explicit?: string;
  homeSsm: SSMClient;
}): Promise<{ regions: string[]; source: RegionSource }> {
  if (args.explicit) return { regions: parseRegionList(args.explicit, '--regions'), source: 'option' };
  const key = ssmKeys.regions(args.env);
  try {
    const { Parameter } = await args.homeSsm.send(new GetParameterCommand({ Name: key }));
    return { regions: parseRegionList(Parameter?.Value ?? '', `${key} in ${args.homeRegion}`), source: 'ssm' };
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) return { regions: [args.homeRegion], source: 'home-region' };
    throw error;
  }
}
