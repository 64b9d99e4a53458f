import { isEnvironmentName, isRegionName, kmsKeyArnRegion } from '../src/contract';
import { DUTIES, type Duty, partitionOf } from '../src/policy/duties';

/** The stack's configuration, checked before any resource is declared (README, "The Pulumi stack"). */

type KmsConfig =
  /** SSE-S3 (AES256): anyone who may read the objects reads the secrets. Only with createKmsKeys: false. */
  | { kind: 'none' }
  /** One new customer-managed key per region (the default). */
  | { kind: 'create' }
  /** Existing keys, by region (key ARNs). */
  | { kind: 'existing'; keyIds: Record<string, string> };

export interface StackConfig {
  projectName: string;
  environment: string;
  /** Regions to back up, in order; the runner reads them in this order. */
  regions: string[];
  /** Holds the legacy bucket key and the regions key; its bucket keeps the old stack's identity. */
  defaultRegion: string;
  retention: { currentDays: number; noncurrentDays: number };
  kms: KmsConfig;
  /** S3 Object Lock's default retention on every new object version; absent when configured `off`. */
  objectLock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
  /** Per duty, the principals (ARNs) trusted to assume a role holding that duty's policy; none: no role. */
  roleTrust: Partial<Record<Duty, string[]>>;
  /** The freshness alarm: fires when no good backup was recorded for `maxAgeHours`; notifies a topic. */
  alarm: { maxAgeHours: number; subscriptions: AlarmSubscription[] };
}

/** Who the alarm topic notifies (an SNS subscription): `email`, `https`, `sqs`, `lambda`... */
interface AlarmSubscription {
  protocol: string;
  endpoint: string;
}

export class StackConfigError extends Error {
  constructor(message: string) {
    super(`stack configuration: ${message}`);
    this.name = 'StackConfigError';
  }
}

