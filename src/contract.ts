/**
 * The names and keys that wire the Pulumi stack, the runner and the Jenkins job together, each written
 * once. `src/`, `pulumi/` and `scripts/` all import this module; the Pulumi tests keep literal values
 * as the check of the contract.
 */

/** `--env`: letters, digits, `_`, `.` and `-`. */
const ENVIRONMENT_NAME = /^[A-Za-z0-9_.-]+$/;
/** An AWS region name such as `us-west-2` or `ap-northeast-1`. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** A KMS ARN, of a key or an alias, in any partition: `arn:aws:kms:REGION:ACCOUNT:key/ID`. */
const KMS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(.+)$/;

/** Where a KMS ARN points, or undefined when `text` is not one (a bare id, an alias name). */
export function parseKmsArn(text: string): { region: string; accountId: string; resource: string } | undefined {
  const match = KMS_ARN.exec(text);
  return match ? { region: match[1], accountId: match[2], resource: match[3] } : undefined;
}

/** The region of a KMS key ARN (not an alias's), or undefined when `text` is not one. */
export function kmsKeyArnRegion(text: string): string | undefined {
  const arn = parseKmsArn(text);
  return arn && /^key\/[A-Za-z0-9-]+$/.test(arn.resource) ? arn.region : undefined;
}

export const isEnvironmentName = (name: string): boolean => ENVIRONMENT_NAME.test(name);
export const isRegionName = (name: string): boolean => REGION_NAME.test(name);

/** The SSM keys the stack writes and the runner reads. */
export const ssmKeys = {
  /** Every key below starts with this prefix. */
  prefix: (env: string) => `/jenkins/${env}/backup/`,
  /** Home region: the regions to back up, in order (StringList). */
  regions: (env: string) => `/jenkins/${env}/backup/regions`,
  /** In each region: that region's backup bucket. */
  regionBucket: (env: string, region: string) => `/jenkins/${env}/backup/${region}/s3-bucket-name`,
  /** In each region: the ARN of the KMS key backups there are encrypted with (absent: none published). */
  regionKmsKey: (env: string, region: string) => `/jenkins/${env}/backup/${region}/kms-key-arn`,
  /** Home region: the default region's bucket, read by old jobs. */
  legacyBucket: (env: string) => `/jenkins/${env}/backup/s3-bucket-name`,
};

/** The leaf names the stack writes under `/jenkins/{env}/backup/{region}/`. */
const REGION_KEY_LEAVES = new Set(['s3-bucket-name', 'kms-key-arn']);

/**
 * The keys under `/jenkins/{env}/backup/` that belong to the stack. A name there is a runner key only
 * when the segment in the region position is a valid region name, so a user's
 * `/jenkins/dev/backup/reports/s3-bucket-name` stays the user's.
 */
export function isRunnerKey(name: string, env: string): boolean {
  if (name === ssmKeys.regions(env) || name === ssmKeys.legacyBucket(env)) return true;
  const prefix = ssmKeys.prefix(env);
  if (!name.startsWith(prefix)) return false;
  const [region, leaf, ...rest] = name.slice(prefix.length).split('/');
  return rest.length === 0 && isRegionName(region ?? '') && REGION_KEY_LEAVES.has(leaf ?? '');
}

/**
 * The exact selection rule: the name contains `/{env}/`, slashes included, so `/prod/device-id` is not
 * a `dev` parameter and `/jenkins/develop/x` is not either.
 */
export function belongsToEnvironment(name: string, env: string): boolean {
  return name.includes(`/${env}/`);
}

/** `{projectName}-ssm-backup-{env}-{accountId}-{region}` */
export function backupBucketName(args: {
  projectName: string;
  env: string;
  accountId: string;
  region: string;
}): string {
  return `${args.projectName}-ssm-backup-${args.env}-${args.accountId}-${args.region}`;
}

const BUCKET_NAME_PATTERN = /^(.+?)-ssm-backup-(.+)-(\d{12})-([a-z]{2}(?:-[a-z]+)+-\d{1,2})$/;

/**
 * The inverse of backupBucketName, for a name that follows the grammar; undefined for any other name
 * (a bucket named by hand). S3 names are lower case, so the environment comes back lower case.
 */
