import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { parseStackConfig } from './config';
import { createBackupStack, defaultRegionOf } from './stack';

const config = new pulumi.Config();
const stackConfig = parseStackConfig({
  projectName: config.get('projectName'),
  environment: config.get('environment'),
  regions: config.getObject<unknown>('regions'),
  defaultRegion: config.get('defaultRegion'),
  retentionDays: config.getNumber('retentionDays'),
  noncurrentRetentionDays: config.getNumber('noncurrentRetentionDays'),
  createKmsKeys: config.getBoolean('createKmsKeys'),
  kmsKeyIds: config.getObject<unknown>('kmsKeyIds'),
  objectLockDays: config.get('objectLockDays'),
  objectLockMode: config.get('objectLockMode'),
  roleTrust: config.getObject<unknown>('roleTrust'),
  alarmMaxAgeHours: config.getNumber('alarmMaxAgeHours'),
  alarmSubscriptions: config.getObject<unknown>('alarmSubscriptions'),
});

// Bucket names hold the account id, so it is looked up before any resource is declared.
export = async () => {
  const identity = await aws.getCallerIdentity({});
  const created = createBackupStack(stackConfig, identity.accountId);
  const home = defaultRegionOf(created.regions, stackConfig);
  return {
    buckets: Object.fromEntries(
      created.regions.map((r) => [r.region, { name: r.bucket.bucket, arn: r.bucket.arn, kmsKeyArn: r.kmsKey?.arn }]),
    ),
    // Attach these to the nightly job's role, the restore role and monitoring (README, "Security").
    dutyPolicies: Object.fromEntries(
      Object.entries(created.duties).map(([duty, d]) => [duty, { policyArn: d.policy.arn, roleArn: d.role?.arn }]),
    ),
    // Where the freshness alarms notify, per region (subscribe more there if needed).
    alarmTopics: Object.fromEntries(created.regions.map((r) => [r.region, r.alarmTopic.arn])),
    // The single-region stack's exports, for whatever reads them.
    bucketNameOutput: home.bucket.bucket,
    bucketArn: home.bucket.arn,
    ssmBackupBucketParameter: created.legacyBucketNameParameter.name,
    regionsParameter: created.regionsParameter.name,
  };
};
