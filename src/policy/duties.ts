import { backupBucketName, backupMetrics, backupObjectKeyGlob, LATEST_KEY, ssmKeys } from '../contract';
import { ConfigurationError } from '../errors';

/**
 * The IAM policies of the three duties, written once: the Pulumi stack creates them as managed
 * policies and `ssm-backup policy` prints them, both from `dutyPolicy`.
 *
 * - backup: lists and reads the environment's parameters, writes backups; never reads, decrypts,
 *   deletes or reconfigures them (explicit denies, so no other policy of the role can grant it).
 * - restore: reads and decrypts backups, writes the environment's parameters.
 * - audit: lists backups and reads latest.txt and the objects' metadata; never decrypts a backup.
 */
export const DUTIES = ['backup', 'restore', 'audit'] as const;
export type Duty = (typeof DUTIES)[number];

export interface PolicyScope {
  projectName: string;
  env: string;
  accountId: string;
  /** The regions covered; absent means every region (`*` in the ARNs). */
  regions?: readonly string[];
  /**
   * The backup objects' KMS keys: key ARNs, and alias names (matched with `kms:ResourceAliases`, as
   * the stack names its keys). Both empty: the buckets use SSE-S3 and no key statement is written.
   */
  backupKeys: { arns: readonly string[]; aliases: readonly string[] };
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Bucket and object actions that would destroy a backup or loosen the bucket; backup never has them. */
const DESTRUCTIVE_S3_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutObjectAcl',
  's3:PutLifecycleConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketVersioning',
  's3:PutBucketObjectLockConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketAcl',
  's3:DeleteBucket',
];

/** IAM's limit on a managed policy, white space not counted. */
const MANAGED_POLICY_MAX_CHARS = 6144;

export function dutyPolicy(duty: Duty, scope: PolicyScope): PolicyDocument {
  const statements = { backup: backupStatements, restore: restoreStatements, audit: auditStatements }[duty](
    new Arns(scope),
  );
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  const size = JSON.stringify(document).length;
  if (size > MANAGED_POLICY_MAX_CHARS)
    throw new ConfigurationError(
      `the ${duty} policy for ${scope.regions?.length} regions is ${size} characters, over IAM's ` +
        `${MANAGED_POLICY_MAX_CHARS} for a managed policy: split the regions across two policies`,
    );
  return document;
}

function backupStatements(a: Arns): PolicyStatement[] {
  // Denies name every region's buckets and keys of the stack (`*` for the region): broader is safer, and
  // the policy stays within the 6,144 characters of a managed policy.
  const everywhere = a.inEveryRegion();
  return [
    allow('ListParameters', ['ssm:DescribeParameters'], '*'),
    allow(
      'ReadEnvironmentParameters',
      ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource'],
      a.parameters(),
    ),
    allow('DecryptSecureStringsThroughSsm', ['kms:Decrypt'], a.allKeys(), a.throughSsmForEnvironment()),
    // HeadBucket, the check before any write, is authorized as s3:ListBucket.
    allow('CheckBuckets', ['s3:ListBucket'], a.buckets()),
    allow('WriteBackupsAndLatest', ['s3:PutObject'], [...a.backupObjects(), ...a.latest()]),
    // latest.txt only: the forward-only move reads it first. It holds a key name, never a value.
    allow('ReadLatestPointer', ['s3:GetObject'], a.latest()),
    ...a.backupKeyStatements('EncryptBackups', 'Allow', ['kms:GenerateDataKey'], a.throughS3()),
    // The freshness alarm's input. PutMetricData has no resource; the namespace is its condition.
    allow('PublishBackupMetrics', ['cloudwatch:PutMetricData'], '*', {
      StringEquals: { 'cloudwatch:namespace': backupMetrics.namespace },
    }),
    // Every key with a folder is a backup; latest.txt has none.
    deny(
      'NeverReadBackups',
      ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
      everywhere.objectsInFolders(),
    ),
    deny('NeverDestroyBackups', DESTRUCTIVE_S3_ACTIONS, [...everywhere.buckets(), ...everywhere.allObjects()]),
    ...everywhere.backupKeyStatements('NeverDecryptBackups', 'Deny', ['kms:Decrypt']),
  ];
}

