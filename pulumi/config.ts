import { isEnvironmentName, isRegionName } from '../src/contract';

/** The stack's configuration, checked before any resource is declared (README, "The Pulumi stack"). */

export type KmsConfig =
  | { kind: 'none' }
  /** One new customer-managed key per region. */
  | { kind: 'create' }
  /** Existing keys, by region (id, ARN or alias). */
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
  const defaultRegion = raw.defaultRegion ?? regions[0];
  if (!regions.includes(defaultRegion))
    throw new StackConfigError(`defaultRegion ${defaultRegion} is not one of regions (${regions.join(', ')})`);

  const currentDays = positive(raw.retentionDays ?? 30, 'retentionDays');
  const noncurrentDays = positive(raw.noncurrentRetentionDays ?? 7, 'noncurrentRetentionDays');
  return {
    projectName,
    environment,
    regions,
    defaultRegion,
    retention: { currentDays, noncurrentDays },
    kms: parseKms(raw, regions),
  };
}

function parseKms(raw: RawStackConfig, regions: string[]): KmsConfig {
  if (raw.createKmsKeys && raw.kmsKeyIds) throw new StackConfigError('set either createKmsKeys or kmsKeyIds, not both');
  if (raw.createKmsKeys) return { kind: 'create' };
  if (raw.kmsKeyIds === undefined) return { kind: 'none' };
  if (typeof raw.kmsKeyIds !== 'object' || raw.kmsKeyIds === null || Array.isArray(raw.kmsKeyIds)) {
    throw new StackConfigError('kmsKeyIds must map each region to a KMS key id, ARN or alias');
  }
  const keyIds = raw.kmsKeyIds as Record<string, unknown>;
  for (const region of regions) {
    if (typeof keyIds[region] !== 'string' || !keyIds[region])
      throw new StackConfigError(`kmsKeyIds has no key for ${region} (a KMS key belongs to one region)`);
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
