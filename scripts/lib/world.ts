import { randomBytes } from 'node:crypto';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  type PutParameterCommandInput,
  paginateDescribeParameters,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { MiddlewareStack } from '@smithy/types';
import PQueue from 'p-queue';
import { backupBucketName, ssmKeys } from '../../src/contract';

/** Local AWS for tests, the demo and the benchmark: moto, laid out as the Pulumi stack lays out AWS. */
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const ACCOUNT_ID = '123456789012';

export function localEnv(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'ap-northeast-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/**
 * moto keeps each account's state apart; `x-moto-account-id` picks the account a request acts in
 * (the default is ACCOUNT_ID), so a test can lay out several accounts with the test credentials.
 */
function inAccount<C extends { middlewareStack: unknown }>(client: C, account?: string): C {
  if (account && account !== ACCOUNT_ID)
    (client.middlewareStack as MiddlewareStack<object, object>).add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers['x-moto-account-id'] = account;
        return next(args);
      },
      { step: 'build', name: 'motoAccount' },
    );
  return client;
}

export function ssmClient(endpoint: string, region: string, account?: string): SSMClient {
  return inAccount(new SSMClient({ region, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 10 }), account);
}

export function s3Client(endpoint: string, region: string, account?: string): S3Client {
  return inAccount(
    new S3Client({ region, endpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true, maxAttempts: 10 }),
    account,
  );
}

function kmsClient(endpoint: string, region: string, account?: string): KMSClient {
  return inAccount(new KMSClient({ region, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 10 }), account);
}

export function bucketName(project: string, env: string, region: string, account = ACCOUNT_ID): string {
  return backupBucketName({ projectName: project, env, accountId: account, region });
}

/**
 * What `pulumi up` leaves behind: a bucket per region with default encryption, the per-region key,
 * and in the home region the legacy key and the regions list. With `kms`, as the stack does by
 * default: a KMS key per region as the bucket's default encryption, its ARN published, versioning
 * and Object Lock (governance). (The deny-unencrypted bucket policy is left out: moto ignores its
 * condition and would deny every upload; the Pulumi tests check it.)
 */
export async function deployStack(
  endpoint: string,
  args: {
    project?: string;
    env: string;
    regions: string[];
    homeRegion?: string;
    regionsKey?: boolean;
    kms?: boolean;
    /** The account to lay it out in (moto keeps accounts apart); default ACCOUNT_ID. */
    account?: string;
  },
) {
  const account = args.account;
  const project = args.project ?? 'jenkins-infra';
  const home = args.homeRegion ?? args.regions[0];
  const buckets: Record<string, string> = {};
  const kmsKeys: Record<string, string> = {};
  for (const region of args.regions) {
    const bucket = bucketName(project, args.env, region, account);
    buckets[region] = bucket;
    const s3 = s3Client(endpoint, region, account);
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
    let keyArn: string | undefined;
    if (args.kms) {
      const created = await kmsClient(endpoint, region, account).send(
        new CreateKeyCommand({ Description: `SSM backup objects, ${args.env}, ${region}` }),
      );
      keyArn = created.KeyMetadata?.Arn ?? '';
      kmsKeys[region] = keyArn;
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      await s3.send(
        new PutObjectLockConfigurationCommand({
          Bucket: bucket,
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
          },
        }),
      );
      await ssmClient(endpoint, region, account).send(
        new PutParameterCommand({ Name: ssmKeys.regionKmsKey(args.env, region), Type: 'String', Value: keyArn }),
      );
    }
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: keyArn
                ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }
                : { SSEAlgorithm: 'AES256' },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
    await ssmClient(endpoint, region, account).send(
      new PutParameterCommand({
        Name: ssmKeys.regionBucket(args.env, region),
        Type: 'String',
        Value: bucket,
        Overwrite: true,
      }),
    );
  }
  const homeSsm = ssmClient(endpoint, home, account);
  await homeSsm.send(
    new PutParameterCommand({
      Name: ssmKeys.legacyBucket(args.env),
      Type: 'String',
      Value: buckets[home],
      Overwrite: true,
    }),
  );
  if (args.regionsKey !== false) {
    await homeSsm.send(
      new PutParameterCommand({
        Name: ssmKeys.regions(args.env),
        Type: 'StringList',
        Value: args.regions.join(','),
        Overwrite: true,
      }),
    );
  }
  return { buckets, home, kmsKeys };
}

