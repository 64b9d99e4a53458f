import type { RegionClients } from '../aws/clients';
import { errorCodeOf } from '../aws/errorKinds';
import { accountIdOf } from '../aws/identity';
import { BackupStore, type BucketCheck, type Encryption } from '../backup/store';
import { count } from '../count';
import { ConfigurationError, ExitCode, exitCodeOf, IncompleteCaptureError, InterruptedError } from '../errors';
import { type ResolvedBucket, resolveBucket } from '../ssm/buckets';
import { collectParameters } from '../ssm/collect';
import { resolveRegions } from '../ssm/regions';
import { TOOL } from '../tool';
import { backupRegion, type RegionCollection } from './backupRegion';
import type { EncryptionSource, RegionSummary, RunListener, RunSummary } from './events';
import { RegionDeadline } from './regionDeadline';

export interface BackupRunInput {
  env: string;
  /** Needed only to read the regions key and the legacy bucket key; absent when none is configured. */
  homeRegion?: string;
  /** `--regions a,b` or `--region r`, parsed. */
  regions?: readonly string[];
  dryRun: boolean;
  concurrency: number;
  withTags: boolean;
  /** `--kms-key-id`, else SSE-S3: used where the stack publishes no key for the region. */
  encryption: Encryption;
  clientsFor: (region: string) => RegionClients;
  now?: () => Date;
  listener?: RunListener;
  /** Aborted on SIGINT/SIGTERM. */
  signal?: AbortSignal;
  keySuffix?: () => string;
  /** `--finish-within`: each region keeps a pace that ends in this time (see regionDeadline.ts). */
  finishWithinMs?: number;
  /** The assumed role and its account (`--role-arn`), for the summary; never the credentials. */
  identity?: RunSummary['identity'];
}

export interface BackupRunResult {
  summary: RunSummary;
  /** The failure that stopped the run, if any. */
  failure?: Error;
  exitCode: ExitCode;
}

/**
 * Every region in order, one after another. Everything that can be wrong with the setup (credentials,
 * region list, bucket keys, the buckets themselves) is checked for every region before anything is
 * written; a region that fails stops the run and the later ones are reported as not started.
 */
export async function runBackup(input: BackupRunInput): Promise<BackupRunResult> {
  const now = input.now ?? (() => new Date());
  const listener = input.listener ?? (() => {});
  const startedAt = now();
  const summary: RunSummary = {
    tool: { ...TOOL },
    environment: input.env,
    dryRun: input.dryRun,
    status: 'ok',
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    ...(input.identity ? { identity: input.identity } : {}),
    regions: [],
  };
  const finish = (failure?: Error): BackupRunResult => {
    summary.durationMs = now().getTime() - startedAt.getTime();
    const warning = summary.regions.some((s) => s.status === 'empty');
    summary.status =
      failure instanceof InterruptedError ? 'interrupted' : failure ? 'failed' : warning ? 'warning' : 'ok';
    const exitCode = failure ? exitCodeOf(failure) : warning ? ExitCode.NeedsAttention : ExitCode.Ok;
    return { summary, exitCode, ...(failure ? { failure } : {}) };
  };

  let regions: string[] = [];
  let buckets: ResolvedBucket[];
  let accountId: string;
  let early: StartedCollection | undefined;
  try {
    ({ regions } = await resolveRegionsFor(input, listener));
    // The first region's listing and fetching start now, alongside the checks; nothing is written
    // until every check has passed, and a failed check stops the collection.
    early = startCollecting(input, regions[0], now, listener);
    buckets = await checkBuckets(input, regions, listener);
    accountId = buckets[0].accountId ?? (await accountIdOf(input.clientsFor(regions[0]).sts));
    summary.accountId = accountId;
  } catch (error) {
    await early?.stop(error);
    const failure = asError(error);
    summary.error = { name: failure.name, code: errorCodeOf(failure), message: failure.message };
    summary.regions = regions.map((region) => ({
      status: 'not-started',
      region,
      reason: 'the run stopped before any region started',
    }));
    return finish(failure);
  }

  let failure: Error | undefined;
  for (const [index, region] of regions.entries()) {
    const { bucket } = buckets[index];
    if (failure) {
      summary.regions.push({
        status: 'not-started',
        region,
        bucket,
        reason: failure instanceof InterruptedError ? 'interrupted' : 'an earlier region failed',
      });
      continue;
    }
    listener({ type: 'region-start', region, bucket, index, total: regions.length });
    const regionStart = now();
    const clients = input.clientsFor(region);
    const collection = (index === 0 && early ? early : startCollecting(input, region, now, listener)).goLive();
    const { deadline } = collection;
    const expecting = deadline && expectLastCount(deadline, clients, buckets[index]);
    let result: RegionSummary;
    try {
      result = await backupRegion({
        env: input.env,
        region,
        bucket,
        accountId,
        clients,
        dryRun: input.dryRun,
        encryption: encryptionFor(buckets[index], input, listener),
        now,
        listener,
        signal: input.signal,
        keySuffix: input.keySuffix,
        collection,
      });
    } catch (error) {
      failure = asError(error);
      const common = {
        region,
        bucket,
        durationMs: now().getTime() - regionStart.getTime(),
        api: clients.stats.toJSON(),
      };
      result =
        failure instanceof InterruptedError
          ? { status: 'interrupted', ...common, signal: failure.signal }
          : {
              status: 'failed',
              ...common,
              error: { name: failure.name, code: errorCodeOf(failure), message: failure.message },
              ...(failure instanceof IncompleteCaptureError ? { failed: [...failure.undecryptable] } : {}),
            };
    }
    // Long answered in a normal run; after a quick failure, no call is left behind the run.
    await expecting;
    summary.regions.push(result);
    listener({ type: 'region-done', summary: result });
  }
  return finish(failure);
}

