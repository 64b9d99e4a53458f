import type { Logger } from 'pino';
import { count } from '../count';
import type { RegionSummary, RunEvent } from '../run/events';
import { formatBytes } from './format';

/** A retry that waits this long is worth a person's attention; shorter ones are routine. */
const NOTABLE_RETRY_WAIT_MS = 1_000;

/** Maps run events to log lines a person can follow in a terminal or a Jenkins console. */
export function createReporter(logger: Logger, progressIntervalMs = 2_000): (event: RunEvent) => void {
  let lastProgressAt = 0;
  const listingDoneSeen = new Set<string>();
  /** The numbers of the last progress line per region. */
  const lastProgress = new Map<string, string>();
  return (event) => {
    switch (event.type) {
      case 'home-region':
        logger.info(
          { event: event.type, region: event.region, source: event.source },
          `home region ${event.region} (from ${event.source})`,
        );
        return;
      case 'regions-resolved':
        if (event.lookedFor)
          logger.warn(
            { event: event.type, regions: event.regions, source: event.source, lookedFor: event.lookedFor },
            `regions: ${event.regions.join(', ')} alone: ${event.lookedFor} does not exist there, so only the ` +
              'home region is backed up (the Pulumi stack writes that key; an old single-region setup has none)',
          );
        else
          logger.info(
            { event: event.type, regions: event.regions },
            `regions: ${event.regions.join(', ')} (from ${event.source})`,
          );
        return;
      case 'bucket-checked':
        logger.debug(
          { event: event.type, region: event.region, bucket: event.bucket, check: event.check.kind },
          `[${event.region}] bucket ${event.bucket} (from ${event.source}): ${event.check.kind}`,
        );
        return;
      case 'encryption-chosen': {
        const what =
          event.encryption.kind === 'aws:kms' ? `KMS key ${event.encryption.keyId}` : 'SSE-S3 (AES256), no KMS key';
        const from = { stack: 'published by the stack', option: 'from --kms-key-id', default: 'the default' }[
          event.source
        ];
        if (event.setAside)
          logger.warn(
            { event: event.type, region: event.region, setAside: event.setAside, keyId: what },
            `[${event.region}] --kms-key-id ${event.setAside} set aside: backups here use the ${what} ${from}`,
          );
        else logger.info({ event: event.type, region: event.region }, `[${event.region}] encryption: ${what}, ${from}`);
        return;
      }
      case 'region-start':
        logger.info(
          { event: event.type, region: event.region, bucket: event.bucket },
          `[${event.region}] region ${event.index + 1}/${event.total}, bucket ${event.bucket}`,
        );
        return;
      case 'progress': {
        // At most one line per interval, plus the moment listing ends and the moment fetching ends.
        const now = Date.now();
        const milestone =
          (event.listingDone && !listingDoneSeen.has(event.region)) ||
          (event.listingDone && event.fetched === event.listed);
        if (event.listingDone) listingDoneSeen.add(event.region);
        if (!milestone && now - lastProgressAt < progressIntervalMs) return;
        // A line only when something moved: the same numbers twice say nothing new.
        const numbers = `${event.listed} ${event.fetched} ${event.listingDone}`;
        if (lastProgress.get(event.region) === numbers) return;
        lastProgress.set(event.region, numbers);
        lastProgressAt = now;
        const listing = event.listingDone ? `described ${event.listed}` : `described ${event.listed} so far`;
        logger.info(
          { event: event.type, region: event.region, listed: event.listed, fetched: event.fetched },
          `[${event.region}] ${listing}, fetched ${event.fetched}/${event.listed}`,
        );
        return;
      }
      case 'collected':
        logger.info(
          { event: event.type, region: event.region, captured: event.captured },
          `[${event.region}] captured ${count(event.captured, 'parameter')} (${count(event.listPages, 'list page')}, ` +
            `${count(event.fetchBatches, 'fetch batch', 'fetch batches')})`,
        );
        return;
      case 'vanished':
        logger.warn(
          { event: event.type, region: event.region, vanished: event.names },
          `[${event.region}] ${count(event.names.length, 'parameter')} vanished between listing and fetching ` +
            `(deleted during the run; not in this backup): ${event.names.join(', ')}`,
        );
        return;
      case 'would-upload':
        logger.info(
          { event: event.type, ...event },
          `[${event.region}] dry run: would upload s3://${event.bucket}/${event.key} (${event.count} ` +
            `parameters, ${formatBytes(event.bytes)})`,
        );
        return;
      case 'uploaded':
        logger.info(
          { event: event.type, region: event.region, key: event.key, bytes: event.bytes },
          `[${event.region}] uploaded s3://${event.bucket}/${event.key} (${formatBytes(event.bytes)})`,
        );
        return;
      case 'verified':
        logger.info(
          { event: event.type, region: event.region, key: event.key },
          `[${event.region}] S3 confirmed the SHA-256, the encryption and the key of ${event.key}`,
        );
        return;
      case 'latest-moved':
        if (event.repaired)
          logger.warn(
            { event: 'latest-repaired', region: event.region, key: event.key, repaired: event.repaired },
            `[${event.region}] latest.txt repaired: ${event.repaired}; it now names ${event.key}`,
          );
        else
          logger.info(
            { event: event.type, region: event.region, key: event.key },
            `[${event.region}] latest.txt -> ${event.key}`,
          );
        return;
      case 'latest-kept':
        logger.warn(
          { event: event.type, region: event.region, key: event.key, current: event.current },
          `[${event.region}] latest.txt left at ${event.current}: it is at least as new as this run's ` +
            `${event.key} (a later run finished first)`,
        );
        return;
      case 'metrics-failed':
        logger.warn(
          { event: event.type, region: event.region, code: event.code },
          `[${event.region}] the backup is good, but its CloudWatch metrics were not published (${event.code}): ` +
            'the freshness alarm will fire if this goes on; check cloudwatch:PutMetricData',
        );
        return;
      case 'deadline-missed':
        logger.warn(
          { event: event.type, region: event.region, seconds: event.seconds, overBySeconds: event.overBySeconds },
          `[${event.region}] --finish-within ${event.seconds}s missed: the collection ended ${event.overBySeconds} s ` +
            'late (the service throttled more than the deadline could make up for)',
        );
        return;
      case 'region-done':
        logRegionSummary(logger, event.summary);
        return;
      case 'backup-loaded':
        logger.info(
          { event: event.type, origin: event.origin, count: event.count },
          `read ${event.origin}: ${count(event.count, 'parameter')} (S3 checksum ${event.checksum})`,
        );
        return;
      case 'backup-chosen':
        logger.info(
          { event: event.type, origin: event.origin, at: event.at },
          `chose ${event.origin}: the newest backup at or before ${event.at}`,
        );
        return;
      case 'live-collected':
        logger.info(
          { event: event.type, region: event.region, count: event.count },
          `[${event.region}] live: ${count(event.count, 'parameter')} in the environment`,
        );
        return;
      case 'apply-progress': {
        const now = Date.now();
        if (event.done !== event.total && now - lastProgressAt < progressIntervalMs) return;
        lastProgressAt = now;
        logger.info(
          { event: event.type, region: event.region, done: event.done, total: event.total },
          `[${event.region}] written ${event.done}/${event.total}`,
        );
        return;
      }
      case 'retry': {
        const { operation, code, attempt, maxAttempts, delayMs } = event.retry;
        const level = delayMs >= NOTABLE_RETRY_WAIT_MS ? 'warn' : 'debug';
        logger[level](
          { event: event.type, region: event.region, ...event.retry },
          `[${event.region}] ${operation} ${code}: attempt ${attempt} of ${maxAttempts} failed, retrying in ` +
            `${delayMs} ms`,
        );
        return;
      }
    }
  };
}

