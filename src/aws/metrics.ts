import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { backupMetrics } from '../contract';
import { errorCodeOf } from './errorKinds';
import { lazySdk } from './sdk';

/** What a good backup of one region tells CloudWatch. */
export interface BackupMetrics {
  env: string;
  region: string;
  parameterCount: number;
  durationMs: number;
  throttledCalls: number;
}

/** Whether the metrics were published; a failure carries the service's code (never its message). */
export type MetricsOutcome = { status: 'published' } | { status: 'failed'; code: string };

/**
 * One PutMetricData call with the region's figures. A failure is returned, not thrown: the backup it
 * describes is good whatever CloudWatch says, and the freshness alarm (missing data breaching) is what
 * notices metrics that keep failing.
 */
export async function publishBackupMetrics(cloudwatch: CloudWatchClient, m: BackupMetrics): Promise<MetricsOutcome> {
  const { PutMetricDataCommand } = lazySdk.cloudwatch();
  const Dimensions = backupMetrics.dimensions(m.env, m.region).map((d) => ({ ...d }));
  const metric = (MetricName: string, Value: number, Unit: 'Count' | 'Seconds') => ({
    MetricName,
    Value,
    Unit,
    Dimensions,
  });
  try {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: backupMetrics.namespace,
        MetricData: [
          metric(backupMetrics.succeeded, 1, 'Count'),
          metric(backupMetrics.parameterCount, m.parameterCount, 'Count'),
          metric(backupMetrics.durationSeconds, m.durationMs / 1000, 'Seconds'),
          metric(backupMetrics.throttledCalls, m.throttledCalls, 'Count'),
        ],
      }),
    );
    return { status: 'published' };
  } catch (error) {
    return { status: 'failed', code: errorCodeOf(error) };
  }
}