export function parseBackupBucketName(
  name: string,
): { projectName: string; env: string; accountId: string; region: string } | undefined {
  const m = BUCKET_NAME_PATTERN.exec(name);
  return m ? { projectName: m[1], env: m[2], accountId: m[3], region: m[4] } : undefined;
}

/** The alias the stack gives its backup key in every region, so one name serves them all. */
export function backupKmsAliasName(args: { projectName: string; env: string }): string {
  return `alias/${args.projectName}-ssm-backup-${args.env}`;
}

/** The project name of the stack's buckets and keys when none is given (Pulumi.{env}.yaml's). */
export const DEFAULT_PROJECT_NAME = 'jenkins-infra';

/**
 * The CloudWatch metrics a good backup publishes in its region, and that the stack's freshness alarm
 * watches: the namespace, the metric names and the dimensions, written once for both.
 */
export const backupMetrics = {
  namespace: 'SSMBackup',
  /** 1 for every region's good backup: the alarm fires when its sum stays below 1 too long. */
  succeeded: 'BackupSucceeded',
  parameterCount: 'ParameterCount',
  durationSeconds: 'DurationSeconds',
  throttledCalls: 'ThrottledCalls',
  dimensions: (env: string, region: string) => [
    { Name: 'Environment', Value: env },
    { Name: 'Region', Value: region },
  ],
} as const;

/** The object in each bucket that names the newest good backup. */
export const LATEST_KEY = 'latest.txt';

/** What a backup object's key says: when it was taken, for which environment, and its run's suffix. */
export interface BackupKey {
  key: string;
  env: string;
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  /** `YYYYMMDD_HHMMSS` (UTC). */
  timestamp: string;
  /** Per-run suffix; absent in keys written before keys were made unique (and by the old collector). */
  suffix?: string;
  takenAt: Date;
}

/**
 * `{YYYY-MM-DD}/ssm-backup-{env}-{YYYYMMDD_HHMMSS}-{suffix}.json`, UTC. The suffix makes keys unique
 * per run (two runs in the same second never share one) and keeps the date prefix and time order.
 */
export function backupObjectKey(args: { env: string; takenAt: Date; suffix: string }): string {
  const { date, timestamp } = backupTimestamps(args.takenAt);
  return `${date}/ssm-backup-${args.env}-${timestamp}-${args.suffix}.json`;
}

/**
 * Where a listing of the backups taken at or after `since` can start (S3's StartAfter): keys begin
 * with their UTC date folder, and the folder name sorts before every key in it.
 */
export const backupKeysStartAfter = (since: Date): string => backupTimestamps(since).date;

/** Every backup key of `env`, as an IAM resource pattern (`*` spans the date folder and the time). */
export const backupObjectKeyGlob = (env: string) => `*/ssm-backup-${env}-*.json`;

const KEY_PATTERN = /^(\d{4}-\d{2}-\d{2})\/ssm-backup-(.+)-(\d{8}_\d{6})(?:-([0-9a-z]{4,16}))?\.json$/;

/** The inverse of backupObjectKey; also reads the older keys without a suffix. */
export function parseBackupObjectKey(key: string): BackupKey | undefined {
  const m = KEY_PATTERN.exec(key);
  if (!m) return undefined;
  const takenAt = timestampToDate(m[3]);
  if (!takenAt) return undefined;
  return { key, date: m[1], env: m[2], timestamp: m[3], ...(m[4] ? { suffix: m[4] } : {}), takenAt };
}

/** Newer first: by the time in the key, then by the key itself, so the order is total and stable. */
export function compareBackupKeysNewestFirst(a: BackupKey, b: BackupKey): number {
  return b.takenAt.getTime() - a.takenAt.getTime() || compareNames(b.key, a.key);
}

/** UTC `YYYY-MM-DD` and `YYYYMMDD_HHMMSS`. */
export function backupTimestamps(at: Date): { date: string; timestamp: string } {
  const iso = at.toISOString();
  const date = iso.slice(0, 10);
  return { date, timestamp: `${date.replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}` };
}

/** The inverse of backupTimestamps: `YYYYMMDD_HHMMSS` (UTC) to a Date. */
export function timestampToDate(timestamp: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$/.exec(timestamp ?? '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

/** Code-unit order: the same on every machine and locale, so two backups diff cleanly. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** GetParameters takes at most 10 names; DescribeParameters returns at most 50 per page. */
export const FETCH_BATCH_SIZE = 10;
export const LIST_PAGE_SIZE = 50;