export type SeedParameter = PutParameterCommandInput & {
  Name: string;
  Value: string;
  Type: 'String' | 'StringList' | 'SecureString';
};

/** A recognisable secret: a leak search looks for it anywhere in output. */
export function secretValue(label: string): string {
  return `SECRET-${label}-${randomBytes(6).toString('hex')}`;
}

/** A realistic mix for an environment: every type, descriptions, an Advanced value over 4 KB. */
export function realisticParameters(env: string, region: string, count: number): SeedParameter[] {
  const out: SeedParameter[] = [];
  const services = ['jenkins', 'app', 'db', 'cache', 'queue'];
  for (let i = 0; i < count; i++) {
    const service = services[i % services.length];
    const name = `/${service}/${env}/${region}/param-${String(i).padStart(5, '0')}`;
    const kind = i % 5;
    if (kind === 0)
      out.push({ Name: name, Type: 'SecureString', Value: secretValue(`${env}-${i}`), Description: `secret ${i}` });
    else if (kind === 1) out.push({ Name: name, Type: 'StringList', Value: `a${i},b${i},c ${i}` });
    else if (kind === 2)
      out.push({ Name: name, Type: 'String', Value: secretValue(`plain-${i}`), Description: `setting ${i}` });
    else out.push({ Name: name, Type: 'String', Value: `value-${i}` });
  }
  if (count > 0) {
    out.push({
      Name: `/jenkins/${env}/${region}/big-advanced`,
      Type: 'SecureString',
      Tier: 'Advanced',
      Value: `${secretValue('big')}${'x'.repeat(6000)}`,
      Description: 'over 4 KB',
    });
  }
  return out;
}

export async function putParameters(
  endpoint: string,
  region: string,
  parameters: SeedParameter[],
  concurrency = 8,
  account?: string,
): Promise<void> {
  const ssm = ssmClient(endpoint, region, account);
  const queue = new PQueue({ concurrency });
  await Promise.all(
    parameters.map((p) =>
      queue.add(() => ssm.send(new PutParameterCommand({ Overwrite: p.Tags ? undefined : true, ...p }))),
    ),
  );
}

export interface LiveParameter {
  Name: string;
  Type: string;
  Value: string;
  Description?: string;
  Tier?: string;
  Tags: { Key: string; Value: string }[];
}

/** Everything of an environment in a region as SSM holds it now, straight from the SDK (no runner code). */
export async function snapshot(endpoint: string, region: string, env: string): Promise<Map<string, LiveParameter>> {
  const ssm = ssmClient(endpoint, region);
  const out = new Map<string, LiveParameter>();
  const metas: { Name: string; Description?: string; Tier?: string }[] = [];
  for await (const page of paginateDescribeParameters({ client: ssm }, {})) {
    for (const m of page.Parameters ?? [])
      if (m.Name?.includes(`/${env}/`)) metas.push({ Name: m.Name, Description: m.Description, Tier: m.Tier });
  }
  for (let i = 0; i < metas.length; i += 10) {
    const batch = metas.slice(i, i + 10);
    const got = await ssm.send(new GetParametersCommand({ Names: batch.map((m) => m.Name), WithDecryption: true }));
    for (const p of got.Parameters ?? []) {
      const name = p.Name ?? '';
      const meta = batch.find((m) => m.Name === name);
      const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
      out.set(name, {
        Name: name,
        Type: p.Type ?? '',
        Value: p.Value ?? '',
        Description: meta?.Description || undefined,
        Tier: meta?.Tier,
        Tags: (tags.TagList ?? [])
          .map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }))
          .sort((a, b) => (a.Key < b.Key ? -1 : 1)),
      });
    }
  }
  return out;
}