function restoreStatements(a: Arns): PolicyStatement[] {
  return [
    allow('ListParameters', ['ssm:DescribeParameters'], '*'),
    allow(
      'ReadAndWriteEnvironmentParameters',
      [
        'ssm:GetParameter',
        'ssm:GetParameters',
        'ssm:ListTagsForResource',
        'ssm:PutParameter',
        'ssm:AddTagsToResource',
        'ssm:RemoveTagsFromResource',
      ],
      a.parameters(),
    ),
    allow(
      'UseParameterKeysThroughSsm',
      ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      a.allKeys(),
      a.throughSsmForEnvironment(),
    ),
    allow('ListBackups', ['s3:ListBucket'], a.buckets()),
    allow('ReadBackups', ['s3:GetObject'], a.allObjects()),
    ...a.backupKeyStatements('DecryptBackups', 'Allow', ['kms:Decrypt'], a.throughS3()),
  ];
}

function auditStatements(a: Arns): PolicyStatement[] {
  return [
    allow('ReadWiringKeys', ['ssm:GetParameter', 'ssm:GetParameters'], a.wiringKeys()),
    allow('ListBackups', ['s3:ListBucket'], a.buckets()),
    // HeadObject (size, S3's checksum, count) and latest.txt. The content stays sealed by the key.
    allow('ReadBackupMetadata', ['s3:GetObject'], a.allObjects()),
    ...a.inEveryRegion().backupKeyStatements('NeverDecryptBackups', 'Deny', ['kms:Decrypt']),
  ];
}

const allow = (Sid: string, Action: string[], Resource: string | string[], Condition?: PolicyStatement['Condition']) =>
  statement(Sid, 'Allow', Action, Resource, Condition);
const deny = (Sid: string, Action: string[], Resource: string | string[]) => statement(Sid, 'Deny', Action, Resource);

function statement(
  Sid: string,
  Effect: 'Allow' | 'Deny',
  Action: string[],
  Resource: string | string[],
  Condition?: PolicyStatement['Condition'],
): PolicyStatement {
  return { Sid, Effect, Action, Resource, ...(Condition ? { Condition } : {}) };
}

/**
 * The ARNs of one scope. Regions absent means `*`. Every ARN and service name is in the partition of
 * the scope's regions (`aws` when none are named), the denies' `*` regions too, so that a deny in China
 * or GovCloud matches what the allows grant there.
 */
class Arns {
  private readonly regions: readonly string[];
  private readonly partition: Partition;

  constructor(
    private readonly scope: PolicyScope,
    partition?: Partition,
  ) {
    this.regions = scope.regions?.length ? scope.regions : ['*'];
    this.partition = partition ?? partitionOfRegions(scope.regions ?? []);
  }

  /** The same scope in every region of the partition: for denies. */
  inEveryRegion(): Arns {
    return new Arns({ ...this.scope, regions: undefined }, this.partition);
  }

  /** The `/{env}/` rule: names starting with `/{env}/` and names with `/{env}/` further in. */
  parameters(): string[] {
    const { env } = this.scope;
    return this.perRegion((r) => [this.ssm(r, `parameter/${env}/*`), this.ssm(r, `parameter/*/${env}/*`)]);
  }

  wiringKeys(): string[] {
    return this.perRegion((r) => [this.ssm(r, `parameter${ssmKeys.prefix(this.scope.env)}*`)]);
  }

  buckets(): string[] {
    return this.perRegion((r) => [`arn:${this.partition.name}:s3:::${this.bucket(r)}`]);
  }

  allObjects(): string[] {
    return this.buckets().map((b) => `${b}/*`);
  }

  objectsInFolders(): string[] {
    return this.buckets().map((b) => `${b}/*/*`);
  }