function logRegionSummary(logger: Logger, s: RegionSummary): void {
  const fields = { event: 'region-summary', ...s };
  const calls =
    'api' in s ? `, ${count(s.api.total, 'API call')} (${count(s.api.totalRetries, 'retry', 'retries')})` : '';
  const time = 'durationMs' in s ? `, ${(s.durationMs / 1000).toFixed(1)} s` : '';
  const vanished = 'vanished' in s && s.vanished.length ? `, ${s.vanished.length} vanished` : '';
  switch (s.status) {
    case 'ok':
      logger.info(
        fields,
        `[${s.region}] OK: ${count(s.parameterCount, 'parameter')} -> ` +
          `s3://${s.bucket}/${s.key}${vanished}${calls}${time}`,
      );
      return;
    case 'dry-run':
      logger.info(
        fields,
        `[${s.region}] DRY RUN: ${count(s.parameterCount, 'parameter')}, nothing uploaded${vanished}${calls}${time}`,
      );
      return;
    case 'empty':
      logger.warn(
        fields,
        `[${s.region}] WARNING: no parameter matched (besides the backup's own SSM keys); nothing uploaded, ` +
          `latest.txt untouched`,
      );
      return;
    case 'failed':
      logger.error(fields, `[${s.region}] FAILED: ${s.error.message}`);
      return;
    case 'interrupted':
      logger.error(
        fields,
        `[${s.region}] INTERRUPTED by ${s.signal}: nothing more was started; latest.txt untouched${calls}${time}`,
      );
      return;
    case 'not-started':
      logger.warn(fields, `[${s.region}] NOT STARTED: ${s.reason}`);
      return;
  }
}
