import { compareNames } from '../contract';
import type { BackedUpParameter } from '../types';

/** What can differ between a backed-up parameter and the live one; never carries the values. */
export type Difference =
  | 'value'
  | 'type'
  | 'description'
  | 'tier'
  | 'allowed-pattern'
  | 'data-type'
  | 'policies'
  | 'kms-key'
  | 'tags';

/**
 * The differences that a restore would put right. `wantedKeyId` is the key the restore would use
 * (see kms.ts); tags only count when the backup holds them.
 */
export function differences(backup: BackedUpParameter, live: BackedUpParameter, wantedKeyId?: string): Difference[] {
  const found: Difference[] = [];
  if (backup.Value !== live.Value) found.push('value');
  if (backup.Type !== live.Type) found.push('type');
  if ((backup.Description ?? '') !== (live.Description ?? '')) found.push('description');
  if (tierOf(backup) !== tierOf(live)) found.push('tier');
  if ((backup.AllowedPattern ?? '') !== (live.AllowedPattern ?? '')) found.push('allowed-pattern');
  if ((backup.DataType ?? 'text') !== (live.DataType ?? 'text')) found.push('data-type');
  if (policyTexts(backup) !== policyTexts(live)) found.push('policies');
  if (
    backup.Type === 'SecureString' &&
    live.Type === 'SecureString' &&
    wantedKeyId &&
    wantedKeyId !== (live.KeyId ?? '')
  )
    found.push('kms-key');
  if (backup.Tags && tagText(backup.Tags) !== tagText(live.Tags ?? [])) found.push('tags');
  return found;
}

/** Intelligent-Tiering is a request, not a state: SSM stores Standard or Advanced. */
function tierOf(p: BackedUpParameter): string {
  return p.Tier === 'Advanced' ? 'Advanced' : 'Standard';
}

function policyTexts(p: BackedUpParameter): string {
  return JSON.stringify((p.Policies ?? []).map((policy) => normalizeJson(policy.PolicyText ?? '')).sort());
}

function normalizeJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

function tagText(tags: { Key: string; Value: string }[]): string {
  return JSON.stringify([...tags].sort((a, b) => compareNames(a.Key, b.Key)));
}

/** How live SSM differs from a backup, by name: what is gone, what is new, what changed (and which fields). */
export interface Drift {
  missing: string[];
  extra: string[];
  changed: { name: string; differences: Difference[] }[];
}

export function driftBetween(backup: readonly BackedUpParameter[], live: readonly BackedUpParameter[]): Drift {
  const liveByName = new Map(live.map((p) => [p.Name, p]));
  const backedUp = new Set(backup.map((p) => p.Name));
  const drift: Drift = { missing: [], extra: [], changed: [] };
  for (const parameter of [...backup].sort((a, b) => compareNames(a.Name, b.Name))) {
    const current = liveByName.get(parameter.Name);
    if (!current) drift.missing.push(parameter.Name);
    else {
      // The key a SecureString is encrypted with is the restore's concern (kms.ts), not drift.
      const found = differences(parameter, current, current.KeyId);
      if (found.length) drift.changed.push({ name: parameter.Name, differences: found });
    }
  }
  drift.extra = live
    .map((p) => p.Name)
    .filter((name) => !backedUp.has(name))
    .sort(compareNames);
  return drift;
}
