import { createHmac, randomBytes } from 'node:crypto';
import { compareNames } from '../contract';
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

/** One parameter as a comparison needs it: its metadata and a keyed hash of its value, no value. */
export interface Fingerprint {
  name: string;
  type: string;
  valueHash: string;
  description: string;
  tier: string;
  dataType: string;
  keyId?: string;
  allowedPattern: string;
  policies: string;
  /** Absent when the source did not record tags (a backup made without --with-tags). */
  tags?: string;
  version?: number;
  lastModified?: string;
  lastModifiedUser?: string;
}

export function fingerprint(p: BackedUpParameter, hasher: ValueHasher): Fingerprint {
  return {
    name: p.Name,
    type: p.Type,
    valueHash: hasher.hash(p.Value),
    description: p.Description ?? '',
    // Intelligent-Tiering is a request, not a state: SSM stores Standard or Advanced.
    tier: p.Tier === 'Advanced' ? 'Advanced' : 'Standard',
    dataType: p.DataType ?? 'text',
    ...(p.Type === 'SecureString' && p.KeyId ? { keyId: p.KeyId } : {}),
    allowedPattern: p.AllowedPattern ?? '',
    policies: JSON.stringify((p.Policies ?? []).map((policy) => normalizeJson(policy.PolicyText ?? '')).sort()),
    ...(p.Tags ? { tags: JSON.stringify([...p.Tags].sort((a, b) => compareNames(a.Key, b.Key))) } : {}),
    ...(p.Version !== undefined ? { version: p.Version } : {}),
    ...(p.LastModifiedDate ? { lastModified: p.LastModifiedDate } : {}),
    ...(p.LastModifiedUser ? { lastModifiedUser: p.LastModifiedUser } : {}),
  };
}

function normalizeJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
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

/** The fields that differ between two fingerprints of one parameter; value changes carry hashes only. */
export function fieldChanges(a: Fingerprint, b: Fingerprint): FieldChange[] {
  const changes: FieldChange[] = [];
  if (a.valueHash !== b.valueHash) changes.push({ field: 'value', from: a.valueHash, to: b.valueHash });
  if (a.type !== b.type) changes.push({ field: 'type', from: a.type, to: b.type });
  if (a.description !== b.description) changes.push({ field: 'description', from: a.description, to: b.description });
  if (a.tier !== b.tier) changes.push({ field: 'tier', from: a.tier, to: b.tier });
  if (a.dataType !== b.dataType) changes.push({ field: 'data-type', from: a.dataType, to: b.dataType });
  if (a.keyId && b.keyId && a.keyId !== b.keyId) changes.push({ field: 'kms-key' });
  if (a.allowedPattern !== b.allowedPattern) changes.push({ field: 'allowed-pattern' });
  if (a.policies !== b.policies) changes.push({ field: 'policies' });
  // Tags count only when both sides recorded them.
  if (a.tags !== undefined && b.tags !== undefined && a.tags !== b.tags) changes.push({ field: 'tags' });
  return changes;
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
    if (!before && after) entries.push({ kind: 'added', name, valueHash: after.valueHash });
    else if (before && !after) entries.push({ kind: 'removed', name, valueHash: before.valueHash });
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