  backupObjects(): string[] {
    return this.buckets().map((b) => `${b}/${backupObjectKeyGlob(this.scope.env)}`);
  }

  latest(): string[] {
    return this.buckets().map((b) => `${b}/${LATEST_KEY}`);
  }

  allKeys(): string[] {
    return this.perRegion((r) => [this.kms(r, 'key/*')]);
  }

  /** SSM decrypts and encrypts SecureStrings with the parameter's ARN as encryption context. */
  throughSsmForEnvironment(): PolicyStatement['Condition'] {
    return {
      StringLike: {
        'kms:ViaService': this.perRegion((r) => [serviceHost('ssm', r, this.partition)]),
        // Any region's ARN: the key and kms:ViaService already hold the region.
        'kms:EncryptionContext:PARAMETER_ARN': this.inEveryRegion().parameters(),
      },
    };
  }

  throughS3(): PolicyStatement['Condition'] {
    return { StringLike: { 'kms:ViaService': this.perRegion((r) => [serviceHost('s3', r, this.partition)]) } };
  }

  /** One statement for the key ARNs, one for the aliases (as a condition on any key); none for SSE-S3. */
  backupKeyStatements(
    sid: string,
    effect: 'Allow' | 'Deny',
    actions: string[],
    condition?: PolicyStatement['Condition'],
  ): PolicyStatement[] {
    const { arns, aliases } = this.scope.backupKeys;
    const out: PolicyStatement[] = [];
    if (arns.length) out.push(statement(`${sid}ByArn`, effect, actions, [...arns], condition));
    if (aliases.length)
      out.push(
        statement(`${sid}ByAlias`, effect, actions, this.allKeys(), {
          ...condition,
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [...aliases] },
        }),
      );
    return out;
  }

  private bucket(region: string): string {
    const { projectName, env, accountId } = this.scope;
    return backupBucketName({ projectName, env, accountId, region });
  }

  private ssm(region: string, resource: string): string {
    return `arn:${this.partition.name}:ssm:${region}:${this.scope.accountId}:${resource}`;
  }

  private kms(region: string, resource: string): string {
    return `arn:${this.partition.name}:kms:${region}:${this.scope.accountId}:${resource}`;
  }

  private perRegion(make: (region: string) => string[]): string[] {
    return this.regions.flatMap(make);
  }
}

/** An AWS partition: the ARN prefix and the DNS suffix of its service endpoints. */
export interface Partition {
  name: 'aws' | 'aws-cn' | 'aws-us-gov';
  dnsSuffix: string;
}

const PARTITIONS: Record<Partition['name'], Partition> = {
  aws: { name: 'aws', dnsSuffix: 'amazonaws.com' },
  'aws-cn': { name: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' },
  'aws-us-gov': { name: 'aws-us-gov', dnsSuffix: 'amazonaws.com' },
};

/** `aws`, or the China and GovCloud partitions their regions belong to. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return PARTITIONS['aws-cn'];
  if (region.startsWith('us-gov-')) return PARTITIONS['aws-us-gov'];
  return PARTITIONS.aws;
}

/**
 * The one partition of a set of regions (`aws` for none). A policy or stack cannot span partitions
 * (each has its own accounts and ARNs), so a mix is a configuration error.
 */
function partitionOfRegions(regions: readonly string[]): Partition {
  const found = [...new Set(regions.map((r) => partitionOf(r).name))];
  if (found.length > 1)
    throw new ConfigurationError(
      `the regions ${regions.join(', ')} span the partitions ${found.join(', ')}: one policy or stack covers ` +
        'one partition; give each its own',
    );
  return PARTITIONS[found[0] ?? 'aws'];
}

/** A service's host name in a region, as `kms:ViaService` names it (`ssm.cn-north-1.amazonaws.com.cn`). */
export function serviceHost(service: string, region: string, partition = partitionOf(region)): string {
  return `${service}.${region}.${partition.dnsSuffix}`;
}
