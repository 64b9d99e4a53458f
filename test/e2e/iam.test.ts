import { readFileSync } from 'node:fs';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ACCOUNT_ID, deployStack, putParameters, realisticParameters } from '../../scripts/lib/world';
import type { Duty, PolicyDocument } from '../../src/policy/duties';
import { leakedSecrets, motoFile } from './support';

/**
 * The three duties on moto with IAM enforcement, each an IAM user holding exactly the policy that
 * `ssm-backup policy` prints (attached as a managed policy, as the README says), running the real CLI.
 *
 * What moto 5.2 enforces, found here and in its source (moto/iam/access_control.py):
 * - S3 actions against bucket and object ARNs: honoured, Deny statements included. HeadBucket is
 *   checked as `s3:HeadBucket` (AWS: s3:ListBucket), HeadObject as s3:GetObject.
 * - SSM actions: checked against the resource `*`, so a statement scoped to parameter ARNs never
 *   matches. Each user therefore also gets the SSM actions of its printed policy on `*` (the shim
 *   below); the ARN scoping is checked by the unit and Pulumi tests, not here.
 * - Conditions in identity policies are not evaluated (an Allow with a condition applies as if it
 *   had none); KMS is never asked by moto's S3 or SSM, so key statements are not enforced here.
 * - STS GetCallerIdentity is always allowed.
 * Enforcement starts after set-up through moto's own switch: POST /moto-api/reset-auth sets
 * INITIAL_NO_AUTH_ACTION_COUNT (here to 0: every request from then on is checked).
 */
jest.setTimeout(120_000);

const REGIONS = ['ap-northeast-1', 'us-west-2'];
const REGION = 'us-west-2';
let buckets: Record<string, string>;
let kmsKeys: Record<string, string>;
const keys: Partial<Record<Duty | 'admin', { id: string; secret: string }>> = {};
const printed: Partial<Record<Duty, PolicyDocument>> = {};
const e2e = motoFile();
const { session, secrets } = e2e;

const asUser = (who: Duty | 'admin') => ({
  AWS_ACCESS_KEY_ID: keys[who]!.id,
  AWS_SECRET_ACCESS_KEY: keys[who]!.secret,
});
const credentials = (who: Duty | 'admin') => ({ accessKeyId: keys[who]!.id, secretAccessKey: keys[who]!.secret });
const ssmAs = (who: Duty | 'admin') =>
  new SSMClient({ region: REGION, endpoint: e2e.endpoint, credentials: credentials(who), maxAttempts: 1 });
const s3As = (who: Duty | 'admin') =>
  new S3Client({
    region: REGION,
    endpoint: e2e.endpoint,
    credentials: credentials(who),
    forcePathStyle: true,
    maxAttempts: 1,
  });

/** What moto needs besides the printed policy, because it names resources and actions its own way. */
function motoShim(policy: PolicyDocument): PolicyDocument {
  const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);
  const ssm = [...new Set(allowed.filter((a) => a.startsWith('ssm:')))];
  const headBucket = allowed.includes('s3:ListBucket') ? ['s3:HeadBucket'] : [];
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'MotoChecksSsmOnStarAndNamesHeadBucket', Effect: 'Allow', Action: [...ssm, ...headBucket], Resource: '*' },
    ],
  };
}

async function deniedCode(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'allowed';
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.$metadata?.httpStatusCode === 403 ? 'denied' : `failed: ${e.name}`;
  }
}

