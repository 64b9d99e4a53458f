import { accountIdOf } from '../aws/identity';
import type { BackupSource, LoadedBackup } from '../backup/source';
import { count } from '../count';
import { StalePlanError } from '../errors';
import { type ApplyResult, applyPlan } from '../restore/apply';
import { planChanges, planRestore, type RestorePlan } from '../restore/plan';
import type { RegionSession } from './region';

export interface RestoreRunInput {
  /** The region written to. */
  target: RegionSession;
  /** Whose bucket to read: the target's by default; another region's for disaster recovery. */
  sourceRegion?: string;
  from: BackupSource;
  apply: boolean;
  overwrite: boolean;
  kmsKeyId?: string;
  includeRunnerKeys: boolean;
  /** A plan reviewed earlier (`--plan`): applied only if it still describes the world exactly. */
  reviewedPlan?: RestorePlan;
  /** Aborted on SIGINT/SIGTERM: no write starts after it (see applyPlan). */
  signal?: AbortSignal;
  /** Called with the plan before anything is written, so it is shown first. */
  onPlan?: (plan: RestorePlan) => Promise<void> | void;
}

export interface RestoreRunResult {
  loaded: LoadedBackup;
  plan: RestorePlan;
  applied?: ApplyResult;
}

/** Reads the backup where it is, plans against live SSM in the target region, and applies if asked. */
export async function runRestore(input: RestoreRunInput): Promise<RestoreRunResult> {
  const { target } = input;
  const sourceRegion = input.sourceRegion ?? target.region;
  const loaded = await target.in(sourceRegion).load(input.from);
  const backup = loaded.doc.parameters;
  const [accountId, live] = await Promise.all([
    accountIdOf(target.clients.sts),
    target.collectLive(backup.some((p) => p.Tags)),
  ]);

  const plan = planRestore({
    environment: target.env,
    source: loaded.origin,
    from: loaded.key ?? (input.from.kind === 'file' ? `file:${input.from.path}` : 'latest'),
    backupSha256: loaded.sha256Hex,
    backup,
    live: live.parameters,
    sourceRegion: loaded.doc.region ?? sourceRegion,
    targetRegion: target.region,
    accountId,
    kmsKeyOverride: input.kmsKeyId,
    includeRunnerKeys: input.includeRunnerKeys,
  });
  if (input.reviewedPlan) {
    const changes = planChanges(input.reviewedPlan, plan);
    if (changes.length) {
      throw new StalePlanError(
        `the reviewed plan no longer holds (${count(changes.length, 'change')}); nothing was written. Make a new ` +
          `plan: ${changes.slice(0, 20).join('; ')}`,
      );
    }
  }
  await input.onPlan?.(plan);
  if (!input.apply) return { loaded, plan };
  const applied = await applyPlan({
    ssm: target.clients.ssm,
    plan,
    backup,
    live: live.parameters,
    overwrite: input.overwrite,
    concurrency: target.concurrency,
    ...(input.signal ? { signal: input.signal } : {}),
    onProgress: (done, total) => target.listener({ type: 'apply-progress', region: target.region, done, total }),
  });
  return { loaded, plan, applied };
}
