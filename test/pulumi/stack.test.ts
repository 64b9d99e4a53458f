import { PassThrough } from 'node:stream';
import * as pulumi from '@pulumi/pulumi';
import { parseStackConfig, type RawStackConfig, StackConfigError } from '../../pulumi/config';
import { keyPolicyDocument } from '../../pulumi/policy';
import { type BackupStack, createBackupStack, policyScope } from '../../pulumi/stack';
import { main } from '../../src/cli/main';
import { DUTIES, dutyPolicy } from '../../src/policy/duties';

// biome-ignore lint/suspicious/noExplicitAny: the mock engine's inputs are untyped JSON that the assertions walk freely
type Loose = any;

interface Created {
  type: string;
  name: string;
  inputs: Record<string, Loose>;
}
const created: Created[] = [];
const ACCOUNT = '123456789012';

/** Secret inputs (an SSM parameter's value) reach the mock wrapped with Pulumi's secret signature. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
function plain(value: Loose): Loose {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    if (SECRET_SIG in value) return plain(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      created.push({ type: args.type, name: args.name, inputs: plain(args.inputs) });
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.type === 'aws:s3/bucket:Bucket') state.arn = `arn:aws:s3:::${args.inputs.bucket}`;
      if (args.type === 'aws:iam/policy:Policy' || args.type === 'aws:iam/role:Role')
        state.arn = `arn:aws:iam::${ACCOUNT}:${args.type.includes('role') ? 'role' : 'policy'}/${args.inputs.name}`;
      if (args.type === 'aws:sns/topic:Topic')
        state.arn = `arn:aws:sns:${args.inputs.region}:${ACCOUNT}:${args.inputs.name}`;
      if (args.type === 'aws:kms/key:Key')
        Object.assign(state, {
          arn: `arn:aws:kms:${args.inputs.region}:${ACCOUNT}:key/${args.name}`,
          keyId: `${args.name}-id`,
        });
      return { id: `${args.name}-id`, state };
    },
    call: (args) =>
      args.token === 'aws:index/getCallerIdentity:getCallerIdentity'
        ? { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: 'ci' }
        : {},
  },
  'jenkins-ssm-backup-s3',
  'dev',
  false,
);

const outputValue = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

/** The URNs a resource is aliased to (the SDK's own type aliases included). */
async function aliasUrns(resource: pulumi.Resource): Promise<string[]> {
  const aliases = (resource as unknown as { __aliases: pulumi.Input<string>[] }).__aliases;
  return Promise.all(aliases.map((a) => outputValue(pulumi.output(a))));
}

/** Waits until every resource of the stack has been registered with the mock engine. */
async function build(raw: RawStackConfig): Promise<BackupStack> {
  created.length = 0;
  const stack = createBackupStack(parseStackConfig(raw), ACCOUNT);
  const all = [
    stack.legacyBucketNameParameter,
    stack.regionsParameter,
    ...stack.regions.flatMap((r) => Object.values(r).filter((v) => v instanceof pulumi.Resource)),
    ...Object.values(stack.duties).flatMap((d) => Object.values(d).filter((v) => v instanceof pulumi.Resource)),
  ];
  await Promise.all(all.map((r) => outputValue((r as pulumi.CustomResource).urn)));
  return stack;
}

