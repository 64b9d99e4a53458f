import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { kmsKeyArnRegion, parseBackupBucketName, ssmKeys } from '../contract';
import { ConfigurationError } from '../errors';

/** A region's bucket and the SSM key that named it, so every message can say where it came from. */
export interface ResolvedBucket {
  region: string;
  bucket: string;
  /** The SSM key (in `region`) that held the name. */
  source: string;
  /** The backup key the stack publishes for the region (`/jenkins/{env}/backup/{region}/kms-key-arn`), if any. */
  kmsKeyArn?: string;
  /** The account, from the key's ARN: a backup needs no STS call to know it. */
  accountId?: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The region's bucket: the per-region key in that region; if absent and it is the home region,
 * the legacy key; otherwise a configuration error naming the region and the key looked for. The
 * region's published backup key comes in the same call.
 */
export async function resolveBucket(args: {
  env: string;
  region: string;
  homeRegion?: string;
  ssm: SSMClient;
}): Promise<ResolvedBucket> {
  const { env, region } = args;
  const perRegionKey = ssmKeys.regionBucket(env, region);
  const legacyKey = ssmKeys.legacyBucket(env);
  const kmsKey = ssmKeys.regionKmsKey(env, region);
  const isHome = region === args.homeRegion;
  const { values: found, accountId } = await readAll(args.ssm, [perRegionKey, kmsKey, ...(isHome ? [legacyKey] : [])]);
  const published = found.get(kmsKey);
  const alongside = {
    ...(published === undefined ? {} : { kmsKeyArn: checkedKeyArn(published, kmsKey, region) }),
    ...(accountId ? { accountId } : {}),
  };
  const owner = { env, ...(accountId ? { accountId } : {}) };
  const bucket = found.get(perRegionKey);
  if (bucket !== undefined)
    return { region, bucket: checkedName(bucket, perRegionKey, region, owner), source: perRegionKey, ...alongside };
  if (isHome) {
    const legacy = found.get(legacyKey);
    if (legacy !== undefined)
      return { region, bucket: checkedName(legacy, legacyKey, region, owner), source: legacyKey, ...alongside };
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

/**
 * A key that exists but cannot name a bucket is a configuration error of its own, named. So is a
 * name that, by the stack's grammar, belongs to another environment or account: one environment
 * must never write into (or move the latest.txt of) another's bucket.
 */
function checkedName(value: string, key: string, region: string, owner: { env: string; accountId?: string }): string {
  const name = value.trim();
  if (!name) throw new ConfigurationError(`${key} in ${region} is empty: it must hold the backup bucket's name`);
  if (/^s3:\/\//i.test(name))
    throw new ConfigurationError(`${key} in ${region} holds an s3:// URL: it must hold the bare bucket name`);
  if (!BUCKET_NAME.test(name))
    throw new ConfigurationError(`${key} in ${region} holds '${name}', which is not an S3 bucket name`);
  const named = parseBackupBucketName(name);
  if (named && named.env !== owner.env.toLowerCase())
    throw new ConfigurationError(
      `${key} in ${region} holds '${name}', the bucket of environment '${named.env}', not '${owner.env}': ` +
        "refusing to use another environment's bucket",
    );
  if (named && owner.accountId && named.accountId !== owner.accountId)
    throw new ConfigurationError(
      `${key} in ${region} holds '${name}', a bucket of account ${named.accountId}, not ${owner.accountId}: ` +
        "refusing to use another account's bucket",
    );
  return name;
}

/** The runner encrypts with this key and compares S3's answer with it, so it must be a key ARN of the region. */
function checkedKeyArn(value: string, key: string, region: string): string {
  const arn = value.trim();
  if (kmsKeyArnRegion(arn) !== region)
    throw new ConfigurationError(`${key} in ${region} holds '${arn}', which is not the ARN of a KMS key in ${region}`);
  return arn;
}

/** The keys that exist, by name, in one call (absent keys come back as InvalidParameters), and the account. */
async function readAll(ssm: SSMClient, names: string[]): Promise<{ values: Map<string, string>; accountId?: string }> {
  const { Parameters = [] } = await ssm.send(new GetParametersCommand({ Names: names }));
  const accountId = Parameters.map((p) => /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:(\d{12}):/.exec(p.ARN ?? '')?.[1]).find(
    Boolean,
  );
  return { values: new Map(Parameters.map((p) => [p.Name ?? '', p.Value ?? ''])), ...(accountId ? { accountId } : {}) };
}