/**
 * Tells the deadline how many parameters the last backup held (kept with latest.txt), alongside the
 * collection. Without it the deadline knows only what has been listed; a read that fails here fails
 * again, and is reported, where latest.txt is moved.
 */
function expectLastCount(deadline: RegionDeadline, clients: RegionClients, bucket: ResolvedBucket): Promise<void> {
  return new BackupStore(clients.s3, bucket.bucket, bucket.accountId).readLatestCount().then(
    (count) => {
      if (count) deadline.expect(count);
    },
    () => {},
  );
}

interface StartedCollection {
  /** From region-start on, its progress is reported; returns what backupRegion takes. */
  goLive(): RegionCollection;
  /** Stops it (a check failed) and waits for its calls in flight. */
  stop(reason: unknown): Promise<void>;
}

/**
 * A region's collection, started with its deadline (the only place one is made and fed). The first
 * region's starts alongside the run's checks; each later region's at its own start.
 */
function startCollecting(
  input: BackupRunInput,
  region: string,
  now: () => Date,
  listener: RunListener,
): StartedCollection {
  const startedAt = now();
  const stopper = new AbortController();
  const deadline = input.finishWithinMs
    ? RegionDeadline.attach(input.clientsFor(region).pacer, input.finishWithinMs, startedAt.getTime(), () =>
        now().getTime(),
      )
    : undefined;
  let live = false;
  const collecting = collectParameters({
    ssm: input.clientsFor(region).ssm,
    env: input.env,
    concurrency: input.concurrency,
    withTags: input.withTags,
    stop: stopper.signal,
    onProgress: (p) => {
      deadline?.onProgress(p);
      if (live) listener({ type: 'progress', region, ...p });
    },
  });
  // Its failure is the region's, reported when the region runs; until then nothing awaits it.
  collecting.catch(() => {});
  return {
    goLive: () => {
      live = true;
      return { collecting, startedAt, ...(deadline ? { deadline } : {}) };
    },
    stop: async (reason) => {
      stopper.abort(reason);
      await collecting.catch(() => {});
    },
  };
}

async function resolveRegionsFor(input: BackupRunInput, listener: RunListener): Promise<{ regions: string[] }> {
  const resolved = await resolveRegions({
    env: input.env,
    homeRegion: input.homeRegion,
    explicit: input.regions,
    homeSsm: (home) => input.clientsFor(home).ssm,
  });
  listener({ type: 'regions-resolved', ...resolved });
  return resolved;
}

/**
 * Every region's bucket key is read and its bucket checked (exists, in that region, reachable), all
 * regions at once; every problem found is named in one configuration error.
 */
async function checkBuckets(
  input: BackupRunInput,
  regions: string[],
  listener: RunListener,
): Promise<ResolvedBucket[]> {
  const results = await Promise.allSettled(
    regions.map(async (region) => {
      const clients = input.clientsFor(region);
      const resolved = await resolveBucket({ env: input.env, region, homeRegion: input.homeRegion, ssm: clients.ssm });
      const check = await new BackupStore(clients.s3, resolved.bucket, resolved.accountId).check(region);
      listener({ type: 'bucket-checked', ...resolved, check });
      const problem = bucketProblem(resolved, check);
      if (problem) throw new ConfigurationError(problem);
      return resolved;
    }),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [asError(r.reason)] : []));
  // An AWS failure (after retries) or an interruption is not a configuration problem: report it as is.
  const other = failures.find((f) => !(f instanceof ConfigurationError));
  if (other) throw other;
  if (failures.length === 1) throw failures[0];
  if (failures.length)
    throw new ConfigurationError(
      `${count(failures.length, 'region')} are not ready: ${failures.map((f) => f.message).join('; ')}`,
    );
  return results.map((r) => (r as PromiseFulfilledResult<ResolvedBucket>).value);
}

/**
 * The stack's published key for the region, else `--kms-key-id`, else SSE-S3. A different
 * `--kms-key-id` is set aside with a warning: the bucket policy admits backups under the stack's key only.
 */
function encryptionFor(
  resolved: ResolvedBucket,
  input: BackupRunInput,
  listener: RunListener,
): Encryption & { source: EncryptionSource } {
  const option = input.encryption;
  const chosen: Encryption & { source: EncryptionSource } = resolved.kmsKeyArn
    ? { kind: 'aws:kms', keyId: resolved.kmsKeyArn, source: 'stack' }
    : { ...option, source: option.kind === 'aws:kms' ? 'option' : 'default' };
  const setAside =
    resolved.kmsKeyArn && option.kind === 'aws:kms' && option.keyId !== resolved.kmsKeyArn ? option.keyId : undefined;
  const { source, ...encryption } = chosen;
  listener({
    type: 'encryption-chosen',
    region: resolved.region,
    encryption,
    source,
    ...(setAside ? { setAside } : {}),
  });
  return chosen;
}

function bucketProblem(resolved: ResolvedBucket, check: BucketCheck): string | undefined {
  const where = `bucket ${resolved.bucket} (from ${resolved.source} in ${resolved.region})`;
  switch (check.kind) {
    case 'ok':
      return undefined;
    case 'missing':
      return `${resolved.region}: ${where} does not exist`;
    case 'other-region':
      return `${resolved.region}: ${where} is in ${check.actualRegion}, not ${resolved.region}`;
    case 'no-access':
      return (
        `${resolved.region}: ${where} cannot be reached (${check.code}): the credentials need s3:ListBucket on it` +
        (resolved.accountId ? `, and it must belong to account ${resolved.accountId}` : '')
      );
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
