import { readFileSync } from 'node:fs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  deployStack,
  putParameters,
  realisticParameters,
  type SeedParameter,
  ssmClient,
} from '../../scripts/lib/world';
import { motoFile, readObject } from './support';

/**
 * Several accounts, each backed up under its own role (issue #21): moto answers AssumeRole with
 * credentials of the role ARN's account and keeps each account's SSM and S3 apart. The runner is
 * given only its base credentials and --role-arn.
 */
jest.setTimeout(180_000);

const REGIONS = ['ap-northeast-1', 'us-west-2'];
const TARGETS = [
  { env: 'dev', account: '111111111111' },
  { env: 'staging', account: '222222222222' },
  { env: 'prod', account: '333333333333' },
];
const role = (account: string, env: string) => `arn:aws:iam::${account}:role/jenkins-infra-ssm-backup-${env}-backup`;
const buckets = new Map<string, Record<string, string>>();
const seeded = new Map<string, SeedParameter[]>();
const e2e = motoFile({ AWS_REGION: REGIONS[0]! });
const { session } = e2e;

beforeAll(async () => {
  for (const { env, account } of TARGETS) {
    const deployed = await deployStack(e2e.endpoint, { env, regions: REGIONS, account });
    buckets.set(account, deployed.buckets);
    for (const region of REGIONS) {
      const set = realisticParameters(env, region, 6);
      await putParameters(e2e.endpoint, region, set, 8, account);
      seeded.set(`${account} ${region}`, set);
      e2e.remember(set);
    }
  }
});

it.each(TARGETS)(
  '$env in account $account: its own role, its own buckets, its own parameters only',
  async ({ env, account }) => {
    const summaryFile = session.summaryPath(`accounts-${env}`);
    const result = await session.run([
      '--env',
      env,
      '--role-arn',
      role(account, env),
      '--account-id',
      account,
      '--summary-file',
      summaryFile,
    ]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary.identity).toEqual({ roleArn: role(account, env), sessionName: `ssm-backup-${env}-cli`, account });
    expect(summary.accountId).toBe(account);
    expect(JSON.stringify(summary)).not.toMatch(/SecretAccessKey|SessionToken|secretAccessKey|sessionToken/);
    for (const [i, region] of REGIONS.entries()) {
      const r = summary.regions[i];
      expect(r).toMatchObject({ status: 'ok', region, bucket: buckets.get(account)![region] });
      const doc = JSON.parse(await readObject(e2e.endpoint, region, r.bucket, r.key, account));
      expect(doc.account_id).toBe(account);
      const names = doc.parameters.map((p: { Name: string }) => p.Name).filter((n: string) => !n.includes('/backup/'));
      expect(names.sort()).toEqual(
        seeded
          .get(`${account} ${region}`)!
          .map((p) => p.Name)
          .sort(),
      );
    }
  },
);

it("a role in another account than the target's fails alone, before anything is listed (exit 2)", async () => {
  const result = await session.run([
    '--env',
    'dev',
    '--role-arn',
    role('222222222222', 'dev'),
    '--account-id',
    '111111111111',
  ]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/credentials are in account 222222222222 .* not the target's 111111111111/);
  // The next target still backs up.
  const next = await session.run([
    '--env',
    'prod',
    '--role-arn',
    role('333333333333', 'prod'),
    '--account-id',
    '333333333333',
  ]);
  expect(next.code).toBe(0);
});

it('a target whose region fails (no bucket there) fails alone; the next target backs up all its regions', async () => {
  const failed = await session.run([
    '--env',
    'staging',
    '--regions',
    `${REGIONS[1]},eu-west-1`,
    '--role-arn',
    role('222222222222', 'staging'),
    '--account-id',
    '222222222222',
  ]);
  expect(failed.code).toBe(2);
  expect(failed.stderr).toMatch(/no backup bucket configured for eu-west-1/);
  const next = await session.run([
    '--env',
    'dev',
    '--role-arn',
    role('111111111111', 'dev'),
    '--account-id',
    '111111111111',
  ]);
  expect(next.code).toBe(0);
  expect(next.stderr).toMatch(/done: dev: ok/);
});

it("a bucket key naming another account's bucket is refused before any write (exit 2)", async () => {
  const key = '/jenkins/staging/backup/us-west-2/s3-bucket-name';
  const ssm = ssmClient(e2e.endpoint, 'us-west-2', '222222222222');
  // staging's key in account 222 now names account 333's bucket (a same-named bucket elsewhere).
  const foreign = buckets.get('333333333333')!['us-west-2']!.replace('-prod-', '-staging-');
  await ssm.send(new PutParameterCommand({ Name: key, Type: 'String', Value: foreign, Overwrite: true }));
  try {
    const result = await session.run([
      '--env',
      'staging',
      '--region',
      'us-west-2',
      '--role-arn',
      role('222222222222', 'staging'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /a bucket of account 333333333333, not 222222222222: refusing to use another account's bucket/,
    );
  } finally {
    await ssm.send(
      new PutParameterCommand({
        Name: key,
        Type: 'String',
        Value: buckets.get('222222222222')!['us-west-2']!,
        Overwrite: true,
      }),
    );
  }
});
