import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { CallStats } from './callStats';
import { Pacer } from './pacer';
import { DEFAULT_RETRY_POLICY, retryPlugin, type RetryEvent, type RetryPolicy } from './retry';

export interface ClientSettings {
  /** `--endpoint-url`; otherwise the SDK reads AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> itself. */
  endpointUrl?: string;
  /** Requests in flight per region (the in-flight limit of the pacer). */
  concurrency: number;
  /** Requests started per second per region; 0 for no cap. */
  maxRps: number;
  retryPolicy?: RetryPolicy;
  onRetry?: (event: RetryEvent) => void;
}

/** The clients for one region, sharing one pacer and one call counter. */
export interface RegionClients {
  region: string;
  ssm: SSMClient;
  s3: S3Client;
  sts: STSClient;
  stats: CallStats;
}

const USER_AGENT: [string, string] = ['ssm-backup', '1.0.0'];

/**
 * The SDK logs nothing useful to an operator here; its one warning ("non-retryable streaming request")
 * is wrong for this tool, whose retry middleware replays streamed uploads (replayableBody.ts).
 */
const quietSdkLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export function createRegionClients(region: string, settings: ClientSettings): RegionClients {
  const stats = new CallStats();
  const pacer = new Pacer({ maxInFlight: settings.concurrency, maxRps: settings.maxRps });
  const plugin = retryPlugin({ policy: settings.retryPolicy ?? DEFAULT_RETRY_POLICY, pacer, stats, onRetry: settings.onRetry });
  const common = {
    region,
    // One attempt per SDK call: retries are the plugin's (see retry.ts for why).
    maxAttempts: 1,
    customUserAgent: [USER_AGENT],
    logger: quietSdkLogger,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
  };
  const ssm = new SSMClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: hasEndpointOverride(settings.endpointUrl, 'S3') });
  const sts = new STSClient(common);
  for (const client of [ssm, s3, sts]) client.middlewareStack.use(plugin);
  return { region, ssm, s3, sts, stats };
}

/** Local S3 endpoints (moto, MinIO) do not serve virtual-hosted bucket names. */
function hasEndpointOverride(endpointUrl: string | undefined, service: string): boolean {
  return Boolean(endpointUrl || process.env.AWS_ENDPOINT_URL || process.env[`AWS_ENDPOINT_URL_${service}`]);
}
