import { changedFields, comparableFields, dataTypeOf, PARAMETER_FIELDS, storedTier } from '../../src/parameterFields';
import type { BackedUpParameter } from '../../src/types';
import { backedUp } from './support/mocks';

const fields = (extra: Partial<BackedUpParameter> = {}) => comparableFields(backedUp('/a/dev/x', extra));

describe('Function: comparableFields', () => {
  it("writes out SSM's defaults, so absent and default compare equal", () => {
    expect(fields({ Tier: 'Intelligent-Tiering', DataType: undefined, Description: undefined })).toEqual(
      fields({ Tier: 'Standard', DataType: 'text', Description: '' }),
    );
    expect(storedTier(backedUp('/x', { Tier: 'Advanced' }))).toBe('Advanced');
    expect(storedTier(backedUp('/x', { Tier: 'Intelligent-Tiering' }))).toBe('Standard');
    expect(dataTypeOf(backedUp('/x', { DataType: 'aws:ec2:image' }))).toBe('aws:ec2:image');
    expect(dataTypeOf(backedUp('/x'))).toBe('text');
  });

  it('keeps the value itself unless given a token for it', () => {
    expect(fields({ Value: 'v1' }).value).toBe('v1');
    expect(comparableFields(backedUp('/x', { Value: 'v1' }), (v) => `#${v.length}`).value).toBe('#2');
  });

  it('records a KMS key for a SecureString only, and tags only when the parameter has them', () => {
    expect(fields({ Type: 'String', KeyId: 'alias/k' }).keyId).toBeUndefined();
    expect(fields({ Type: 'SecureString', KeyId: 'alias/k' }).keyId).toBe('alias/k');
    expect(fields().tags).toBeUndefined();
    expect(fields({ Tags: [] }).tags).toBe('[]');
  });
});

describe('Function: changedFields', () => {
  it('names every field that differs, in the order reports use', () => {
    const a = fields({ Tags: [{ Key: 'k', Value: '1' }], Type: 'SecureString', KeyId: 'alias/a' });
    const b = comparableFields(
      backedUp('/a/dev/x', {
        Value: 'other',
        Type: 'SecureString',
        Description: 'd',
        Tier: 'Advanced',
        AllowedPattern: '^a$',
        DataType: 'aws:ec2:image',
        Policies: [{ PolicyText: '{"Type":"Expiration"}' }],
        KeyId: 'alias/b',
        Tags: [{ Key: 'k', Value: '2' }],
      }),
    );
    expect(changedFields(a, b)).toEqual(PARAMETER_FIELDS.filter((f) => f !== 'type'));
    expect(changedFields(a, a)).toEqual([]);
  });

  it('leaves out the fields a caller ignores, by name, and only those', () => {
    const a = fields({ Type: 'SecureString', KeyId: 'alias/a' });
    const b = fields({ Type: 'SecureString', KeyId: 'alias/b', Description: 'd' });
    expect(changedFields(a, b, ['kms-key'])).toEqual(['description']);
    expect(changedFields(a, b, ['description'])).toEqual(['kms-key']);
  });

  it('compares policies by their JSON and tags in any order', () => {
    const policy = (text: string) => fields({ Policies: [{ PolicyText: text }] });
    expect(changedFields(policy('{ "Type": "Expiration" }'), policy('{"Type":"Expiration"}'))).toEqual([]);
    expect(changedFields(policy('not json'), policy('not json '))).toEqual(['policies']);
    const tags = (keys: string[]) => fields({ Tags: keys.map((Key) => ({ Key, Value: Key })) });
    expect(changedFields(tags(['a', 'b']), tags(['b', 'a']))).toEqual([]);
    expect(changedFields(tags(['a']), tags(['a', 'b']))).toEqual(['tags']);
  });

  it('compares the KMS key and the tags only when both sides recorded them', () => {
    const secure = (KeyId?: string) => fields({ Type: 'SecureString', ...(KeyId ? { KeyId } : {}) });
    expect(changedFields(secure('alias/a'), secure())).toEqual([]);
    expect(changedFields(secure(), secure('alias/a'))).toEqual([]);
    expect(changedFields(fields({ Tags: [{ Key: 'a', Value: '1' }] }), fields())).toEqual([]);
    expect(changedFields(fields(), fields({ Tags: [] }))).toEqual([]);
  });
});