const ofType = (type: string) => created.filter((c) => c.type === type);
const one = (type: string, region: string) => {
  const found = ofType(type).filter((c) => c.inputs.region === region);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const keyArn = (region: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/ssm-backup-key-${region}`;
const base: RawStackConfig = { projectName: 'jenkins-infra', environment: 'dev', regions: ['ap-northeast-1'] };
const THREE = ['ap-northeast-1', 'us-west-2', 'us-east-1'];

describe('Stack: one region (the upgraded single-region stack)', () => {
  let stack: BackupStack;
  beforeAll(async () => {
    stack = await build(base);
  });

  it('declares the bucket, its hardening and lock, the KMS key, the four SSM keys, the three policies and the alarm', () => {
    expect(created.map((c) => c.type).sort()).toEqual(
      [
        'aws:cloudwatch/metricAlarm:MetricAlarm',
        'aws:sns/topic:Topic',
        'aws:iam/policy:Policy',
        'aws:iam/policy:Policy',
        'aws:iam/policy:Policy',
        'aws:kms/alias:Alias',
        'aws:kms/key:Key',
        'aws:s3/bucket:Bucket',
        'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
        'aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration',
        'aws:s3/bucketPolicy:BucketPolicy',
        'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
        'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
        'aws:s3/bucketVersioning:BucketVersioning',
        'aws:ssm/parameter:Parameter',
        'aws:ssm/parameter:Parameter',
        'aws:ssm/parameter:Parameter',
        'aws:ssm/parameter:Parameter',
      ].sort(),
    );
  });

  it('replaces nothing on upgrade: what forces a new resource is unchanged, Object Lock comes as its own resource', () => {
    // The old stack's resources and the inputs that would force their replacement.
    const bucket = one('aws:s3/bucket:Bucket', 'ap-northeast-1').inputs;
    expect(bucket.bucket).toBe('jenkins-infra-ssm-backup-dev-123456789012-ap-northeast-1');
    // objectLockEnabled forces a new bucket; the old stack set it false, so it must not be set at all.
    expect(bucket).not.toHaveProperty('objectLockEnabled');
    const legacyKey = ofType('aws:ssm/parameter:Parameter').find(
      (p) => p.inputs.name === '/jenkins/dev/backup/s3-bucket-name',
    )!;
    expect(legacyKey.inputs).toMatchObject({ region: 'ap-northeast-1', type: 'String' });
    expect(one('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', 'ap-northeast-1').inputs.bucket).toBe(
      'ssm-backup-bucket-ap-northeast-1-id',
    );
    expect(one('aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration', 'ap-northeast-1').inputs).toEqual({
      region: 'ap-northeast-1',
      bucket: 'ssm-backup-bucket-ap-northeast-1-id',
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'GOVERNANCE', days: 30 } },
    });
  });

  it('keeps the old bucket name and, through aliases, the old logical identities', async () => {
    expect(one('aws:s3/bucket:Bucket', 'ap-northeast-1').inputs.bucket).toBe(
      'jenkins-infra-ssm-backup-dev-123456789012-ap-northeast-1',
    );
    const urn = (type: string, name: string) => `urn:pulumi:dev::jenkins-ssm-backup-s3::${type}::${name}`;
    const home = stack.regions[0]!;
    expect(await aliasUrns(home.bucket)).toContain(urn('aws:s3/bucket:Bucket', 'ssm-backup-bucket'));
    expect(await aliasUrns(home.publicAccessBlock)).toContain(
      urn('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', 'ssm-backup-bucket-pab'),
    );
    expect(await aliasUrns(home.policy)).toContain(urn('aws:s3/bucketPolicy:BucketPolicy', 'ssm-backup-bucket-policy'));
    expect(await aliasUrns(stack.legacyBucketNameParameter)).toContain(
      urn('aws:ssm/parameter:Parameter', 'ssm-backup-bucket-name'),
    );
  });
});

describe('Stack: three regions', () => {
  let stack: BackupStack;
  beforeAll(async () => {
    stack = await build({ ...base, regions: THREE });
  });

  it('declares the same thirteen resources in every region, each with its region, and three policies', () => {
    expect(created).toHaveLength(THREE.length * 13 + 2 + 3);
    for (const region of THREE) {
      expect(created.filter((c) => c.inputs.region === region).length).toBe(region === 'ap-northeast-1' ? 15 : 13);
    }
    expect(ofType('aws:iam/policy:Policy').map((p) => p.inputs.name)).toEqual(
      DUTIES.map((d) => `jenkins-infra-ssm-backup-dev-${d}`),
    );
  });

  it.each(THREE)('%s: bucket, versioning, KMS encryption with bucket key, lifecycle, lock, public access', (region) => {
    const bucket = `jenkins-infra-ssm-backup-dev-123456789012-${region}`;
    expect(one('aws:s3/bucket:Bucket', region).inputs).toMatchObject({
      bucket,
      tags: { Environment: 'dev', ManagedBy: 'Pulumi', Region: region, DataClassification: 'Confidential' },
    });
    expect(one('aws:s3/bucketVersioning:BucketVersioning', region).inputs).toMatchObject({
      bucket: `ssm-backup-bucket-${region}-id`,
      versioningConfiguration: { status: 'Enabled' },
    });
    expect(
      one('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', region).inputs
        .rules,
    ).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn(region) },
        bucketKeyEnabled: true,
      },
    ]);
    const key = one('aws:kms/key:Key', region).inputs;
    expect(key).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    // IAM decides who uses the key (the duties' policies); decrypting happens only through S3 here.
    expect(JSON.parse(key.policy).Statement).toEqual([
      {
        Sid: 'EnableIamPolicies',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'DecryptOnlyThroughS3',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringNotEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      },
    ]);
    expect(one('aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration', region).inputs.rule).toEqual({
      defaultRetention: { mode: 'GOVERNANCE', days: 30 },
    });
    expect(one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', region).inputs.rules).toEqual([
      {
        id: 'delete-old-backups',
        status: 'Enabled',
        filter: {},
        expiration: { days: 30 },
        noncurrentVersionExpiration: { noncurrentDays: 7 },
      },
    ]);
    expect(one('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', region).inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });

  it.each(THREE)('%s: the policy denies non-TLS access, unencrypted uploads, backups without the key', (region) => {
    const arn = `arn:aws:s3:::jenkins-infra-ssm-backup-dev-123456789012-${region}`;
    const policy = JSON.parse(one('aws:s3/bucketPolicy:BucketPolicy', region).inputs.policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'DenyInsecureConnections',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'DenyUnencryptedObjectUploads',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `${arn}/*`,
        Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': ['AES256', 'aws:kms'] } },
      },
      {
        Sid: 'DenyBackupsWithoutTheBackupKey',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `${arn}/*/*`,
        Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn(region) } },
      },
    ]);
  });

  it('writes the per-region keys in each region, and the legacy and regions keys only in the default region', () => {
    const parameters = ofType('aws:ssm/parameter:Parameter').map((p) => [
      p.inputs.region,
      p.inputs.name,
      p.inputs.type,
      p.inputs.value,
    ]);
    expect(parameters.sort()).toEqual(
      [
        [
          'ap-northeast-1',
          '/jenkins/dev/backup/ap-northeast-1/s3-bucket-name',
          'String',
          'jenkins-infra-ssm-backup-dev-123456789012-ap-northeast-1',
        ],
        [
          'us-west-2',
          '/jenkins/dev/backup/us-west-2/s3-bucket-name',
          'String',
          'jenkins-infra-ssm-backup-dev-123456789012-us-west-2',
        ],
        [
          'us-east-1',
          '/jenkins/dev/backup/us-east-1/s3-bucket-name',
          'String',
          'jenkins-infra-ssm-backup-dev-123456789012-us-east-1',
        ],
        [
          'ap-northeast-1',
          '/jenkins/dev/backup/s3-bucket-name',
          'String',
          'jenkins-infra-ssm-backup-dev-123456789012-ap-northeast-1',
        ],
        ['ap-northeast-1', '/jenkins/dev/backup/regions', 'StringList', 'ap-northeast-1,us-west-2,us-east-1'],
        ...THREE.map((r) => [r, `/jenkins/dev/backup/${r}/kms-key-arn`, 'String', keyArn(r)]),
      ].sort(),
    );
  });

  it("aliases only the default region's resources to the old names", async () => {
    for (const r of stack.regions) {
      const oldNames = (await aliasUrns(r.bucket)).filter((u) => u.endsWith('::ssm-backup-bucket'));
      expect(oldNames).toHaveLength(r.region === 'ap-northeast-1' ? 1 : 0);
    }
  });
});

describe('Stack: a default region that is not first, custom retention, KMS', () => {
  it('puts the legacy and regions keys in the default region and keeps the list order', async () => {
    const stack = await build({
      ...base,
      regions: ['us-west-2', 'ap-northeast-1'],
      defaultRegion: 'ap-northeast-1',
      retentionDays: 90,
      noncurrentRetentionDays: 14,
    });
    const legacy = ofType('aws:ssm/parameter:Parameter').find(
      (p) => p.inputs.name === '/jenkins/dev/backup/s3-bucket-name',
    )!;
    const list = ofType('aws:ssm/parameter:Parameter').find((p) => p.inputs.name === '/jenkins/dev/backup/regions')!;
    expect([legacy.inputs.region, legacy.inputs.value]).toEqual([
      'ap-northeast-1',
      'jenkins-infra-ssm-backup-dev-123456789012-ap-northeast-1',
    ]);
    expect([list.inputs.region, list.inputs.value]).toEqual(['ap-northeast-1', 'us-west-2,ap-northeast-1']);
    const oldBucket = (await aliasUrns(stack.regions.find((r) => r.region === 'ap-northeast-1')!.bucket)).filter((u) =>
      u.endsWith('::ssm-backup-bucket'),
    );
    expect(oldBucket).toHaveLength(1);
    expect(
      one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'us-west-2').inputs.rules[0],
    ).toMatchObject({ expiration: { days: 90 }, noncurrentVersionExpiration: { noncurrentDays: 14 } });
  });

  it('with createKmsKeys: false, encrypts with AES256, publishes no key and writes no key statement', async () => {
    const stack = await build({ ...base, regions: ['us-west-2'], createKmsKeys: false });
    expect(ofType('aws:kms/key:Key')).toHaveLength(0);
    expect(stack.regions[0]!.kmsKeyParameter).toBeUndefined();
    expect(
      one('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', 'us-west-2').inputs
        .rules[0].applyServerSideEncryptionByDefault,
    ).toEqual({ sseAlgorithm: 'AES256' });
    const policy = JSON.parse(one('aws:s3/bucketPolicy:BucketPolicy', 'us-west-2').inputs.policy);
    expect(policy.Statement.map((st: Loose) => st.Sid)).toEqual([
      'DenyInsecureConnections',
      'DenyUnencryptedObjectUploads',
    ]);
    for (const p of ofType('aws:iam/policy:Policy'))
      expect(
        JSON.parse(p.inputs.policy).Statement.filter((st: Loose) => /Backups(ByArn|ByAlias)$/.test(st.Sid)),
      ).toEqual([]);
  });

  it('uses existing keys by region: encrypts with them, publishes them, and names them in the policies', async () => {
    const key = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await build({ ...base, regions: ['us-west-2'], kmsKeyIds: { 'us-west-2': key } });
    expect(ofType('aws:kms/key:Key')).toHaveLength(0);
    expect(
      one('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', 'us-west-2').inputs
        .rules[0].applyServerSideEncryptionByDefault,
    ).toEqual({ sseAlgorithm: 'aws:kms', kmsMasterKeyId: key });
    const published = ofType('aws:ssm/parameter:Parameter').find((p) => p.inputs.name.endsWith('/kms-key-arn'))!;
    expect(published.inputs).toMatchObject({ name: '/jenkins/dev/backup/us-west-2/kms-key-arn', value: key });
    const backup = JSON.parse(
      ofType('aws:iam/policy:Policy').find((p) => p.inputs.name.endsWith('-backup'))!.inputs.policy,
    );
    expect(backup.Statement.find((st: Loose) => st.Sid === 'NeverDecryptBackupsByArn')).toEqual({
      Sid: 'NeverDecryptBackupsByArn',
      Effect: 'Deny',
      Action: ['kms:Decrypt'],
      Resource: [key],
    });
  });

  it('Object Lock: days and mode from config, or off', async () => {
    await build({ ...base, objectLockDays: 14, objectLockMode: 'COMPLIANCE' });
    expect(
      one('aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration', 'ap-northeast-1').inputs.rule,
    ).toEqual({
      defaultRetention: { mode: 'COMPLIANCE', days: 14 },
    });
    await build({ ...base, objectLockDays: 'off' });
    expect(ofType('aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration')).toHaveLength(0);
  });

  it("a role per trusted duty, holding only that duty's policy", async () => {
    const stack = await build({ ...base, roleTrust: { backup: ['arn:aws:iam::123456789012:role/jenkins-agent'] } });
    const roles = ofType('aws:iam/role:Role');
    expect(roles).toHaveLength(1);
    const role = roles[0]!;
    expect(role.inputs.name).toBe('jenkins-infra-ssm-backup-dev-backup');
    expect(JSON.parse(role.inputs.assumeRolePolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::123456789012:role/jenkins-agent'] },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const attachment = ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment');
    expect(attachment.map((a) => a.inputs)).toEqual([
      {
        role: 'jenkins-infra-ssm-backup-dev-backup',
        policyArn: `arn:aws:iam::${ACCOUNT}:policy/jenkins-infra-ssm-backup-dev-backup`,
      },
    ]);
    expect(stack.duties.restore.role).toBeUndefined();
  });
});

describe('Policies: the stack and `ssm-backup policy` print the same documents', () => {
  async function printed(...args: string[]): Promise<Loose> {
    const stdout = new PassThrough();
    const out: string[] = [];
    stdout.on('data', (d) => out.push(String(d)));
    const code = await main(['node', 'ssm-backup', 'policy', ...args], { stdout, stderr: new PassThrough() });
    expect(code).toBe(0);
    return JSON.parse(out.join(''));
  }

  it.each(DUTIES)("%s: the stack's policy is dutyPolicy of its scope, and the CLI prints it", async (duty) => {
    await build({ ...base, regions: THREE });
    const config = parseStackConfig({ ...base, regions: THREE });
    const stackPolicy = JSON.parse(
      ofType('aws:iam/policy:Policy').find((p) => p.inputs.name === `jenkins-infra-ssm-backup-dev-${duty}`)!.inputs
        .policy,
    );
    expect(stackPolicy).toEqual(dutyPolicy(duty, policyScope(config, ACCOUNT)));
    const cli = await printed('--duty', duty, '--env', 'dev', '--regions', THREE.join(','), '--account-id', ACCOUNT);
    expect(cli).toEqual(stackPolicy);
  });

  it('with existing keys too: --kms-key-arns gives the same document', async () => {
    const key = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await build({ ...base, regions: ['us-west-2'], kmsKeyIds: { 'us-west-2': key } });
    const stackPolicy = JSON.parse(
      ofType('aws:iam/policy:Policy').find((p) => p.inputs.name.endsWith('-restore'))!.inputs.policy,
    );
    const args = ['--duty', 'restore', '--env', 'dev', '--region', 'us-west-2', '--account-id', ACCOUNT];
    expect(await printed(...args, '--kms-key-arns', key)).toEqual(stackPolicy);
    // A different key is a different document: the comparison can fail.
    expect(await printed(...args)).not.toEqual(stackPolicy);
  });
});

describe('Freshness alarm: backups that stop, or never run, page someone', () => {
  beforeAll(async () => {
    await build({
      ...base,
      regions: ['ap-northeast-1', 'us-west-2'],
      alarmMaxAgeHours: 30,
      alarmSubscriptions: [
        { protocol: 'email', endpoint: 'platform-oncall@example.com' },
        { protocol: 'https', endpoint: 'https://pager.example.com/hook' },
      ],
    });
  });

  it.each(['ap-northeast-1', 'us-west-2'])('%s: hourly sums of BackupSucceeded, missing data breaching', (region) => {
    const alarm = one('aws:cloudwatch/metricAlarm:MetricAlarm', region).inputs;
    expect(alarm).toMatchObject({
      region,
      name: `jenkins-infra-ssm-backup-dev-${region}-no-backup`,
      namespace: 'SSMBackup',
      metricName: 'BackupSucceeded',
      dimensions: { Environment: 'dev', Region: region },
      statistic: 'Sum',
      period: 3600,
      evaluationPeriods: 30,
      datapointsToAlarm: 30,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
    const topic = `arn:aws:sns:${region}:${ACCOUNT}:jenkins-infra-ssm-backup-dev-${region}-alarms`;
    expect(one('aws:sns/topic:Topic', region).inputs.name).toBe(`jenkins-infra-ssm-backup-dev-${region}-alarms`);
    expect(alarm.alarmActions).toEqual([topic]);
    expect(alarm.okActions).toEqual([topic]);
    const subscriptions = ofType('aws:sns/topicSubscription:TopicSubscription').filter(
      (s) => s.inputs.region === region,
    );
    expect(subscriptions.map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic])).toEqual([
      ['email', 'platform-oncall@example.com', topic],
      ['https', 'https://pager.example.com/hook', topic],
    ]);
  });

  it('the runner publishes into exactly what the alarm watches (one contract)', () => {
    const alarm = one('aws:cloudwatch/metricAlarm:MetricAlarm', 'us-west-2').inputs;
    const policy = JSON.parse(
      ofType('aws:iam/policy:Policy').find((p) => p.inputs.name.endsWith('-backup'))!.inputs.policy,
    ) as { Statement: { Sid: string; Condition?: Record<string, Record<string, string>> }[] };
    const publish = policy.Statement.find((s) => s.Sid === 'PublishBackupMetrics');
    expect(publish?.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': alarm.namespace } });
  });

  it.each<[RawStackConfig, RegExp]>([
    [{ ...base, alarmMaxAgeHours: 1 }, /alarmMaxAgeHours must be a whole number of hours from 2 to 168/],
    [{ ...base, alarmMaxAgeHours: 200 }, /from 2 to 168/],
    [{ ...base, alarmSubscriptions: [{ protocol: 'pigeon', endpoint: 'x' }] }, /protocol must be one of email/],
    [{ ...base, alarmSubscriptions: [{ protocol: 'email' }] }, /alarmSubscriptions\[0\]: endpoint is required/],
    [{ ...base, alarmSubscriptions: 'ops@example.com' }, /must be a list/],
  ])('refuses %p', (raw, message) => {
    expect(() => parseStackConfig(raw)).toThrow(message);
  });
});

describe('Function: keyPolicyDocument in other partitions', () => {
  it.each([
    ['cn-north-1', 'arn:aws-cn:iam::123456789012:root', 's3.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'arn:aws-us-gov:iam::123456789012:root', 's3.us-gov-west-1.amazonaws.com'],
  ])('in %s the root principal is %s and decryption goes only through %s', (region, root, host) => {
    const [enable, deny] = keyPolicyDocument('123456789012', region).Statement;
    expect(enable?.Principal).toEqual({ AWS: root });
    expect(deny?.Condition).toEqual({ StringNotEquals: { 'kms:ViaService': host } });
  });
});

describe('Function: parseStackConfig', () => {
  it('defaults: first region is the default, 30/7 days, a KMS key per region, governance lock for 30 days', () => {
    expect(parseStackConfig({ ...base, regions: ['us-west-2', 'us-east-1'] })).toEqual({
      projectName: 'jenkins-infra',
      environment: 'dev',
      regions: ['us-west-2', 'us-east-1'],
      defaultRegion: 'us-west-2',
      retention: { currentDays: 30, noncurrentDays: 7 },
      kms: { kind: 'create' },
      objectLock: { mode: 'GOVERNANCE', days: 30 },
      roleTrust: {},
      alarm: { maxAgeHours: 26, subscriptions: [] },
    });
  });

  it.each<[string, RawStackConfig, RegExp]>([
    ['missing projectName', { ...base, projectName: undefined }, /projectName is required/],
    ['missing environment', { ...base, environment: undefined }, /environment is required/],
    ['no regions', { ...base, regions: undefined }, /regions must be a list of at least one region/],
    ['empty regions', { ...base, regions: [] }, /regions must be a list of at least one region/],
    ['duplicate region', { ...base, regions: ['us-west-2', 'us-west-2'] }, /us-west-2 is listed twice/],
    ['malformed region', { ...base, regions: ['us-west-2', 'Tokyo'] }, /'Tokyo' is not an AWS region name/],
    ['two partitions', { ...base, regions: ['us-west-2', 'cn-north-1'] }, /span the partitions aws, aws-cn/],
    [
      'unknown default',
      { ...base, regions: ['us-west-2'], defaultRegion: 'eu-west-1' },
      /defaultRegion eu-west-1 is not one of regions \(us-west-2\)/,
    ],
    ['bad retention', { ...base, retentionDays: 0 }, /retentionDays must be a whole number of days/],
    ['upper-case project', { ...base, projectName: 'Jenkins' }, /projectName 'Jenkins'/],
    [
      'KMS key missing for a region',
      {
        ...base,
        regions: ['us-west-2', 'us-east-1'],
        kmsKeyIds: { 'us-west-2': 'arn:aws:kms:us-west-2:123456789012:key/k' },
      },
      /kmsKeyIds has no key for us-east-1/,
    ],
    ['both KMS options', { ...base, createKmsKeys: true, kmsKeyIds: {} }, /either createKmsKeys or kmsKeyIds/],
    [
      'an alias for an existing key',
      { ...base, regions: ['us-west-2'], kmsKeyIds: { 'us-west-2': 'alias/backup' } },
      /must be the ARN of a key in us-west-2 \(not an alias\)/,
    ],
    [
      "another region's key",
      { ...base, regions: ['us-west-2'], kmsKeyIds: { 'us-west-2': 'arn:aws:kms:us-east-1:123456789012:key/abc' } },
      /must be the ARN of a key in us-west-2/,
    ],
    [
      'a lock longer than the lifecycle keeps versions',
      { ...base, objectLockDays: 38 },
      /objectLockDays 38 is longer than retentionDays \+ noncurrentRetentionDays \(37\)/,
    ],
    ['a lock of no days', { ...base, objectLockDays: 0 }, /objectLockDays must be a whole number/],
    ['an unknown lock mode', { ...base, objectLockMode: 'LEGAL' }, /objectLockMode 'LEGAL'/],
    [
      'an unknown duty to trust',
      { ...base, roleTrust: { admin: ['arn:aws:iam::123456789012:root'] } },
      /'admin' is not a duty/,
    ],
    ['a trust that is not an ARN', { ...base, roleTrust: { backup: ['jenkins'] } }, /roleTrust.backup must be a list/],
  ])('%s fails with its message', (_label, raw, message) => {
    expect(() => parseStackConfig(raw)).toThrow(StackConfigError);
    expect(() => parseStackConfig(raw)).toThrow(message);
  });
});

describe('Program: index.ts with the stack configuration', () => {
  it('reads the config keys of Pulumi.<stack>.yaml and exports a bucket per region', async () => {
    pulumi.runtime.setAllConfig({
      'jenkins-ssm-backup-s3:projectName': 'jenkins-infra',
      'jenkins-ssm-backup-s3:environment': 'prod',
      'jenkins-ssm-backup-s3:regions': JSON.stringify(THREE),
      'jenkins-ssm-backup-s3:defaultRegion': 'ap-northeast-1',
    });
    created.length = 0;
    let program: () => Promise<Record<string, Loose>> = async () => ({});
    jest.isolateModules(() => {
      program = require('../../pulumi/index');
    });
    const outputs = await program();
    const buckets = await outputValue(pulumi.output(outputs.buckets));
    expect(Object.keys(buckets)).toEqual(THREE);
    expect(buckets['us-west-2']).toEqual({
      name: 'jenkins-infra-ssm-backup-prod-123456789012-us-west-2',
      arn: 'arn:aws:s3:::jenkins-infra-ssm-backup-prod-123456789012-us-west-2',
      kmsKeyArn: keyArn('us-west-2'),
    });
    expect(await outputValue(pulumi.output(outputs.dutyPolicies))).toEqual(
      Object.fromEntries(
        DUTIES.map((d) => [d, { policyArn: `arn:aws:iam::${ACCOUNT}:policy/jenkins-infra-ssm-backup-prod-${d}` }]),
      ),
    );
    expect(await outputValue(pulumi.output(outputs.bucketNameOutput))).toBe(
      'jenkins-infra-ssm-backup-prod-123456789012-ap-northeast-1',
    );
    expect(await outputValue(pulumi.output(outputs.ssmBackupBucketParameter))).toBe(
      '/jenkins/prod/backup/s3-bucket-name',
    );
  });

  it('refuses a bad configuration before declaring anything', () => {
    pulumi.runtime.setAllConfig({
      'jenkins-ssm-backup-s3:projectName': 'jenkins-infra',
      'jenkins-ssm-backup-s3:environment': 'prod',
      'jenkins-ssm-backup-s3:regions': '[]',
    });
    created.length = 0;
    expect(() => jest.isolateModules(() => require('../../pulumi/index'))).toThrow(
      /regions must be a list of at least one region/,
    );
    expect(created).toHaveLength(0);
  });
});
