import { chooseKey } from '../../../src/restore/kms';

describe('Function: chooseKey', () => {
  const base = { sourceRegion: 'us-west-2', targetRegion: 'us-west-2', accountId: '123456789012' };
  it('keeps the AWS-managed key, a same-region same-account ARN, and region-local ids in the same region', () => {
    expect(chooseKey({ ...base, keyId: 'alias/aws/ssm' })).toEqual({ kind: 'kept', keyId: 'alias/aws/ssm' });
    expect(chooseKey({ ...base, keyId: 'arn:aws:kms:us-west-2:123456789012:key/k1' })).toEqual({
      kind: 'kept',
      keyId: 'arn:aws:kms:us-west-2:123456789012:key/k1',
    });
    expect(chooseKey({ ...base, keyId: 'alias/team' })).toEqual({ kind: 'kept', keyId: 'alias/team' });
  });
  it('keeps the AWS-managed key across regions too: every region has its own alias/aws/ssm', () => {
    expect(chooseKey({ ...base, targetRegion: 'eu-west-1', keyId: 'alias/aws/ssm' })).toEqual({
      kind: 'kept',
      keyId: 'alias/aws/ssm',
    });
  });
  it('replaces a key of another region or account with the override, else the default key', () => {
    expect(
      chooseKey({
        ...base,
        targetRegion: 'eu-west-1',
        keyId: 'arn:aws:kms:us-west-2:123456789012:key/k1',
        override: 'alias/dr',
      }),
    ).toEqual({
      kind: 'replaced',
      from: 'arn:aws:kms:us-west-2:123456789012:key/k1',
      keyId: 'alias/dr',
      reason: 'key of region us-west-2',
    });
    expect(chooseKey({ ...base, keyId: 'arn:aws:kms:us-west-2:999999999999:key/k1' })).toMatchObject({
      kind: 'replaced',
      keyId: undefined,
      reason: 'key of account 999999999999',
    });
    expect(chooseKey({ ...base, targetRegion: 'eu-west-1', keyId: 'alias/team' })).toMatchObject({
      kind: 'replaced',
      reason: 'key of region us-west-2',
    });
  });
});
