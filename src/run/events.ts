import type { RetryEvent } from '../aws/retry';

/** What a run reports while it works; the CLI decides how each is shown. Never carries values. */
export type RunEvent =
  | { type: 'regions-resolved'; regions: string[]; source: string }
  | { type: 'region-start'; region: string; bucket: string; index: number; total: number }
  | { type: 'progress'; region: string; listed: number; fetched: number; listingDone: boolean }
  | { type: 'collected'; region: string; captured: number; listPages: number; fetchBatches: number }
  | { type: 'would-upload'; region: string; bucket: string; key: string; count: number; bytes: number }
  | { type: 'uploaded'; region: string; bucket: string; key: string; bytes: number }
  | { type: 'verified'; region: string; bucket: string; key: string }
  | { type: 'region-done'; summary: RegionSummary }
  | { type: 'retry'; region: string; retry: RetryEvent }
  | { type: 'backup-loaded'; origin: string; count: number; checksum: string }
  | { type: 'live-collected'; region: string; count: number }
  | { type: 'apply-progress'; region: string; done: number; total: number };

export type RunListener = (event: RunEvent) => void;

export type RegionStatus = 'ok' | 'dry-run' | 'empty' | 'failed' | 'not-started';

export interface RegionSummary {
  region: string;
  status: RegionStatus;
  bucket?: string;
  key?: string;
  parameterCount?: number;
  listed?: number;
  bytes?: number;
  sha256?: string;
  durationMs?: number;
  api?: {
    calls: Record<string, number>;
    retries: Record<string, number>;
    total: number;
    totalRetries: number;
    throttled: number;
    /** ceil(N/10) GetParameters calls for the N captured; listing pages depend on all parameters in the region. */
    minimumFetchCalls?: number;
    listPages?: number;
  };
  error?: { name: string; message: string };
}

export interface RunSummary {
  tool: { name: string; version: string };
  environment: string;
  accountId?: string;
  dryRun: boolean;
  status: 'ok' | 'warning' | 'failed';
  startedAt: string;
  durationMs: number;
  regions: RegionSummary[];
}
