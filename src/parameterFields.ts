import { compareNames } from './contract';
import type { BackedUpParameter } from './types';

/**
 * What makes two copies of a parameter the same: its fields, in the order reports name them, and
 * one rule for each. Verify and restore compare a backup with live SSM, diff and history two
 * backups; all of them through here. A command that ignores a field names it where it compares.
 */
export const PARAMETER_FIELDS = [
  'value',
  'type',
  'description',
  'tier',
  'allowed-pattern',
  'data-type',
  'policies',
  'kms-key',
  'tags',
] as const;

export type ParameterField = (typeof PARAMETER_FIELDS)[number];

/** A parameter reduced to one normalised string per field: what a comparison looks at, and nothing else. */
export interface ComparableFields {
  /** The value itself, in memory only, or a keyed hash of it (history/diff.ts): the caller chooses. */
  value: string;
  type: string;
  description: string;
  tier: string;
  dataType: string;
  allowedPattern: string;
  policies: string;
  /** The KMS key of a SecureString, when recorded. */
  keyId?: string;
  /** Absent when tags were not recorded (a backup made without --with-tags). */
  tags?: string;
}

/** Intelligent-Tiering is a request, not a state: SSM stores Standard or Advanced. */
export function storedTier(p: BackedUpParameter): 'Standard' | 'Advanced' {
  return p.Tier === 'Advanced' ? 'Advanced' : 'Standard';
}

/** SSM's default data type, written out so that absent and default compare equal. */
export function dataTypeOf(p: BackedUpParameter): string {
  return p.DataType ?? 'text';
}

export function comparableFields(
  p: BackedUpParameter,
  valueToken: (value: string) => string = (value) => value,
): ComparableFields {
  return {
    value: valueToken(p.Value),
    type: p.Type,
    description: p.Description ?? '',
    tier: storedTier(p),
    dataType: dataTypeOf(p),
    allowedPattern: p.AllowedPattern ?? '',
    policies: JSON.stringify((p.Policies ?? []).map((policy) => normalizeJson(policy.PolicyText ?? '')).sort()),
    ...(p.Type === 'SecureString' && p.KeyId ? { keyId: p.KeyId } : {}),
    ...(p.Tags ? { tags: JSON.stringify([...p.Tags].sort((a, b) => compareNames(a.Key, b.Key))) } : {}),
  };
}

/**
 * The fields that differ, in PARAMETER_FIELDS order, leaving out those in `ignoring`. The KMS key and
 * the tags count only when both sides recorded them: what was not recorded cannot be compared.
 */
export function changedFields(
  a: ComparableFields,
  b: ComparableFields,
  ignoring: readonly ParameterField[] = [],
): ParameterField[] {
  const differs: Record<ParameterField, boolean> = {
    value: a.value !== b.value,
    type: a.type !== b.type,
    description: a.description !== b.description,
    tier: a.tier !== b.tier,
    'allowed-pattern': a.allowedPattern !== b.allowedPattern,
    'data-type': a.dataType !== b.dataType,
    policies: a.policies !== b.policies,
    'kms-key': a.keyId !== undefined && b.keyId !== undefined && a.keyId !== b.keyId,
    tags: a.tags !== undefined && b.tags !== undefined && a.tags !== b.tags,
  };
  return PARAMETER_FIELDS.filter((field) => differs[field] && !ignoring.includes(field));
}

/** Policies are JSON documents: the spacing SSM returns them with does not make a change. */
function normalizeJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}
