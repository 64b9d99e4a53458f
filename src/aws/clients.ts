import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { TOOL } from '../tool';
import { CallStats } from './callStats';
import { Pacer } from './pacer';
import { DEFAULT_RETRY_POLICY, type Liveness, type RetryEvent, type RetryPolicy, retryPlugin } from './retry';
import { lazySdk } from './sdk';

export interface ClientSettings {
  /** `--endpoint-url`; otherwise the SDK reads AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> itself. */
  endpointUrl?: string;
  /** Requests in flight per region (the in-flight limit of the pacer). */
  concurrency: number;
  /** Reads started per second per operation and region (`--max-rps`); 0 for no cap. */
  maxRps: number;
  /** Writes started per second per operation and region (restore's `--write-rps`); 0 or absent for no cap. */
  maxWriteRps?: number;
  /** Seconds an attempt may wait for an answer, or with nothing moving on its socket (`--request-timeout`). */
  requestTimeoutSeconds?: number;
  /** `--profile`: the shared config/credentials profile for credentials and settings. */
  profile?: string;
  /** Aborted on SIGINT/SIGTERM: no call starts after it. */
  signal?: AbortSignal;
  retryPolicy?: RetryPolicy;
  onRetry?: (event: RetryEvent) => void;
  /** Shared by every region of a run: whether the service has ever answered (see retry.ts). */
  liveness?: Liveness;
  /** How long an endpoint that never answered is waited on (default DEAD_ENDPOINT_MS; tests shorten it). */
  deadEndpointMs?: number;
  /** `--role-arn`: the assumed role's credentials (renewed as they near expiry); else the default chain. */
  credentials?: AwsCredentialIdentityProvider;
}

export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
/** A fresh connection that is not up in this time will not come up: fail the attempt and retry. */
const CONNECTION_TIMEOUT_MS = 3_000;
/** An upload of a large backup may take a while as a whole; it is the idle socket that must not hang. */
const UPLOAD_REQUEST_TIMEOUT_MS = 300_000;

/** The clients for one region, sharing one pacer and one call counter. */
export interface RegionClients {
  region: string;
  ssm: SSMClient;
  s3: S3Client;
  sts: STSClient;
  /** For the backup metrics; loaded on first use. */
  cloudwatch: CloudWatchClient;
  stats: CallStats;
  /** The region's pace: a deadline (`--finish-within`) is set on it. */
  pacer: Pacer;
}

/**
 * The SDK logs nothing useful to an operator here; its one warning ("non-retryable streaming request")
 * is wrong for this tool, whose retry middleware replays streamed uploads (replayableBody.ts).
 */
const quietSdkLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export function createRegionClients(region: string, settings: ClientSettings): RegionClients {
  const pacer = new Pacer({
    maxInFlight: settings.concurrency,
    maxRps: settings.maxRps,
    ...(settings.maxWriteRps ? { maxWriteRps: settings.maxWriteRps } : {}),
  });
  const stats = new CallStats(() => pacer.learnedRates());
  const answerMs = (settings.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1_000;
  const plugin = retryPlugin({
    policy: settings.retryPolicy ?? DEFAULT_RETRY_POLICY,
    pacer,
    stats,
    onRetry: settings.onRetry,
    signal: settings.signal,
    requestTimeoutMs: answerMs,
    ...(settings.deadEndpointMs ? { deadEndpointMs: settings.deadEndpointMs } : {}),
    ...(settings.liveness ? { liveness: settings.liveness } : {}),
  });
  // Every attempt has a deadline: to connect, to be answered, and for its socket to stay idle. The
  // handler only warns when requestTimeout passes unless told to throw.
  const deadlines = (requestTimeout: number) => ({
    connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, answerMs),
    requestTimeout,
    socketTimeout: answerMs,
    throwOnRequestTimeout: true,
  });
  const common = {
    region,
    // One attempt per SDK call: retries are the plugin's (see retry.ts for why).
    maxAttempts: 1,
    customUserAgent: [[TOOL.name, TOOL.version]] as [string, string][],
    logger: quietSdkLogger,
    requestHandler: deadlines(answerMs),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
  };
  const ssm = new SSMClient(common);
  ssm.middlewareStack.use(plugin);
  let s3: S3Client | undefined;
  let sts: STSClient | undefined;
  let cloudwatch: CloudWatchClient | undefined;
  return {
    region,
    ssm,
    stats,
    pacer,
    // Loaded on first use, once the first SSM calls are on their way: S3 is the largest client to load.
    get s3(): S3Client {
      if (!s3) {
        const { S3Client } = lazySdk.s3();
        s3 = new S3Client({
          ...common,
          requestHandler: deadlines(Math.max(answerMs, UPLOAD_REQUEST_TIMEOUT_MS)),
          forcePathStyle: hasEndpointOverride(settings.endpointUrl, 'S3'),
        });
        s3.middlewareStack.use(plugin);
      }
      return s3;
    },
    // Loaded on first use, after a region's backup is good.
    get cloudwatch(): CloudWatchClient {
      if (!cloudwatch) {
        const { CloudWatchClient } = lazySdk.cloudwatch();
        cloudwatch = new CloudWatchClient(common);
        cloudwatch.middlewareStack.use(plugin);
      }
      return cloudwatch;
    },
    // Loaded on first use: a backup takes its account from the stack key's ARN and never loads STS.
    get sts(): STSClient {
      if (!sts) {
        const { STSClient } = lazySdk.sts();
        sts = new STSClient(common);
        sts.middlewareStack.use(plugin);
      }
      return sts;
    },
  };
}

/** Local S3 endpoints (moto, MinIO) do not serve virtual-hosted bucket names. */
function hasEndpointOverride(endpointUrl: string | undefined, service: string): boolean {
  return Boolean(endpointUrl || process.env.AWS_ENDPOINT_URL || process.env[`AWS_ENDPOINT_URL_${service}`]);
}
