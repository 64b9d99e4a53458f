import type { Logger } from 'pino';
import type { RegionSummary, RunEvent } from '../run/events';

/** Maps run events to log lines a person can follow in a terminal or a Jenkins console. */
export function createReporter(logger: Logger, progressIntervalMs = 2_000): (event: RunEvent) => void {
  let lastProgressAt = 0;
  const listingDoneSeen = new Set<string>();
  return (event) => {
    switch (event.type) {
      case 'regions-resolved':
        logger.info({ event: event.type, regions: event.regions }, `regions: ${event.regions.join(', ')} (from ${event.source})`);
        return;
      case 'region-start':
        logger.info({ event: event.type, region: event.region, bucket: event.bucket }, `[${event.region}] region ${event.index + 1}/${event.total}, bucket ${event.bucket}`);
        return;
      case 'progress': {
        // At most one line per interval, plus the moment listing ends and the moment fetching ends.
        const now = Date.now();
        const milestone = (event.listingDone && !listingDoneSeen.has(event.region)) || (event.listingDone && event.fetched === event.listed);
        if (event.listingDone) listingDoneSeen.add(event.region);
        if (!milestone && now - lastProgressAt < progressIntervalMs) return;
        lastProgressAt = now;
        const listing = event.listingDone ? `described ${event.listed}` : `described ${event.listed} so far`;
        logger.info({ event: event.type, region: event.region, listed: event.listed, fetched: event.fetched }, `[${event.region}] ${listing}, fetched ${event.fetched}/${event.listed}`);
        return;
      }
      case 'collected':
        logger.info({ event: event.type, region: event.region, captured: event.captured }, `[${event.region}] captured ${event.captured} parameters (${event.listPages} list pages, ${event.fetchBatches} fetch batches)`);
        return;
      case 'would-upload':
        logger.info({ event: event.type, ...event }, `[${event.region}] dry run: would upload s3://${event.bucket}/${event.key} (${event.count} parameters, ${formatBytes(event.bytes)})`);
        return;
      case 'uploaded':
        logger.info({ event: event.type, region: event.region, key: event.key, bytes: event.bytes }, `[${event.region}] uploaded s3://${event.bucket}/${event.key} (${formatBytes(event.bytes)})`);
        return;
      case 'verified':
        logger.info({ event: event.type, region: event.region, key: event.key }, `[${event.region}] verified size, SHA-256 and encryption; latest.txt -> ${event.key}`);
        return;
      case 'region-done':
        logRegionSummary(logger, event.summary);
        return;
      case 'backup-loaded':
        logger.info({ event: event.type, origin: event.origin, count: event.count }, `read ${event.origin}: ${event.count} parameters (S3 checksum ${event.checksum})`);
        return;
      case 'live-collected':
        logger.info({ event: event.type, region: event.region, count: event.count }, `[${event.region}] live: ${event.count} parameters in the environment`);
        return;
      case 'apply-progress': {
        const now = Date.now();
        if (event.done !== event.total && now - lastProgressAt < progressIntervalMs) return;
        lastProgressAt = now;
        logger.info({ event: event.type, region: event.region, done: event.done, total: event.total }, `[${event.region}] written ${event.done}/${event.total}`);
        return;
      }
      case 'retry':
        logger.debug({ event: event.type, region: event.region, ...event.retry }, `[${event.region}] ${event.retry.operation} ${event.retry.code}, retry ${event.retry.attempt} in ${event.retry.delayMs} ms`);
        return;
    }
  };
}

export function logRegionSummary(logger: Logger, s: RegionSummary): void {
  const fields = { event: 'region-summary', ...s };
  const calls = s.api ? `, ${s.api.total} API calls (${s.api.totalRetries} retries)` : '';
  const time = s.durationMs !== undefined ? `, ${(s.durationMs / 1000).toFixed(1)} s` : '';
  switch (s.status) {
    case 'ok':
      logger.info(fields, `[${s.region}] OK: ${s.parameterCount} parameters -> s3://${s.bucket}/${s.key}${calls}${time}`);
      return;
    case 'dry-run':
      logger.info(fields, `[${s.region}] DRY RUN: ${s.parameterCount} parameters, nothing uploaded${calls}${time}`);
      return;
    case 'empty':
      logger.warn(fields, `[${s.region}] WARNING: no parameter matched (besides the backup's own SSM keys); nothing uploaded, latest.txt untouched`);
      return;
    case 'failed':
      logger.error(fields, `[${s.region}] FAILED: ${s.error?.message}`);
      return;
    case 'not-started':
      logger.warn(fields, `[${s.region}] NOT STARTED: an earlier region failed`);
      return;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
