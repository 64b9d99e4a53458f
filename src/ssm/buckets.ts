import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { isAwsError } from '../aws/errorKinds';
import { ssmKeys } from '../contract';
import { ConfigurationError } from '../errors';

/** A region's bucket and the SSM key that named it, so every message can say where it came from. */
export interface ResolvedBucket {
  region: string;
  bucket: string;
  /** The SSM key (in `region`) that held the name. */
  source: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The region's bucket: the per-region key in that region; if absent and it is the home region,
 * the legacy key; otherwise a configuration error naming the region and the key looked for.
 */
export async function resolveBucket(args: {
  env: string;
  region: string;
  homeRegion?: string;
  ssm: SSMClient;
}): Promise<ResolvedBucket> {
  const { env, region } = args;
  const perRegionKey = ssmKeys.regionBucket(env, region);
  const bucket = await readOptional(args.ssm, perRegionKey);
  if (bucket !== undefined) return { region, bucket: checkedName(bucket, perRegionKey, region), source: perRegionKey };
  if (region === args.homeRegion) {
    const legacyKey = ssmKeys.legacyBucket(env);
    const legacy = await readOptional(args.ssm, legacyKey);
    if (legacy !== undefined) return { region, bucket: checkedName(legacy, legacyKey, region), source: legacyKey };
    throw new ConfigurationError(
      `no backup bucket configured for ${region}: neither ${perRegionKey} nor ${legacyKey} exists in ` +
        `${region} (is the Pulumi stack deployed?)`,
    );
  }
  throw new ConfigurationError(
    `no backup bucket configured for ${region}: ${perRegionKey} does not exist in ${region} (is the region ` +
      `in the Pulumi stack's regions?)`,
  );
}

/** A key that exists but cannot name a bucket is a configuration error of its own, named. */
function checkedName(value: string, key: string, region: string): string {
  const name = value.trim();
  if (!name) throw new ConfigurationError(`${key} in ${region} is empty: it must hold the backup bucket's name`);
  if (/^s3:\/\//i.test(name))
    throw new ConfigurationError(`${key} in ${region} holds an s3:// URL: it must hold the bare bucket name`);
  if (!BUCKET_NAME.test(name))
    throw new ConfigurationError(`${key} in ${region} holds '${name}', which is not an S3 bucket name`);
  return name;
}

async function readOptional(ssm: SSMClient, name: string): Promise<string | undefined> {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    return Parameter?.Value ?? '';
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
}
