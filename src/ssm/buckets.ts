import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigurationError } from '../errors';
import { isAwsError } from '../aws/errorKinds';
import { ssmKeys } from './keys';

/**
 * The region's bucket: the per-region key in that region; if absent and it is the home region,
 * the legacy key; otherwise a configuration error naming the region and the key looked for.
 */
export async function resolveBucket(args: { env: string; region: string; homeRegion: string; ssm: SSMClient }): Promise<string> {
  const perRegionKey = ssmKeys.regionBucket(args.env, args.region);
  const bucket = await readOptional(args.ssm, perRegionKey);
  if (bucket) return bucket;
  if (args.region === args.homeRegion) {
    const legacy = await readOptional(args.ssm, ssmKeys.legacyBucket(args.env));
    if (legacy) return legacy;
    throw new ConfigurationError(
      `no backup bucket configured for ${args.region}: neither ${perRegionKey} nor ${ssmKeys.legacyBucket(args.env)} exists in ${args.region} (is the Pulumi stack deployed?)`,
    );
  }
  throw new ConfigurationError(`no backup bucket configured for ${args.region}: ${perRegionKey} does not exist in ${args.region} (is the region in the Pulumi stack's regions?)`);
}

async function readOptional(ssm: SSMClient, name: string): Promise<string | undefined> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    return Parameter?.Value?.trim() || undefined;
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
}
