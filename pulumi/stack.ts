import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { backupBucketName, backupKmsAliasName, backupMetrics, ssmKeys } from '../src/contract';
import { DUTIES, type Duty, dutyPolicy, type PolicyScope } from '../src/policy/duties';
import type { StackConfig } from './config';
import { bucketPolicyDocument, keyPolicyDocument } from './policy';

/** Logical names of the single-region stack this one grew from; the default region keeps them via aliases. */
const LEGACY_NAMES = {
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
  /** The key the runner encrypts with, published where it looks; absent with SSE-S3. */
  kmsKeyParameter?: aws.ssm.Parameter;
  objectLock?: aws.s3.BucketObjectLockConfiguration;
  /** Notified when the region's backups stop. */
  alarmTopic: aws.sns.Topic;
  alarmSubscriptions: aws.sns.TopicSubscription[];
  /** Fires when no good backup has been recorded for the configured age, including when none runs. */
  freshnessAlarm: aws.cloudwatch.MetricAlarm;
}

interface DutyResources {
  policy: aws.iam.Policy;
  role?: aws.iam.Role;
  attachment?: aws.iam.RolePolicyAttachment;
}

export interface BackupStack {
  regions: RegionResources[];
  legacyBucketNameParameter: aws.ssm.Parameter;
  regionsParameter: aws.ssm.Parameter;
  duties: Record<Duty, DutyResources>;
}

const kmsAliasName = (c: StackConfig) => backupKmsAliasName({ projectName: c.projectName, env: c.environment });

/** What the duties' policies are scoped to; `ssm-backup policy` builds the same from its options. */
export function policyScope(config: StackConfig, accountId: string): PolicyScope {
  const { kms } = config;
  const backupKeys =
    kms.kind === 'create'
      ? { arns: [], aliases: [kmsAliasName(config)] }
      : kms.kind === 'existing'
        ? { arns: config.regions.map((r) => kms.keyIds[r]), aliases: [] }
        : { arns: [], aliases: [] };
  return { projectName: config.projectName, env: config.environment, accountId, regions: config.regions, backupKeys };
}

const bucketName = (c: StackConfig, accountId: string, region: string) =>
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
  const duties = Object.fromEntries(
    DUTIES.map((duty) => [duty, dutyResources(config, accountId, duty, regions)]),
  ) as Record<Duty, DutyResources>;
  return { regions, legacyBucketNameParameter, regionsParameter, duties };
}

