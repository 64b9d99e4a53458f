import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { RegionClients } from '../aws/clients';
import { TOOL } from '../backup/document';
import type { Encryption } from '../backup/store';
import { ExitCode, exitCodeOf } from '../errors';
import { resolveBucket } from '../ssm/buckets';
import { resolveRegions } from '../ssm/regions';
import { backupRegion } from './backupRegion';
import type { RegionSummary, RunListener, RunSummary } from './events';

export interface BackupRunInput {
  env: string;
  homeRegion: string;
  /** `--regions a,b` or `--region r`, already joined. */
  regions?: string;
  dryRun: boolean;
  concurrency: number;
  withTags: boolean;
  encryption: Encryption;
  clientsFor: (region: string) => RegionClients;
  now?: () => Date;
  listener?: RunListener;
}

export interface BackupRunResult {
  summary: RunSummary;
  /** The failure that stopped the run, if any. */
  failure?: Error;
  exitCode: ExitCode;
}

export async function accountIdOf(clients: RegionClients): Promise<string> {
  const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  return identity.Account ?? 'unknown';
}

/**
 * Every region in order, one after another. Everything that can be wrong with the setup (credentials,
 * region list, bucket keys) is checked for all regions before anything is written; a region that
 * fails stops the run and the later ones are reported as not started.
 */
export async function runBackup(input: BackupRunInput): Promise<BackupRunResult> {
  const now = input.now ?? (() => new Date());
  const listener = input.listener ?? (() => {});
  const startedAt = now();
  const home = input.clientsFor(input.homeRegion);

  const accountId = await accountIdOf(home);
  const { regions, source } = await resolveRegions({ env: input.env, homeRegion: input.homeRegion, explicit: input.regions, homeSsm: home.ssm });
  listener({ type: 'regions-resolved', regions, source });
  const buckets: string[] = [];
  for (const region of regions) {
    buckets.push(await resolveBucket({ env: input.env, region, homeRegion: input.homeRegion, ssm: input.clientsFor(region).ssm }));
  }

  const summaries: RegionSummary[] = [];
  let failure: Error | undefined;
  for (const [index, region] of regions.entries()) {
    const bucket = buckets[index]!;
    if (failure) {
      summaries.push({ region, status: 'not-started', bucket });
      continue;
    }
    listener({ type: 'region-start', region, bucket, index, total: regions.length });
    const regionStart = now();
    const clients = input.clientsFor(region);
    try {
      const summary = await backupRegion({
        env: input.env,
        region,
        bucket,
        accountId,
        clients,
        dryRun: input.dryRun,
        concurrency: input.concurrency,
        withTags: input.withTags,
        encryption: input.encryption,
        now,
        listener,
      });
      summaries.push(summary);
      listener({ type: 'region-done', summary });
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      const summary: RegionSummary = {
        region,
        status: 'failed',
        bucket,
        durationMs: now().getTime() - regionStart.getTime(),
        api: clients.stats.toJSON(),
        error: { name: failure.name, message: failure.message },
      };
      summaries.push(summary);
      listener({ type: 'region-done', summary });
    }
  }

  const warning = summaries.some((s) => s.status === 'empty');
  const summary: RunSummary = {
    tool: { ...TOOL },
    environment: input.env,
    accountId,
    dryRun: input.dryRun,
    status: failure ? 'failed' : warning ? 'warning' : 'ok',
    startedAt: startedAt.toISOString(),
    durationMs: now().getTime() - startedAt.getTime(),
    regions: summaries,
  };
  const exitCode = failure ? exitCodeOf(failure) : warning ? ExitCode.NeedsAttention : ExitCode.Ok;
  return { summary, failure, exitCode };
}
