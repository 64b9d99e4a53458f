import { createHmac, randomBytes } from 'node:crypto';
import { compareNames } from '../contract';
import { type ComparableFields, changedFields, comparableFields, type ParameterField } from '../parameterFields';
import type { BackedUpParameter } from '../types';

/**
 * Values are compared, never shown. For correlating lines a person may ask for a short keyed hash:
 * HMAC-SHA-256 under a key made fresh for each run, so a hash means nothing outside that run (it
 * cannot be looked up, guessed offline, or matched against another run's output).
 */
export class ValueHasher {
  private readonly key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  hash(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex').slice(0, 16);
  }
}

/** One parameter as a comparison needs it: its compared fields, with a keyed hash for its value, and when. */
export interface Fingerprint extends ComparableFields {
  name: string;
  version?: number;
  lastModified?: string;
  lastModifiedUser?: string;
}

export function fingerprint(p: BackedUpParameter, hasher: ValueHasher): Fingerprint {
  return {
    name: p.Name,
    ...comparableFields(p, (value) => hasher.hash(value)),
    ...(p.Version !== undefined ? { version: p.Version } : {}),
    ...(p.LastModifiedDate ? { lastModified: p.LastModifiedDate } : {}),
    ...(p.LastModifiedUser ? { lastModifiedUser: p.LastModifiedUser } : {}),
  };
}

/** A changed field: metadata that is not secret carries old and new; the rest is only named. */
export type FieldChange =
  | { field: 'value'; from: string; to: string }
  | { field: 'type' | 'description' | 'tier' | 'data-type'; from: string; to: string }
  | { field: 'kms-key' | 'allowed-pattern' | 'policies' | 'tags' };

export type DiffEntry =
  | { kind: 'added'; name: string; valueHash: string }
  | { kind: 'removed'; name: string; valueHash: string }
  | { kind: 'changed'; name: string; changes: FieldChange[] };

/** Metadata that is not secret, shown old and new; `value` shows only its hashes. */
const SHOWN: Partial<Record<ParameterField, (f: Fingerprint) => string>> = {
  value: (f) => f.value,
  type: (f) => f.type,
  description: (f) => f.description,
  tier: (f) => f.tier,
  'data-type': (f) => f.dataType,
};

/** The fields that differ between two fingerprints of one parameter; value changes carry hashes only. */
export function fieldChanges(a: Fingerprint, b: Fingerprint): FieldChange[] {
  return changedFields(a, b).map((field) => {
    const shown = SHOWN[field];
    return (shown ? { field, from: shown(a), to: shown(b) } : { field }) as FieldChange;
  });
}

/** ADDED / REMOVED / CHANGED from `a` to `b`, by name. */
export function diffFingerprints(
  a: ReadonlyMap<string, Fingerprint>,
  b: ReadonlyMap<string, Fingerprint>,
): DiffEntry[] {
  const entries: DiffEntry[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort(compareNames)) {
    const before = a.get(name);
    const after = b.get(name);
    if (!before && after) entries.push({ kind: 'added', name, valueHash: after.value });
    else if (before && !after) entries.push({ kind: 'removed', name, valueHash: before.value });
    else if (before && after) {
      const changes = fieldChanges(before, after);
      if (changes.length) entries.push({ kind: 'changed', name, changes });
    }
  }
  return entries;
}

/** Fingerprints by name; the parameters (and their values) can be dropped afterwards. */
export function fingerprintAll(
  parameters: readonly BackedUpParameter[],
  hasher: ValueHasher,
): Map<string, Fingerprint> {
  return new Map(parameters.map((p) => [p.Name, fingerprint(p, hasher)]));
}