/** What `pulumi.Config` gives, before checking. */
export interface RawStackConfig {
  projectName?: string;
  environment?: string;
  regions?: unknown;
  defaultRegion?: string;
  retentionDays?: number;
  noncurrentRetentionDays?: number;
  createKmsKeys?: boolean;
  kmsKeyIds?: unknown;
  /** Days, or `off`. */
  objectLockDays?: number | string;
  objectLockMode?: string;
  roleTrust?: unknown;
  /** Hours without a good backup before the alarm fires (default 26). */
  alarmMaxAgeHours?: number;
  /** [{ protocol, endpoint }]: the alarm topic's subscriptions. */
  alarmSubscriptions?: unknown;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function parseStackConfig(raw: RawStackConfig): StackConfig {
  const projectName = required(raw.projectName, 'projectName');
  if (!NAME.test(projectName))
    throw new StackConfigError(
      `projectName '${projectName}' must be lower-case letters, digits and '-' (it is part of bucket names)`,
    );
  const environment = required(raw.environment, 'environment');
  if (!isEnvironmentName(environment))
    throw new StackConfigError(`environment '${environment}' may only hold letters, digits, '_', '.' and '-'`);

  if (!Array.isArray(raw.regions) || raw.regions.length === 0) {
    throw new StackConfigError('regions must be a list of at least one region, e.g. [ap-northeast-1, us-west-2]');
  }
  const regions: string[] = [];
  for (const region of raw.regions) {
    if (typeof region !== 'string' || !isRegionName(region))
      throw new StackConfigError(`regions: '${String(region)}' is not an AWS region name`);
    if (regions.includes(region)) throw new StackConfigError(`regions: ${region} is listed twice`);
    regions.push(region);
  }
  // One stack is one account, and an account lives in one partition (aws, aws-cn, aws-us-gov).
  const partitions = [...new Set(regions.map((r) => partitionOf(r).name))];
  if (partitions.length > 1)
    throw new StackConfigError(
      `regions: ${regions.join(', ')} span the partitions ${partitions.join(', ')}; one stack covers one partition`,
    );
  const defaultRegion = raw.defaultRegion ?? regions[0];
  if (!regions.includes(defaultRegion))
    throw new StackConfigError(`defaultRegion ${defaultRegion} is not one of regions (${regions.join(', ')})`);

  const currentDays = positive(raw.retentionDays ?? 30, 'retentionDays');
  const noncurrentDays = positive(raw.noncurrentRetentionDays ?? 7, 'noncurrentRetentionDays');
  const objectLock = parseObjectLock(raw, currentDays, noncurrentDays);
  return {
    projectName,
    environment,
    regions,
    defaultRegion,
    retention: { currentDays, noncurrentDays },
    kms: parseKms(raw, regions),
    ...(objectLock ? { objectLock } : {}),
    roleTrust: parseRoleTrust(raw.roleTrust),
    alarm: parseAlarm(raw),
  };
}

/** SNS protocols a subscription may use. */
const SNS_PROTOCOLS = ['email', 'email-json', 'https', 'http', 'sqs', 'lambda', 'sms', 'firehose', 'application'];

/**
 * Whole hours, from 2 (a nightly job that runs late must not page) to 168 (CloudWatch evaluates an
 * alarm of hourly periods over at most seven days).
 */
function parseAlarm(raw: RawStackConfig): StackConfig['alarm'] {
  const maxAgeHours = raw.alarmMaxAgeHours ?? 26;
  if (!Number.isInteger(maxAgeHours) || maxAgeHours < 2 || maxAgeHours > 168)
    throw new StackConfigError(`alarmMaxAgeHours must be a whole number of hours from 2 to 168, not ${maxAgeHours}`);
  const list = raw.alarmSubscriptions ?? [];
  if (!Array.isArray(list)) throw new StackConfigError('alarmSubscriptions must be a list of { protocol, endpoint }');
  const subscriptions = list.map((entry, i) => {
    const { protocol, endpoint, ...rest } = (entry ?? {}) as Record<string, unknown>;
    if (typeof protocol !== 'string' || !SNS_PROTOCOLS.includes(protocol) || Object.keys(rest).length)
      throw new StackConfigError(
        `alarmSubscriptions[${i}]: protocol must be one of ${SNS_PROTOCOLS.join(', ')}, and nothing but protocol ` +
          'and endpoint is allowed',
      );
    if (typeof endpoint !== 'string' || !endpoint.trim())
      throw new StackConfigError(`alarmSubscriptions[${i}]: endpoint is required`);
    return { protocol, endpoint };
  });
  return { maxAgeHours, subscriptions };
}

/**
 * Governance mode, for as long as a backup is current (retentionDays), by default. A lock longer than
 * current plus noncurrent days would hold versions the lifecycle is meant to have deleted: refused.
 */
function parseObjectLock(raw: RawStackConfig, currentDays: number, noncurrentDays: number): StackConfig['objectLock'] {
  if (raw.objectLockDays === 'off') return undefined;
  const days = positive(raw.objectLockDays === undefined ? currentDays : Number(raw.objectLockDays), 'objectLockDays');
  if (days > currentDays + noncurrentDays)
    throw new StackConfigError(
      `objectLockDays ${days} is longer than retentionDays + noncurrentRetentionDays (${currentDays + noncurrentDays}): ` +
        'the lifecycle could not delete versions when it should',
    );
  const mode = raw.objectLockMode ?? 'GOVERNANCE';
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE')
    throw new StackConfigError(`objectLockMode '${mode}' must be GOVERNANCE or COMPLIANCE`);
  return { mode, days };
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam::\d{12}:(root|role\/.+|user\/.+)|sts::\d{12}:assumed-role\/.+)$/;

function parseRoleTrust(raw: unknown): StackConfig['roleTrust'] {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new StackConfigError('roleTrust must map a duty (backup, restore, audit) to a list of principal ARNs');
  const trust: StackConfig['roleTrust'] = {};
  for (const [duty, principals] of Object.entries(raw)) {
    if (!(DUTIES as readonly string[]).includes(duty))
      throw new StackConfigError(`roleTrust: '${duty}' is not a duty (${DUTIES.join(', ')})`);
    if (!Array.isArray(principals) || principals.length === 0 || principals.some((p) => !PRINCIPAL_ARN.test(p)))
      throw new StackConfigError(`roleTrust.${duty} must be a list of IAM principal ARNs`);
    trust[duty as Duty] = principals;
  }
  return trust;
}

function parseKms(raw: RawStackConfig, regions: string[]): KmsConfig {
  if (raw.createKmsKeys && raw.kmsKeyIds) throw new StackConfigError('set either createKmsKeys or kmsKeyIds, not both');
  if (raw.kmsKeyIds === undefined) return raw.createKmsKeys === false ? { kind: 'none' } : { kind: 'create' };
  if (typeof raw.kmsKeyIds !== 'object' || raw.kmsKeyIds === null || Array.isArray(raw.kmsKeyIds)) {
    throw new StackConfigError('kmsKeyIds must map each region to a KMS key ARN');
  }
  const keyIds = raw.kmsKeyIds as Record<string, unknown>;
  for (const region of regions) {
    const key = keyIds[region];
    if (typeof key !== 'string' || !key)
      throw new StackConfigError(`kmsKeyIds has no key for ${region} (a KMS key belongs to one region)`);
    // The runner compares the key S3 reports with this ARN, and the policies name it: an alias would do neither.
    if (kmsKeyArnRegion(key) !== region)
      throw new StackConfigError(`kmsKeyIds.${region} '${key}' must be the ARN of a key in ${region} (not an alias)`);
  }
  return { kind: 'existing', keyIds: keyIds as Record<string, string> };
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new StackConfigError(`${name} is required`);
  return value;
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new StackConfigError(`${name} must be a whole number of days, at least 1`);
  return value;
}
