import { readFileSync } from 'node:fs';
import { CloudWatchClient, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { deployStack, putParameters, realisticParameters, ssmClient, TEST_CREDENTIALS } from '../../scripts/lib/world';
import { backupMetrics, ssmKeys } from '../../src/contract';
import { motoFile } from './support';

/**
 * The freshness alarm's input (issue #22): a good backup leaves its metrics in CloudWatch (moto), per
 * environment and region; a failed one leaves none.
 */
jest.setTimeout(120_000);

const REGION = 'us-west-2';
const e2e = motoFile({ AWS_REGION: REGION });
const { session } = e2e;
const cloudwatch = () =>
  new CloudWatchClient({ region: REGION, endpoint: e2e.endpoint, credentials: TEST_CREDENTIALS });

async function metricsOf(env: string): Promise<string[]> {
  const out = await cloudwatch().send(
    new ListMetricsCommand({ Namespace: backupMetrics.namespace, Dimensions: [{ Name: 'Environment', Value: env }] }),
  );
  return (out.Metrics ?? []).map((m) => m.MetricName ?? '').sort();
}

async function sum(env: string, name: string): Promise<number | undefined> {
  const out = await cloudwatch().send(
    new GetMetricStatisticsCommand({
      Namespace: backupMetrics.namespace,
      MetricName: name,
      Dimensions: backupMetrics.dimensions(env, REGION).map((d) => ({ ...d })),
      StartTime: new Date(Date.now() - 3_600_000),
      EndTime: new Date(Date.now() + 60_000),
      Period: 3600,
      Statistics: ['Sum'],
    }),
  );
  return out.Datapoints?.[0]?.Sum;
}

beforeAll(async () => {
  for (const env of ['dev', 'broken']) await deployStack(e2e.endpoint, { env, regions: [REGION] });
  const seeded = [...realisticParameters('dev', REGION, 23), ...realisticParameters('broken', REGION, 4)];
  await putParameters(e2e.endpoint, REGION, seeded);
  e2e.remember(seeded);
});

it('a good backup publishes success, parameter count, duration and throttled calls for its environment and region', async () => {
  const summaryFile = session.summaryPath('dev');
  const result = await session.run(['--env', 'dev', '--region', REGION, '--summary-file', summaryFile]);
  expect(result.code).toBe(0);
  const region = JSON.parse(readFileSync(summaryFile, 'utf8')).regions[0];
  expect(region.metrics).toEqual({ status: 'published' });
  expect(await metricsOf('dev')).toEqual(['BackupSucceeded', 'DurationSeconds', 'ParameterCount', 'ThrottledCalls']);
  expect(await sum('dev', backupMetrics.succeeded)).toBe(1);
  expect(await sum('dev', backupMetrics.parameterCount)).toBe(region.parameterCount);
  expect(await sum('dev', backupMetrics.throttledCalls)).toBe(0);
});

it('a failed backup (its bucket key names no bucket) and a dry run publish nothing', async () => {
  await ssmClient(e2e.endpoint, REGION).send(
    new PutParameterCommand({
      Name: ssmKeys.regionBucket('broken', REGION),
      Type: 'String',
      Value: 'jenkins-infra-ssm-backup-broken-123456789012-us-west-2-gone',
      Overwrite: true,
    }),
  );
  const failed = await session.run(['--env', 'broken', '--region', REGION]);
  expect(failed.code).not.toBe(0);
  expect((await session.run(['--env', 'dev', '--region', REGION, '--dry-run'])).code).toBe(0);
  expect(await metricsOf('broken')).toEqual([]);
  // Still the one success from the backup above, not two.
  expect(await sum('dev', backupMetrics.succeeded)).toBe(1);
});
