import { differences } from '../../../src/restore/compare';
import { chooseKey } from '../../../src/restore/kms';
import { formatPlan, planRestore } from '../../../src/restore/plan';
import type { BackedUpParameter } from '../../../src/types';

const p = (name: string, extra: Partial<BackedUpParameter> = {}): BackedUpParameter => ({ Name: name, Type: 'String', Value: `SECRET-${name}`, Tier: 'Standard', DataType: 'text', ...extra });

describe('Function: differences', () => {
  it('finds nothing between equal parameters, treating absent and empty alike', () => {
    expect(differences(p('/a', { Description: undefined }), p('/a', { Description: '' }))).toEqual([]);
    expect(differences(p('/a', { Tier: 'Intelligent-Tiering' }), p('/a', { Tier: 'Standard' }))).toEqual([]);
  });

  it('names every differing field, never the values', () => {
    const backup = p('/a', { Description: 'd1', Tier: 'Advanced', AllowedPattern: '^x', DataType: 'aws:ec2:image', Policies: [{ PolicyText: '{"Type":"Expiration"}' }], Tags: [{ Key: 'k', Value: 'v' }] });
    const live = p('/a', { Value: 'other', Type: 'SecureString', Description: 'd2', Tags: [] });
    expect(differences(backup, live)).toEqual(['value', 'type', 'description', 'tier', 'allowed-pattern', 'data-type', 'policies', 'tags']);
  });

  it('compares policies as JSON, and tags only when the backup has them', () => {
    expect(differences(p('/a', { Policies: [{ PolicyText: '{"Type":"Expiration", "Version":"1.0"}' }] }), p('/a', { Policies: [{ PolicyText: '{"Type":"Expiration","Version":"1.0"}' }] }))).toEqual([]);
    expect(differences(p('/a'), p('/a', { Tags: [{ Key: 'x', Value: 'y' }] }))).toEqual([]);
    expect(differences(p('/a', { Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: '1' }] }), p('/a', { Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }))).toEqual([]);
  });

  it('reports a SecureString whose key differs from the one the restore would use', () => {
    const s = (keyId: string) => p('/s', { Type: 'SecureString', KeyId: keyId });
    expect(differences(s('alias/aws/ssm'), s('alias/other'), 'alias/aws/ssm')).toEqual(['kms-key']);
    expect(differences(s('alias/aws/ssm'), s('alias/aws/ssm'), 'alias/aws/ssm')).toEqual([]);
  });
});

describe('Function: chooseKey', () => {
  const base = { sourceRegion: 'us-west-2', targetRegion: 'us-west-2', accountId: '123456789012' };
  it('keeps the AWS-managed key, a same-region same-account ARN, and region-local ids in the same region', () => {
    expect(chooseKey({ ...base, keyId: 'alias/aws/ssm' })).toEqual({ kind: 'kept', keyId: 'alias/aws/ssm' });
    expect(chooseKey({ ...base, keyId: 'arn:aws:kms:us-west-2:123456789012:key/k1' })).toEqual({ kind: 'kept', keyId: 'arn:aws:kms:us-west-2:123456789012:key/k1' });
    expect(chooseKey({ ...base, keyId: 'alias/team' })).toEqual({ kind: 'kept', keyId: 'alias/team' });
  });
  it('replaces a key of another region or account with the override, else the default key', () => {
    expect(chooseKey({ ...base, targetRegion: 'eu-west-1', keyId: 'arn:aws:kms:us-west-2:123456789012:key/k1', override: 'alias/dr' })).toEqual({
      kind: 'replaced',
      from: 'arn:aws:kms:us-west-2:123456789012:key/k1',
      keyId: 'alias/dr',
      reason: 'key of region us-west-2',
    });
    expect(chooseKey({ ...base, keyId: 'arn:aws:kms:us-west-2:999999999999:key/k1' })).toMatchObject({ kind: 'replaced', keyId: undefined, reason: 'key of account 999999999999' });
    expect(chooseKey({ ...base, targetRegion: 'eu-west-1', keyId: 'alias/team' })).toMatchObject({ kind: 'replaced', reason: 'key of region us-west-2' });
  });
});

describe('Function: planRestore', () => {
  const plan = planRestore({
    environment: 'dev',
    source: 's3://b/k.json',
    backup: [p('/dev/c'), p('/dev/a'), p('/dev/b', { Description: 'x' }), p('/dev/s', { Type: 'SecureString', KeyId: 'arn:aws:kms:us-west-2:123456789012:key/k' })],
    live: [p('/dev/a'), p('/dev/b'), p('/dev/extra')],
    sourceRegion: 'us-west-2',
    targetRegion: 'eu-west-1',
    accountId: '123456789012',
  });

  it('classifies each parameter, sorted, and lists extras', () => {
    expect(plan.entries.map((e) => [e.action, e.name])).toEqual([
      ['unchanged', '/dev/a'],
      ['update', '/dev/b'],
      ['create', '/dev/c'],
      ['create', '/dev/s'],
    ]);
    expect(plan.entries[1]).toMatchObject({ differences: ['description'] });
    expect(plan.extra).toEqual(['/dev/extra']);
    expect(plan.counts).toEqual({ create: 2, update: 1, unchanged: 1, extra: 1 });
  });

  it('prints names, fields and KMS decisions, never values', () => {
    const text = formatPlan(plan, { overwrite: false }).join('\n');
    expect(text).toContain('CREATE    /dev/c');
    expect(text).toContain('UPDATE    /dev/b (description) [skipped without --overwrite]');
    expect(text).toContain('CREATE    /dev/s; kms: key of region us-west-2 replaced by the account default key');
    expect(text).toContain('EXTRA     /dev/extra (not in the backup; left alone)');
    expect(text).toContain('2 to create, 1 to update, 1 unchanged, 1 extra');
    expect(text).not.toContain('SECRET-');
    expect(JSON.stringify(plan)).not.toContain('SECRET-');
  });
});
