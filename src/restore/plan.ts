import { belongsToEnvironment, compareNames, isRunnerKey } from '../contract';
import type { BackedUpParameter } from '../types';
import { type Difference, differences } from './compare';
import { chooseKey, type KeyChoice } from './kms';

/** What a live parameter looked like when the plan was made: enough to notice it moved, never its value. */
interface LiveStamp {
  version?: number;
  lastModified?: string;
}

/** Why a backed-up parameter is not restored at all. */
export type SkipReason = 'outside-environment' | 'runner-key';

/** One parameter's fate in a restore; names and field names only, never values. */
export type PlanEntry =
  | { action: 'create'; name: string; kms?: KeyChoice }
  | { action: 'update'; name: string; differences: Difference[]; kms?: KeyChoice; live: LiveStamp }
  | { action: 'unchanged'; name: string; live: LiveStamp }
  | { action: 'skipped'; name: string; reason: SkipReason };

type PlanAction = PlanEntry['action'];

export interface RestorePlan {
  environment: string;
  /** Where the backup was read (s3://bucket/key or file:path), and its bytes' SHA-256. */
  source: string;
  /** The object key or `file:PATH` to read the same backup again when the plan is applied. */
  from: string;
  backupSha256: string;
  sourceRegion: string;
  targetRegion: string;
  includeRunnerKeys: boolean;
  entries: PlanEntry[];
  /** Live parameters of the environment that the backup does not hold; a restore leaves them alone. */
  extra: string[];
  counts: Record<PlanAction | 'extra', number>;
}

export function planRestore(args: {
  environment: string;
  source: string;
  from: string;
  backupSha256: string;
  backup: BackedUpParameter[];
  live: BackedUpParameter[];
  sourceRegion: string;
  targetRegion: string;
  accountId: string;
  kmsKeyOverride?: string;
  includeRunnerKeys?: boolean;
}): RestorePlan {
  const env = args.environment;
  const live = new Map(args.live.map((p) => [p.Name, p]));
  const entries: PlanEntry[] = [];
  for (const parameter of [...args.backup].sort((a, b) => compareNames(a.Name, b.Name))) {
    const name = parameter.Name;
    // A backup may hold names of other environments (the old collector filtered on a bare word):
    // those are never written. The stack's own keys are the stack's, unless asked for.
    if (!belongsToEnvironment(name, env)) {
      entries.push({ action: 'skipped', name, reason: 'outside-environment' });
      continue;
    }
    if (!args.includeRunnerKeys && isRunnerKey(name, env)) {
      entries.push({ action: 'skipped', name, reason: 'runner-key' });
      continue;
    }
    const kms =
      parameter.Type === 'SecureString'
        ? chooseKey({
            keyId: parameter.KeyId,
            sourceRegion: args.sourceRegion,
            targetRegion: args.targetRegion,
            accountId: args.accountId,
            override: args.kmsKeyOverride,
          })
        : undefined;
    const current = live.get(name);
    if (!current) {
      entries.push({ action: 'create', name, ...(kms ? { kms } : {}) });
      continue;
    }
    const stamp = liveStamp(current);
    const found = differences(parameter, current, kms?.keyId);
    entries.push(
      found.length
        ? { action: 'update', name, differences: found, ...(kms ? { kms } : {}), live: stamp }
        : { action: 'unchanged', name, live: stamp },
    );
  }
  const inBackup = new Set(args.backup.map((p) => p.Name));
  const extra = args.live
    .map((p) => p.Name)
    .filter((name) => !inBackup.has(name) && (args.includeRunnerKeys || !isRunnerKey(name, env)))
    .sort(compareNames);
  const count = (action: PlanAction) => entries.filter((e) => e.action === action).length;
  return {
    environment: env,
    source: args.source,
    from: args.from,
    backupSha256: args.backupSha256,
    sourceRegion: args.sourceRegion,
    targetRegion: args.targetRegion,
    includeRunnerKeys: Boolean(args.includeRunnerKeys),
    entries,
    extra,
    counts: {
      create: count('create'),
      update: count('update'),
      unchanged: count('unchanged'),
      skipped: count('skipped'),
      extra: extra.length,
    },
  };
}

function liveStamp(p: BackedUpParameter): LiveStamp {
  return {
    ...(p.Version !== undefined ? { version: p.Version } : {}),
    ...(p.LastModifiedDate ? { lastModified: p.LastModifiedDate } : {}),
  };
}

/**
 * What moved between a reviewed plan and the same plan made again now: the backup itself, or any
 * parameter whose action, differing fields or live version changed. Empty when the plan still holds.
 */
export function planChanges(reviewed: RestorePlan, now: RestorePlan): string[] {
  const changes: string[] = [];
  if (reviewed.backupSha256 !== now.backupSha256)
    changes.push(`the backup ${reviewed.source} changed since the plan was made`);
  for (const field of ['environment', 'targetRegion', 'includeRunnerKeys'] as const) {
    if (reviewed[field] !== now[field])
      changes.push(`${field} was ${String(reviewed[field])}, is ${String(now[field])}`);
  }
  const before = new Map(reviewed.entries.map((e) => [e.name, e]));
  const after = new Map(now.entries.map((e) => [e.name, e]));
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(name);
    const is = after.get(name);
    if (!was || !is) changes.push(`${name}: ${was ? 'no longer in the plan' : 'not in the reviewed plan'}`);
    else if (JSON.stringify(comparable(was)) !== JSON.stringify(comparable(is)))
      changes.push(`${name}: was ${describe(was)}, is now ${describe(is)}`);
  }
  return changes.sort(compareNames);
}

function comparable(entry: PlanEntry): unknown {
  switch (entry.action) {
    case 'create':
      return [entry.action, entry.kms ?? null];
    case 'update':
      return [entry.action, entry.differences, entry.kms ?? null, entry.live];
    case 'unchanged':
      return [entry.action, entry.live];
    case 'skipped':
      return [entry.action, entry.reason];
  }
}

function describe(entry: PlanEntry): string {
  const version = 'live' in entry && entry.live.version !== undefined ? ` (live version ${entry.live.version})` : '';
  return `${entry.action.toUpperCase()}${version}`;
}
