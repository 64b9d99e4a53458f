import { ConfigurationError } from '../../../src/errors';
import { DUTIES, type Duty, dutyPolicy, type PolicyScope, type PolicyStatement } from '../../../src/policy/duties';

const scope: PolicyScope = {
  projectName: 'jenkins-infra',
  env: 'dev',
  accountId: '123456789012',
  regions: ['ap-northeast-1', 'us-west-2'],
  backupKeys: { arns: [], aliases: ['alias/jenkins-infra-ssm-backup-dev'] },
};
const bucket = (r: string) => `arn:aws:s3:::jenkins-infra-ssm-backup-dev-123456789012-${r}`;
const BUCKETS = [bucket('ap-northeast-1'), bucket('us-west-2')];
const ANY_BUCKET = bucket('*');
const PARAMETERS = ['ap-northeast-1', 'us-west-2'].flatMap((r) => [
  `arn:aws:ssm:${r}:123456789012:parameter/dev/*`,
  `arn:aws:ssm:${r}:123456789012:parameter/*/dev/*`,
]);

const statements = (duty: Duty, s: PolicyScope = scope) => dutyPolicy(duty, s).Statement;
const sid = (duty: Duty, id: string, s: PolicyScope = scope) => statements(duty, s).find((st) => st.Sid === id);
/** Every action a duty is allowed, with the resources it is allowed on. */
function allowed(duty: Duty, s: PolicyScope = scope): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const st of statements(duty, s).filter((x) => x.Effect === 'Allow'))
    for (const a of st.Action) out.set(a, [...(out.get(a) ?? []), ...[st.Resource].flat()]);
  return out;
}