/** A duty's managed policy and, when principals are trusted with it, a role holding only that policy. */
function dutyResources(config: StackConfig, accountId: string, duty: Duty, regions: RegionResources[]): DutyResources {
  const name = `${config.projectName}-ssm-backup-${config.environment}-${duty}`;
  const policy = new aws.iam.Policy(
    `ssm-backup-${duty}-policy`,
    {
      name,
      description: `ssm-backup ${duty} duty for ${config.environment} (same document as \`ssm-backup policy --duty ${duty}\`)`,
      policy: JSON.stringify(dutyPolicy(duty, policyScope(config, accountId))),
      tags: { Environment: config.environment, ManagedBy: 'Pulumi' },
    },
    // The keys and buckets it names exist first, so no run meets a policy naming nothing yet.
    { dependsOn: regions.flatMap((r) => [r.bucket, ...(r.kmsAlias ? [r.kmsAlias] : [])]) },
  );
  const principals = config.roleTrust[duty];
  if (!principals) return { policy };
  const role = new aws.iam.Role(`ssm-backup-${duty}-role`, {
    name,
    description: `Assumed for the ssm-backup ${duty} duty in ${config.environment}`,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: 'sts:AssumeRole' }],
    }),
    maxSessionDuration: 3600,
    tags: { Environment: config.environment, ManagedBy: 'Pulumi' },
  });
  const attachment = new aws.iam.RolePolicyAttachment(`ssm-backup-${duty}-role-policy`, {
    role: role.name,
    policyArn: policy.arn,
  });
  return { policy, role, attachment };
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

  // objectLockEnabled is left out on purpose: it forces a new bucket. Object Lock is turned on by the
  // BucketObjectLockConfiguration below, which works on the existing, versioned bucket.
  const bucket = new aws.s3.Bucket(
    `ssm-backup-bucket-${region}`,
    { region, bucket: name, tags },
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
      policy: JSON.stringify(keyPolicyDocument(accountId, region)),
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
  const kmsKeyParameter = kmsKeyId
    ? new aws.ssm.Parameter(`ssm-backup-kms-key-arn-${region}`, {
        region,
        name: ssmKeys.regionKmsKey(config.environment, region),
        type: 'String',
        value: kmsKeyId,
        description: `KMS key the SSM backups in ${region} are encrypted with`,
        tags: { Environment: config.environment, ManagedBy: 'Pulumi' },
      })
    : undefined;
  const objectLock = config.objectLock
    ? new aws.s3.BucketObjectLockConfiguration(
        `ssm-backup-bucket-object-lock-${region}`,
        {
          region,
          bucket: bucket.id,
          objectLockEnabled: 'Enabled',
          rule: { defaultRetention: { mode: config.objectLock.mode, days: config.objectLock.days } },
        },
        // Object Lock on an existing bucket needs versioning on first.
        { dependsOn: [versioning] },
      )
    : undefined;

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
  const policy = new aws.s3.BucketPolicy(
    `ssm-backup-bucket-policy-${region}`,
    {
      region,
      bucket: bucket.id,
      policy: pulumi
        .all([bucket.arn, kmsKeyId])
        .apply(([arn, key]) => bucketPolicyDocument(arn, key ? { backupKeyArn: key } : {})),
    },
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
    ...freshnessAlarm(config, region),
    bucket,
    versioning,
    encryption,
    lifecycle,
    publicAccessBlock,
    policy,
    bucketNameParameter,
    kmsKey,
    kmsAlias,
    kmsKeyParameter,
    objectLock,
  };
}

/**
 * The region's freshness alarm: the runner publishes BackupSucceeded (1) after every good backup; the
 * alarm looks at hourly sums over the configured age and fires when every one is below 1. Missing
 * data is breaching, so a job that never runs (Jenkins down, the job disabled) alarms too, not only
 * one that fails.
 */
function freshnessAlarm(config: StackConfig, region: string) {
  const name = `${config.projectName}-ssm-backup-${config.environment}-${region}`;
  const alarmTopic = new aws.sns.Topic(`ssm-backup-alarm-topic-${region}`, {
    region,
    name: `${name}-alarms`,
    tags: { Environment: config.environment, ManagedBy: 'Pulumi' },
  });
  const alarmSubscriptions = config.alarm.subscriptions.map(
    (s, i) =>
      new aws.sns.TopicSubscription(`ssm-backup-alarm-subscription-${region}-${i}`, {
        region,
        topic: alarmTopic.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
      }),
  );
  const hours = config.alarm.maxAgeHours;
  const freshnessAlarm = new aws.cloudwatch.MetricAlarm(`ssm-backup-freshness-${region}`, {
    region,
    name: `${name}-no-backup`,
    alarmDescription:
      `No good SSM backup of ${config.environment} in ${region} for ${hours} hours (or the job never ran). ` +
      'Runbook: README, "When the alarm fires".',
    namespace: backupMetrics.namespace,
    metricName: backupMetrics.succeeded,
    dimensions: Object.fromEntries(backupMetrics.dimensions(config.environment, region).map((d) => [d.Name, d.Value])),
    statistic: 'Sum',
    period: 3600,
    evaluationPeriods: hours,
    datapointsToAlarm: hours,
    threshold: 1,
    comparisonOperator: 'LessThanThreshold',
    treatMissingData: 'breaching',
    alarmActions: [alarmTopic.arn],
    okActions: [alarmTopic.arn],
    tags: { Environment: config.environment, ManagedBy: 'Pulumi' },
  });
  return { alarmTopic, alarmSubscriptions, freshnessAlarm };
}

/** The default region's resources; parseStackConfig made sure the default region is one of the regions. */
export function defaultRegionOf(regions: RegionResources[], config: StackConfig): RegionResources {
  const home = regions.find((r) => r.region === config.defaultRegion);
  if (!home) throw new Error(`defaultRegion ${config.defaultRegion} is not one of the stack's regions`);
  return home;
}
