import { compareNames } from '../ssm/collect';
import type { BackedUpParameter } from '../types';
import { differences, type Difference } from './compare';
import { chooseKey, type KeyChoice } from './kms';

/** One parameter's fate in a restore; names and field names only, never values. */
export type PlanEntry =
  | { action: 'create'; name: string; kms?: KeyChoice }
  | { action: 'update'; name: string; differences: Difference[]; kms?: KeyChoice }
  | { action: 'unchanged'; name: string };

export interface RestorePlan {
  environment: string;
  source: string;
  sourceRegion: string;
  targetRegion: string;
  entries: PlanEntry[];
  /** Live parameters of the environment that the backup does not hold; a restore leaves them alone. */
  extra: string[];
  counts: { create: number; update: number; unchanged: number; extra: number };
}

export function planRestore(args: {
  environment: string;
  source: string;
  backup: BackedUpParameter[];
  live: BackedUpParameter[];
  sourceRegion: string;
  targetRegion: string;
  accountId: string;
  kmsKeyOverride?: string;
}): RestorePlan {
  const live = new Map(args.live.map((p) => [p.Name, p]));
  const entries: PlanEntry[] = [];
  for (const parameter of [...args.backup].sort((a, b) => compareNames(a.Name, b.Name))) {
    const kms =
      parameter.Type === 'SecureString'
        ? chooseKey({ keyId: parameter.KeyId, sourceRegion: args.sourceRegion, targetRegion: args.targetRegion, accountId: args.accountId, override: args.kmsKeyOverride })
        : undefined;
    const current = live.get(parameter.Name);
    if (!current) {
      entries.push({ action: 'create', name: parameter.Name, ...(kms ? { kms } : {}) });
      continue;
    }
    const found = differences(parameter, current, kms?.keyId);
    entries.push(found.length ? { action: 'update', name: parameter.Name, differences: found, ...(kms ? { kms } : {}) } : { action: 'unchanged', name: parameter.Name });
  }
  const inBackup = new Set(args.backup.map((p) => p.Name));
  const extra = args.live.map((p) => p.Name).filter((name) => !inBackup.has(name)).sort(compareNames);
  const count = (action: PlanEntry['action']) => entries.filter((e) => e.action === action).length;
  return {
    environment: args.environment,
    source: args.source,
    sourceRegion: args.sourceRegion,
    targetRegion: args.targetRegion,
    entries,
    extra,
    counts: { create: count('create'), update: count('update'), unchanged: count('unchanged'), extra: extra.length },
  };
}

/** The plan as lines a person reads: one per parameter that would change, then the totals. */
export function formatPlan(plan: RestorePlan, options: { overwrite: boolean }): string[] {
  const lines = [`restore plan: ${plan.source} -> ${plan.targetRegion} (environment ${plan.environment})`];
  for (const entry of plan.entries) {
    if (entry.action === 'unchanged') continue;
    const kms = entry.kms?.kind === 'replaced' ? `; kms: ${entry.kms.reason} replaced by ${entry.kms.keyId ?? 'the account default key'}` : '';
    if (entry.action === 'create') lines.push(`  CREATE    ${entry.name}${kms}`);
    else lines.push(`  UPDATE    ${entry.name} (${entry.differences.join(', ')})${kms}${options.overwrite ? '' : ' [skipped without --overwrite]'}`);
  }
  for (const name of plan.extra) lines.push(`  EXTRA     ${name} (not in the backup; left alone)`);
  const { create, update, unchanged, extra } = plan.counts;
  lines.push(`  ${create} to create, ${update} to update, ${unchanged} unchanged, ${extra} extra`);
  return lines;
}