beforeAll(async () => {
  ({ buckets, kmsKeys } = await deployStack(e2e.endpoint, { env: 'dev', regions: REGIONS, kms: true }));
  for (const region of REGIONS) {
    const set = realisticParameters('dev', region, 12);
    await putParameters(e2e.endpoint, region, set);
    e2e.remember(set);
  }
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: e2e.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const user = async (name: Duty | 'admin', attach: (userName: string) => Promise<void>) => {
    const userName = `ssm-backup-${name}`;
    await iam.send(new CreateUserCommand({ UserName: userName }));
    await attach(userName);
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    keys[name] = { id: AccessKey!.AccessKeyId!, secret: AccessKey!.SecretAccessKey! };
  };
  await user('admin', (userName) =>
    iam
      .send(
        new PutUserPolicyCommand({
          UserName: userName,
          PolicyName: 'admin',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
          }),
        }),
      )
      .then(() => undefined),
  );
  for (const duty of ['backup', 'restore', 'audit'] as const) {
    const result = await session.run([
      'policy',
      '--duty',
      duty,
      '--env',
      'dev',
      '--regions',
      REGIONS.join(','),
      '--account-id',
      ACCOUNT_ID,
      '--kms-key-arns',
      REGIONS.map((r) => kmsKeys[r]).join(','),
    ]);
    expect(result.code).toBe(0);
    printed[duty] = JSON.parse(result.stdout);
    await user(duty, async (userName) => {
      const { Policy } = await iam.send(
        new CreatePolicyCommand({ PolicyName: `ssm-backup-dev-${duty}`, PolicyDocument: result.stdout }),
      );
      await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: Policy!.Arn! }));
      await iam.send(
        new PutUserPolicyCommand({
          UserName: userName,
          PolicyName: 'moto-shim',
          PolicyDocument: JSON.stringify(motoShim(printed[duty]!)),
        }),
      );
    });
  }
  // From here on moto checks every request against the caller's IAM policies.
  const switched = await fetch(`${e2e.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  expect(switched.ok).toBe(true);
});

describe('IAM duties on moto with enforcement (built CLI, users holding the printed policies)', () => {
  let backupKey: string;

  it('enforcement is on: the default test credentials are refused', async () => {
    const result = await session.run(['list', '--env', 'dev', '--region', REGION]);
    expect(result.code).not.toBe(0);
  });

  it('backup succeeds with the backup policy alone, encrypting with the published key, checked from PutObject', async () => {
    const summaryFile = session.summaryPath('backup');
    const result = await session.run(
      ['backup', '--env', 'dev', '--with-tags', '--summary-file', summaryFile],
      asUser('backup'),
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    for (const region of REGIONS) {
      const r = summary.regions.find((x: { region: string }) => x.region === region);
      expect(r).toMatchObject({
        status: 'ok',
        latest: 'moved',
        encryption: { kind: 'aws:kms', keyId: kmsKeys[region], source: 'stack' },
      });
      // The upload was checked without reading it back.
      expect(r.api.calls.HeadObject).toBeUndefined();
      expect(r.api.calls.GetObject).toBe(1); // latest.txt, before moving it forward
    }
    backupKey = summary.regions.find((x: { region: string }) => x.region === REGION).key;
    const stored = await s3As('admin').send(new GetObjectCommand({ Bucket: buckets[REGION], Key: backupKey }));
    expect(stored.ServerSideEncryption).toBe('aws:kms');
    expect(stored.SSEKMSKeyId).toBe(kmsKeys[REGION]);
    await stored.Body!.transformToString();
    const latest = await s3As('admin').send(new GetObjectCommand({ Bucket: buckets[REGION], Key: 'latest.txt' }));
    expect(latest.ServerSideEncryption).toBe('AES256');
    expect((await latest.Body!.transformToString()).trim()).toBe(backupKey);
  });

  it('the backup user can neither read, delete nor restore a backup, nor write a parameter', async () => {
    expect(
      await deniedCode(() => s3As('backup').send(new GetObjectCommand({ Bucket: buckets[REGION], Key: backupKey }))),
    ).toBe('denied');
    expect(
      await deniedCode(() => s3As('backup').send(new DeleteObjectCommand({ Bucket: buckets[REGION], Key: backupKey }))),
    ).toBe('denied');
    expect(
      await deniedCode(() =>
        s3As('backup').send(new DeleteObjectCommand({ Bucket: buckets[REGION], Key: 'latest.txt' })),
      ),
    ).toBe('denied');
    const put = await deniedCode(() =>
      ssmAs('backup').send(
        new PutParameterCommand({ Name: '/app/dev/x', Value: 'x', Type: 'String', Overwrite: true }),
      ),
    );
    expect(put).not.toBe('allowed');
    const restore = await session.run(
      ['restore', '--env', 'dev', '--region', REGION, '--apply', '--overwrite'],
      asUser('backup'),
    );
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/AccessDenied/);
    const verify = await session.run(['verify', '--env', 'dev', '--region', REGION], asUser('backup'));
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/AccessDenied/);
  });

  it('restore round trip succeeds with the restore policy alone', async () => {
    const admin = ssmAs('admin');
    const name = `/jenkins/dev/${REGION}/param-00000`;
    const before = await admin.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    await admin.send(new PutParameterCommand({ Name: name, Value: 'changed', Type: 'SecureString', Overwrite: true }));
    const result = await session.run(
      ['restore', '--env', 'dev', '--region', REGION, '--apply', '--overwrite'],
      asUser('restore'),
    );
    expect(result.code).toBe(0);
    const after = await admin.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    expect(after.Parameter!.Value).toBe(before.Parameter!.Value);
    // Restoring is not backing up: the restore user has no PutObject.
    const backup = await session.run(['backup', '--env', 'dev', '--region', REGION], asUser('restore'));
    expect(backup.code).toBe(1);
    expect(backup.stderr).toMatch(/AccessDenied/);
  });

  it('list and verify --metadata-only --max-age work with the audit policy alone; writes are denied', async () => {
    const list = await session.run(['list', '--env', 'dev', '--region', REGION], asUser('audit'));
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(backupKey);
    const verify = await session.run(
      ['verify', '--env', 'dev', '--region', REGION, '--metadata-only', '--max-age', '1h', '--json'],
      asUser('audit'),
    );
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      verdict: 'ok',
      mode: 'metadata',
      origin: `s3://${buckets[REGION]}/${backupKey}`,
      encryption: { kind: 'aws:kms', keyId: kmsKeys[REGION] },
      age: { newestKey: backupKey },
    });
    const put = await deniedCode(() =>
      ssmAs('audit').send(new PutParameterCommand({ Name: '/app/dev/x', Value: 'x', Type: 'String', Overwrite: true })),
    );
    expect(put).not.toBe('allowed');
    expect(
      await deniedCode(() => s3As('audit').send(new DeleteObjectCommand({ Bucket: buckets[REGION], Key: backupKey }))),
    ).toBe('denied');
    const backup = await session.run(['backup', '--env', 'dev', '--region', REGION], asUser('audit'));
    expect(backup.code).not.toBe(0);
  });

  it('never prints or writes a seeded value', () => {
    expect(secrets.size).toBeGreaterThan(5);
    expect(leakedSecrets(session.everythingWritten(), secrets)).toEqual([]);
  });
});