describe('Function: dutyPolicy', () => {
  it('backup: reads the environment, writes backups and latest.txt, reads latest.txt only', () => {
    const a = allowed('backup');
    expect([...a.keys()].sort()).toEqual(
      [
        'cloudwatch:PutMetricData',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'ssm:DescribeParameters',
        'ssm:GetParameter',
        'ssm:GetParameters',
        'ssm:ListTagsForResource',
      ].sort(),
    );
    // Exactly PutMetricData, in the stack's namespace only.
    expect(sid('backup', 'PublishBackupMetrics')).toEqual({
      Sid: 'PublishBackupMetrics',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricData'],
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'SSMBackup' } },
    });
    for (const duty of ['restore', 'audit'] as const) expect(allowed(duty).has('cloudwatch:PutMetricData')).toBe(false);
    expect(a.get('ssm:GetParameters')).toEqual(PARAMETERS);
    expect(a.get('ssm:DescribeParameters')).toEqual(['*']);
    expect(a.get('s3:GetObject')).toEqual(BUCKETS.map((b) => `${b}/latest.txt`));
    expect(a.get('s3:PutObject')).toEqual([
      ...BUCKETS.map((b) => `${b}/*/ssm-backup-dev-*.json`),
      ...BUCKETS.map((b) => `${b}/latest.txt`),
    ]);
    expect(a.get('s3:ListBucket')).toEqual(BUCKETS);
    // Decrypt only through SSM, only for the environment's parameters.
    expect(sid('backup', 'DecryptSecureStringsThroughSsm')?.Condition).toEqual({
      StringLike: {
        'kms:ViaService': ['ssm.ap-northeast-1.amazonaws.com', 'ssm.us-west-2.amazonaws.com'],
        'kms:EncryptionContext:PARAMETER_ARN': [
          'arn:aws:ssm:*:123456789012:parameter/dev/*',
          'arn:aws:ssm:*:123456789012:parameter/*/dev/*',
        ],
      },
    });
    expect(sid('backup', 'EncryptBackupsByAlias')).toMatchObject({
      Action: ['kms:GenerateDataKey'],
      Condition: {
        StringLike: { 'kms:ViaService': ['s3.ap-northeast-1.amazonaws.com', 's3.us-west-2.amazonaws.com'] },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/jenkins-infra-ssm-backup-dev'] },
      },
    });
  });

  it('backup: explicit denies on reading, decrypting, deleting and reconfiguring backups', () => {
    expect(sid('backup', 'NeverReadBackups')).toEqual({
      Sid: 'NeverReadBackups',
      Effect: 'Deny',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
      Resource: [`${ANY_BUCKET}/*/*`],
    });
    const destroy = sid('backup', 'NeverDestroyBackups') as PolicyStatement;
    expect(destroy.Effect).toBe('Deny');
    expect(destroy.Action).toEqual(
      expect.arrayContaining([
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:BypassGovernanceRetention',
        's3:PutObjectRetention',
        's3:PutLifecycleConfiguration',
        's3:PutBucketPolicy',
        's3:PutBucketVersioning',
        's3:PutBucketObjectLockConfiguration',
        's3:PutEncryptionConfiguration',
        's3:DeleteBucket',
      ]),
    );
    // Denies cover the stack's buckets in every region: broader is safer.
    expect(destroy.Resource).toEqual([ANY_BUCKET, `${ANY_BUCKET}/*`]);
    expect(sid('backup', 'NeverDecryptBackupsByAlias')).toMatchObject({
      Effect: 'Deny',
      Action: ['kms:Decrypt'],
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/jenkins-infra-ssm-backup-dev'] } },
    });
  });

  it('restore: writes the environment, reads and decrypts backups; nothing destructive on S3', () => {
    const a = allowed('restore');
    for (const action of ['ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'])
      expect(a.get(action)).toEqual(PARAMETERS);
    expect(a.get('s3:GetObject')).toEqual(BUCKETS.map((b) => `${b}/*`));
    expect(sid('restore', 'DecryptBackupsByAlias')).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt'] });
    expect(sid('restore', 'UseParameterKeysThroughSsm')?.Action).toEqual([
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
    expect([...a.keys()].filter((k) => /^s3:(Delete|Put)/.test(k))).toEqual([]);
  });

  it("audit: the wiring keys, the listing and the objects' metadata; never a decrypted backup or a write", () => {
    const a = allowed('audit');
    expect([...a.keys()].sort()).toEqual(['s3:GetObject', 's3:ListBucket', 'ssm:GetParameter', 'ssm:GetParameters']);
    expect(a.get('ssm:GetParameters')).toEqual([
      'arn:aws:ssm:ap-northeast-1:123456789012:parameter/jenkins/dev/backup/*',
      'arn:aws:ssm:us-west-2:123456789012:parameter/jenkins/dev/backup/*',
    ]);
    expect(sid('audit', 'NeverDecryptBackupsByAlias')?.Effect).toBe('Deny');
  });

  it('without regions, every region (*); with key ARNs, the ARNs; with SSE-S3, no key statement', () => {
    const anyRegion = { ...scope, regions: undefined };
    expect(allowed('backup', anyRegion).get('s3:ListBucket')).toEqual([
      'arn:aws:s3:::jenkins-infra-ssm-backup-dev-123456789012-*',
    ]);
    expect(allowed('backup', anyRegion).get('ssm:GetParameters')).toEqual([
      'arn:aws:ssm:*:123456789012:parameter/dev/*',
      'arn:aws:ssm:*:123456789012:parameter/*/dev/*',
    ]);
    const key = 'arn:aws:kms:us-west-2:123456789012:key/k';
    expect(sid('restore', 'DecryptBackupsByArn', { ...scope, backupKeys: { arns: [key], aliases: [] } })).toMatchObject(
      {
        Resource: [key],
      },
    );
    const sseS3 = { ...scope, backupKeys: { arns: [], aliases: [] } };
    for (const duty of DUTIES)
      expect(statements(duty, sseS3).filter((st) => /Backups(ByArn|ByAlias)$/.test(st.Sid))).toEqual([]);
  });

  it('China and GovCloud regions get their partitions', () => {
    expect(allowed('audit', { ...scope, regions: ['cn-north-1'] }).get('s3:ListBucket')).toEqual([
      'arn:aws-cn:s3:::jenkins-infra-ssm-backup-dev-123456789012-cn-north-1',
    ]);
    expect(allowed('audit', { ...scope, regions: ['us-gov-west-1'] }).get('s3:ListBucket')).toEqual([
      'arn:aws-us-gov:s3:::jenkins-infra-ssm-backup-dev-123456789012-us-gov-west-1',
    ]);
  });

  /** Every ARN and service host in a document, wherever it stands (resources, conditions). */
  function namesIn(document: unknown): { arns: string[]; hosts: string[] } {
    const strings = JSON.stringify(document).match(/"[^"]*"/g) ?? [];
    const values = strings.map((s) => JSON.parse(s) as string);
    return {
      arns: values.filter((v) => v.startsWith('arn:')),
      hosts: values.filter((v) => /^(ssm|s3)\./.test(v)),
    };
  }

  it.each([
    ['cn-north-1', 'arn:aws-cn:', '.amazonaws.com.cn'],
    ['us-gov-west-1', 'arn:aws-us-gov:', '.amazonaws.com'],
    ['us-west-2', 'arn:aws:', '.amazonaws.com'],
  ])('in %s every ARN of every duty, denies and conditions included, is in %s; hosts end %s', (region, prefix, dns) => {
    const keys = { arns: [`${prefix}kms:${region}:123456789012:key/k1`], aliases: ['alias/a'] };
    for (const duty of DUTIES) {
      const { arns, hosts } = namesIn(dutyPolicy(duty, { ...scope, regions: [region], backupKeys: keys }));
      expect(arns.length).toBeGreaterThan(0);
      for (const arn of arns) expect(arn.startsWith(prefix)).toBe(true);
      for (const host of hosts) expect(host).toBe(`${host.split('.')[0]}.${region}${dns}`);
    }
    const backup = dutyPolicy('backup', { ...scope, regions: [region], backupKeys: keys });
    const denies = backup.Statement.filter((st) => st.Effect === 'Deny').flatMap((st) => [st.Resource].flat());
    expect(denies.length).toBeGreaterThan(0);
    for (const arn of denies) expect(arn.startsWith(prefix)).toBe(true);
  });

  it('regions of two partitions are refused: one policy covers one partition', () => {
    for (const regions of [
      ['us-west-2', 'cn-north-1'],
      ['us-gov-west-1', 'us-east-1'],
    ])
      expect(() => dutyPolicy('backup', { ...scope, regions })).toThrow(/span the partitions/);
  });

  const SIX = ['ap-northeast-1', 'us-west-2', 'us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
  it.each(DUTIES)('%s fits a managed policy (6,144 characters without white space) for six regions', (duty) => {
    const size = JSON.stringify(dutyPolicy(duty, { ...scope, regions: SIX })).replace(/\s/g, '').length;
    expect(size).toBeLessThanOrEqual(6144);
  });

  it('the limit is inclusive: 6,144 characters are accepted, 6,145 refused, with the size named', () => {
    // In the restore duty an alias appears once: its length moves the size one character at a time.
    const withAlias = (length: number) => ({
      ...scope,
      regions: ['us-west-2', 'us-east-1'],
      backupKeys: { arns: [], aliases: [`alias/${'k'.repeat(length)}`] },
    });
    const base = JSON.stringify(dutyPolicy('restore', withAlias(1))).length - 1;
    expect(JSON.stringify(dutyPolicy('restore', withAlias(2)))).toHaveLength(base + 2);
    const exact = dutyPolicy('restore', withAlias(6144 - base));
    expect(JSON.stringify(exact)).toHaveLength(6144);
    expect(() => dutyPolicy('restore', withAlias(6145 - base))).toThrow(
      new ConfigurationError(
        "the restore policy for 2 regions is 6145 characters, over IAM's 6144 for a managed policy: split the " +
          'regions across two policies',
      ),
    );
  });

  it('a policy over the limit is a configuration error, not a document IAM would refuse at deploy time', () => {
    const many = [...SIX, 'eu-west-2', 'eu-west-3', 'eu-north-1', 'sa-east-1'];
    expect(() => dutyPolicy('backup', { ...scope, regions: many })).toThrow(ConfigurationError);
    expect(() => dutyPolicy('backup', { ...scope, regions: many })).toThrow(/over IAM's 6144 for a managed policy/);
  });
});

describe('The policies as written (reviewed on change: `npx jest -u` records one)', () => {
  // Each Sid, action and condition is part of what an operator attaches: a change to any shows here.
  it.each(DUTIES)('%s', (duty) => {
    expect(dutyPolicy(duty, scope)).toMatchSnapshot();
  });

  it('the same in another partition (aws-cn), one region', () => {
    expect(dutyPolicy('backup', { ...scope, regions: ['cn-north-1'] })).toMatchSnapshot();
  });
});

describe('Partitions', () => {
  it('a scope spanning two partitions is refused, naming the regions and partitions', () => {
    expect(() => dutyPolicy('audit', { ...scope, regions: ['us-west-2', 'cn-north-1'] })).toThrow(
      new ConfigurationError(
        'the regions us-west-2, cn-north-1 span the partitions aws, aws-cn: one policy or stack covers one ' +
          'partition; give each its own',
      ),
    );
  });
});
