import { diffFingerprints, fieldChanges, fingerprint, fingerprintAll, ValueHasher } from '../../../src/history/diff';
import type { BackedUpParameter } from '../../../src/types';
import { backedUp } from '../support/mocks';

const p = backedUp;

describe('Class: ValueHasher', () => {
  it('never gives back the value, and gives equal values equal hashes within a run', () => {
    const hasher = new ValueHasher();
    for (const value of ['', 'a', 'SECRET-xyz', 'x'.repeat(5000), '0123456789abcdef']) {
      expect(hasher.hash(value)).toMatch(/^[0-9a-f]{16}$/);
      expect(hasher.hash(value)).not.toBe(value);
      expect(hasher.hash(value)).toBe(hasher.hash(value));
    }
    expect(hasher.hash('a')).not.toBe(hasher.hash('b'));
  });

  it('is not stable across runs: each run has its own key', () => {
    const [one, two] = [new ValueHasher(), new ValueHasher()];
    expect(one.hash('SECRET-xyz')).not.toBe(two.hash('SECRET-xyz'));
  });
});

describe('Function: fieldChanges', () => {
  const hasher = new ValueHasher();
  const f = (extra: Partial<BackedUpParameter>) => fingerprint(p('/a/dev/x', extra), hasher);

  it('finds nothing between equal parameters, absent and empty alike', () => {
    expect(
      fieldChanges(
        f({ Description: undefined, Tier: 'Intelligent-Tiering' }),
        f({ Description: '', Tier: 'Standard' }),
      ),
    ).toEqual([]);
  });

  it('carries old and new for metadata that is not secret, and only hashes for the value', () => {
    const changes = fieldChanges(
      f({ Description: 'old' }),
      f({ Value: 'SECRET-new', Description: 'new', Tier: 'Advanced', Type: 'SecureString' }),
    );
    expect(changes.map((c) => c.field)).toEqual(['value', 'type', 'description', 'tier']);
    expect(changes[2]).toEqual({ field: 'description', from: 'old', to: 'new' });
    expect(JSON.stringify(changes)).not.toContain('SECRET-');
  });

  it('compares policies as JSON and names them, and the KMS key when both sides have one', () => {
    const policy = (text: string) => f({ Policies: [{ PolicyText: text }] });
    expect(
      fieldChanges(policy('{"Type":"Expiration", "Version":"1.0"}'), policy('{"Type":"Expiration","Version":"1.0"}')),
    ).toEqual([]);
    expect(fieldChanges(policy('{"Type":"Expiration"}'), policy('{"Type":"NoChangeNotification"}'))).toEqual([
      { field: 'policies' },
    ]);
    const key = (keyId?: string) => f({ Type: 'SecureString', ...(keyId ? { KeyId: keyId } : {}) });
    expect(fieldChanges(key('alias/a'), key('alias/b'))).toEqual([{ field: 'kms-key' }]);
    expect(fieldChanges(key('alias/a'), key())).toEqual([]);
  });

  it('compares tags only when both sides recorded them, in any order', () => {
    const tags = (list?: { Key: string; Value: string }[]) => f(list ? { Tags: list } : {});
    expect(fieldChanges(tags([{ Key: 'a', Value: '1' }]), tags())).toEqual([]);
    const ab = tags([
      { Key: 'b', Value: '2' },
      { Key: 'a', Value: '1' },
    ]);
    const ba = tags([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
    expect(fieldChanges(ab, ba)).toEqual([]);
    expect(fieldChanges(tags([{ Key: 'a', Value: '1' }]), tags([{ Key: 'a', Value: '2' }]))).toEqual([
      { field: 'tags' },
    ]);
  });
});

describe('Function: diffFingerprints', () => {
  it('names what was added, removed and changed, sorted, never values', () => {
    const hasher = new ValueHasher();
    const before = fingerprintAll([p('/a/dev/keep'), p('/a/dev/gone'), p('/a/dev/edit')], hasher);
    const after = fingerprintAll(
      [p('/a/dev/new'), p('/a/dev/keep'), p('/a/dev/edit', { Value: 'SECRET-edited' })],
      hasher,
    );
    const entries = diffFingerprints(before, after);
    expect(entries.map((e) => [e.kind, e.name])).toEqual([
      ['changed', '/a/dev/edit'],
      ['removed', '/a/dev/gone'],
      ['added', '/a/dev/new'],
    ]);
    expect(JSON.stringify(entries)).not.toContain('SECRET-');
    expect(diffFingerprints(before, before)).toEqual([]);
  });
});
