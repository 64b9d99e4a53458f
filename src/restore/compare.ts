import { compareNames } from '../contract';
import { changedFields, comparableFields, type ParameterField } from '../parameterFields';
import type { BackedUpParameter } from '../types';

/** What can differ between a backed-up parameter and the live one; never carries the values. */
export type Difference = ParameterField;

/**
 * The differences that a restore would put right. `wantedKeyId` is the key the restore would use
 * (see kms.ts): the backup's own key does not matter, and without a wanted key the key is not compared.
 */
export function differences(backup: BackedUpParameter, live: BackedUpParameter, wantedKeyId?: string): Difference[] {
  const restored = comparableFields(backup);
  if (wantedKeyId && backup.Type === 'SecureString') restored.keyId = wantedKeyId;
  return changedFields(restored, comparableFields(live), wantedKeyId ? [] : ['kms-key']);
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
      const found = changedFields(comparableFields(parameter), comparableFields(current), ['kms-key']);
      if (found.length) drift.changed.push({ name: parameter.Name, differences: found });
    }
  }
  drift.extra = live
    .map((p) => p.Name)
    .filter((name) => !backedUp.has(name))
    .sort(compareNames);
  return drift;
}
