import type { RegionClients } from '../aws/clients';
import { loadBackup, type BackupSource, type LoadedBackup } from '../backup/source';
import { BackupStore } from '../backup/store';
import { applyPlan, type ApplyResult } from '../restore/apply';
import { planRestore, type RestorePlan } from '../restore/plan';
import { resolveBucket } from '../ssm/buckets';
import { collectParameters } from '../ssm/collect';
import { accountIdOf } from './backupRun';
import type { RunListener } from './events';

export interface RestoreRunInput {
  env: string;
  homeRegion: string;
  targetRegion: string;
  /** Whose bucket to read: the target's by default; another region's for disaster recovery. */
  sourceRegion?: string;
  from: BackupSource;
  apply: boolean;
  overwrite: boolean;
  kmsKeyId?: string;
  concurrency: number;
  writesPerSecond: number;
  clientsFor: (region: string) => RegionClients;
  listener?: RunListener;
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
  const listener = input.listener ?? (() => {});
  const sourceRegion = input.sourceRegion ?? input.targetRegion;
  const target = input.clientsFor(input.targetRegion);
  const { loaded } = await loadFromRegion(input, sourceRegion);
  listener({ type: 'backup-loaded', origin: loaded.origin, count: loaded.doc.parameter_count, checksum: loaded.checksum });

  const accountId = await accountIdOf(target);
  const backup = loaded.doc.parameters;
  const live = await collectParameters({ ssm: target.ssm, env: input.env, concurrency: input.concurrency, withTags: backup.some((p) => p.Tags) });
  listener({ type: 'live-collected', region: input.targetRegion, count: live.parameters.length });

  const plan = planRestore({
    environment: input.env,
    source: loaded.origin,
    backup,
    live: live.parameters,
    sourceRegion: loaded.doc.region ?? sourceRegion,
    targetRegion: input.targetRegion,
    accountId,
    kmsKeyOverride: input.kmsKeyId,
  });
  await input.onPlan?.(plan);
  if (!input.apply) return { loaded, plan };
  const applied = await applyPlan({
    ssm: target.ssm,
    plan,
    backup,
    live: live.parameters,
    overwrite: input.overwrite,
    writesPerSecond: input.writesPerSecond,
    concurrency: input.concurrency,
    onProgress: (done, total) => listener({ type: 'apply-progress', region: input.targetRegion, done, total }),
  });
  return { loaded, plan, applied };
}

/** Reads a backup from a file, or from the region's bucket (whose store is returned for further use). */
export async function loadFromRegion(
  input: { env: string; homeRegion: string; from: BackupSource; clientsFor: (region: string) => RegionClients },
  region: string,
): Promise<{ loaded: LoadedBackup; store?: BackupStore }> {
  if (input.from.kind === 'file') return { loaded: await loadBackup(input.from, input.env) };
  const store = await regionStore(input, region);
  return { loaded: await loadBackup(input.from, input.env, store), store };
}

export async function regionStore(input: { env: string; homeRegion: string; clientsFor: (region: string) => RegionClients }, region: string): Promise<BackupStore> {
  const clients = input.clientsFor(region);
  return new BackupStore(clients.s3, await resolveBucket({ env: input.env, region, homeRegion: input.homeRegion, ssm: clients.ssm }));
}
