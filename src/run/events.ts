import type { CallCounts } from '../aws/callStats';
import type { MetricsOutcome } from '../aws/metrics';
import type { RetryEvent } from '../aws/retry';
import type { BucketCheck, Encryption } from '../backup/store';
import type { RegionDeadlineSummary } from './regionDeadline';

/** Where a region's encryption came from: the stack's published key, `--kms-key-id`, or SSE-S3. */
export type EncryptionSource = 'stack' | 'option' | 'default';

/** What a run reports while it works; the CLI decides how each is shown. Never carries values. */
export type RunEvent =
  | { type: 'home-region'; region: string; source: string }
  | { type: 'regions-resolved'; regions: string[]; source: string; lookedFor?: string }
  | { type: 'bucket-checked'; region: string; bucket: string; source: string; check: BucketCheck }
  | {
      type: 'encryption-chosen';
      region: string;
      encryption: Encryption;
      source: EncryptionSource;
      /** A `--kms-key-id` set aside because the stack publishes another key for the region. */
      setAside?: string;
    }
  | { type: 'region-start'; region: string; bucket: string; index: number; total: number }
  | { type: 'progress'; region: string; listed: number; listPages: number; fetched: number; listingDone: boolean }
  | { type: 'collected'; region: string; captured: number; listPages: number; fetchBatches: number }
  | { type: 'vanished'; region: string; names: string[] }
  | { type: 'would-upload'; region: string; bucket: string; key: string; count: number; bytes: number }
  | { type: 'uploaded'; region: string; bucket: string; key: string; bytes: number }
  | { type: 'verified'; region: string; bucket: string; key: string }
  | { type: 'latest-moved'; region: string; bucket: string; key: string; repaired?: string }
  | { type: 'latest-kept'; region: string; bucket: string; key: string; current: string }
  | { type: 'region-done'; summary: RegionSummary }
  | { type: 'deadline-missed'; region: string; seconds: number; overBySeconds: number }
  | { type: 'metrics-failed'; region: string; code: string }
  | { type: 'retry'; region: string; retry: RetryEvent }
  | { type: 'backup-loaded'; origin: string; count: number; checksum: string }
  | { type: 'backup-chosen'; origin: string; at: string }
  | { type: 'live-collected'; region: string; count: number }
  | { type: 'apply-progress'; region: string; done: number; total: number };

export type RunListener = (event: RunEvent) => void;

interface ApiCounts extends CallCounts {
  /** ceil(N/10) GetParameters calls for the N captured; listing pages depend on all parameters in the region. */
  minimumFetchCalls?: number;
  listPages?: number;
}

/** What one region's capture found: counts and names, never values. */
interface Captured {
  region: string;
  bucket: string;
  /** How the backup object is (or would be) encrypted, and why. */
  encryption: Encryption & { source: EncryptionSource };
  parameterCount: number;
  listed: number;
  /** Listed, then gone when fetched: deleted during the run, not in the backup, not counted. */
  vanished: string[];
  durationMs: number;
  api: ApiCounts;
  /** `--finish-within`: the region's time, and the count expected from the last backup if known. */
  deadline?: RegionDeadlineSummary;
}

/** One region's outcome, by status; each status carries exactly what it knows. */
export type RegionSummary =
  | (Captured & {
      status: 'ok';
      key: string;
      bytes: number;
      sha256: string;
      latest: 'moved' | 'kept-newer';
      /** What latest.txt held that was not a pointer to a backup of this environment, when it was repaired. */
      latestRepaired?: string;
      /** The CloudWatch metrics of this good backup (the freshness alarm's input). */
      metrics: MetricsOutcome;
    })
  | (Captured & { status: 'dry-run'; key: string; bytes: number; sha256: string })
  | (Captured & { status: 'empty' })
  | {
      status: 'failed';
      region: string;
      bucket: string;
      durationMs: number;
      api: ApiCounts;
      error: { name: string; code?: string; message: string };
      /** Parameters named by the failure (undecryptable SecureStrings), with the service's error code. */
      failed?: { name: string; code: string }[];
    }
  | { status: 'interrupted'; region: string; bucket: string; durationMs: number; api: ApiCounts; signal: string }
  | { status: 'not-started'; region: string; bucket?: string; reason: string };

export interface RunSummary {
  tool: { name: string; version: string };
  environment: string;
  accountId?: string;
  /** With `--role-arn` or `--account-id`: the role assumed, its session name and account; never credentials. */
  identity?: { roleArn?: string; sessionName?: string; account: string };
  dryRun: boolean;
  status: 'ok' | 'warning' | 'failed' | 'interrupted';
  startedAt: string;
  durationMs: number;
  /** A failure before any region started (configuration, credentials, bucket checks). */
  error?: { name: string; code?: string; message: string };
  regions: RegionSummary[];
}
