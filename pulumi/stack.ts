import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { backupBucketName, ssmKeys } from '../src/contract';
import type { StackConfig } from './config';
import { bucketPolicyDocument } from './policy';

/** Logical names of the single-region stack this one grew from; the default region keeps them via aliases. */
export const LEGACY_NAMES = {
  bucket: 'ssm-backup-bucket',
  publicAccessBlock: 'ssm-backup-bucket-pab',
  policy: 'ssm-backup-bucket-policy',
  bucketNameParameter: 'ssm-backup-bucket-name',
} as const;

export interface RegionResources {
  region: string;
  bucket: aws.s3.Bucket;
  versioning: aws.s3.BucketVersioning;
  encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  lifecycle: aws.s3.BucketLifecycleConfiguration;
  publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  policy: aws.s3.BucketPolicy;
  bucketNameParameter: aws.ssm.Parameter;
  kmsKey?: aws.kms.Key;
  kmsAlias?: aws.kms.Alias;
}

export interface BackupStack {
  regions: RegionResources[];
  legacyBucketNameParameter: aws.ssm.Parameter;
  regionsParameter: aws.ssm.Parameter;
}

export const kmsAliasName = (c: StackConfig) => `alias/${c.projectName}-ssm-backup-${c.environment}`;

export const bucketName = (c: StackConfig, accountId: string, region: string) =>
  backupBucketName({ projectName: c.projectName, env: c.environment, accountId, region });

/**
 * Per region: the bucket and its hardening, and the per-region SSM key. In the default region also
 * the legacy key and the regions key. Adding a region is a config change: nothing here names one.
 */
export function createBackupStack(config: StackConfig, accountId: string): BackupStack {
  const regions = config.regions.map((region) => regionResources(config, accountId, region));
  const home = defaultRegionOf(regions, config);
  const tags = { Environment: config.environment, ManagedBy: 'Pulumi' };

  const legacyBucketNameParameter = new aws.ssm.Parameter(
    'ssm-backup-bucket-name-legacy',
    {
      region: config.defaultRegion,
      name: ssmKeys.legacyBucket(config.environment),
      type: 'String',
      value: home.bucket.bucket,
      description: `SSM Parameter Store backup S3 bucket name (default region ${config.defaultRegion}; legacy key read by old jobs)`,
      tags,
    },
    { aliases: [{ name: LEGACY_NAMES.bucketNameParameter }] },
  );
  const regionsParameter = new aws.ssm.Parameter('ssm-backup-regions', {
    region: config.defaultRegion,
    name: ssmKeys.regions(config.environment),
    type: 'StringList',
    value: config.regions.join(','),
    description: 'Regions the SSM backup covers, in order',
    tags,
  });
  return { regions, legacyBucketNameParameter, regionsParameter };
}

function regionResources(config: StackConfig, accountId: string, region: string): RegionResources {
  const isDefault = region === config.defaultRegion;
  // The default region's resources keep the old single-region logical names' identity, so the
  // upgrade neither replaces nor deletes the bucket that holds the backups.
  const legacy = (name: string): pulumi.CustomResourceOptions => (isDefault ? { aliases: [{ name }] } : {});
  const name = bucketName(config, accountId, region);
  const tags = {
    Name: name,
    Environment: config.environment,
    Region: region,
    Purpose: 'SSM Parameter Store Backup Storage',
    ManagedBy: 'Pulumi',
    DataClassification: 'Confidential',
  };

  const bucket = new aws.s3.Bucket(
    `ssm-backup-bucket-${region}`,
    { region, bucket: name, objectLockEnabled: false, tags },
    legacy(LEGACY_NAMES.bucket),
  );
  const versioning = new aws.s3.BucketVersioning(`ssm-backup-bucket-versioning-${region}`, {
    region,
    bucket: bucket.id,
    versioningConfiguration: { status: 'Enabled' },
  });

  let kmsKey: aws.kms.Key | undefined;
  let kmsAlias: aws.kms.Alias | undefined;
  let kmsKeyId: pulumi.Input<string> | undefined;
  if (config.kms.kind === 'create') {
    kmsKey = new aws.kms.Key(`ssm-backup-key-${region}`, {
      region,
      description: `SSM backup objects, ${config.environment}, ${region}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    });
    kmsKeyId = kmsKey.arn;
    // The same alias name in every region, so one `ssm-backup --kms-key-id` serves them all.
    kmsAlias = new aws.kms.Alias(`ssm-backup-key-alias-${region}`, {
      region,
      name: kmsAliasName(config),
      targetKeyId: kmsKey.keyId,
    });
  } else if (config.kms.kind === 'existing') {
    kmsKeyId = config.kms.keyIds[region];
  }

  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(`ssm-backup-bucket-encryption-${region}`, {
    region,
    bucket: bucket.id,
    rules: [
      {
        applyServerSideEncryptionByDefault: kmsKeyId
          ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyId }
          : { sseAlgorithm: 'AES256' },
        bucketKeyEnabled: true,
      },
    ],
  });
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `ssm-backup-bucket-lifecycle-${region}`,
    {
      region,
      bucket: bucket.id,
      rules: [
        {
          id: 'delete-old-backups',
          status: 'Enabled',
          filter: {},
          expiration: { days: config.retention.currentDays },
          noncurrentVersionExpiration: { noncurrentDays: config.retention.noncurrentDays },
        },
      ],
    },
    // Lifecycle rules on noncurrent versions need versioning first.
    { dependsOn: [versioning] },
  );
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `ssm-backup-bucket-pab-${region}`,
    {
      region,
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    legacy(LEGACY_NAMES.publicAccessBlock),
  );
  const allowedEncryption = kmsKeyId ? ['AES256', 'aws:kms'] : ['AES256'];
  const policy = new aws.s3.BucketPolicy(
    `ssm-backup-bucket-policy-${region}`,
    { region, bucket: bucket.id, policy: bucket.arn.apply((arn) => bucketPolicyDocument(arn, allowedEncryption)) },
    // S3 refuses a policy while the public access block is being changed.
    { ...legacy(LEGACY_NAMES.policy), dependsOn: [publicAccessBlock] },
  );
  const bucketNameParameter = new aws.ssm.Parameter(`ssm-backup-bucket-name-${region}`, {
    region,
    name: ssmKeys.regionBucket(config.environment, region),
    type: 'String',
    value: bucket.bucket,
    description: `SSM Parameter Store backup S3 bucket name for ${region}`,
    tags: { Environment: config.environment, ManagedBy: 'Pulumi' },
  });
  return {
    region,
    bucket,
    versioning,
    encryption,
    lifecycle,
    publicAccessBlock,
    policy,
    bucketNameParameter,
    kmsKey,
    kmsAlias,
  };
}

/** The default region's resources; parseStackConfig made sure the default region is one of the regions. */
export function defaultRegionOf(regions: RegionResources[], config: StackConfig): RegionResources {
  const home = regions.find((r) => r.region === config.defaultRegion);
  if (!home) throw new Error(`defaultRegion ${config.defaultRegion} is not one of the stack's regions`);
  return home;
}
