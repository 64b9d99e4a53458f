import { differences } from '../../../src/restore/compare';
import { backedUp } from '../support/mocks';

const p = backedUp;

describe('Function: differences', () => {
  it('finds nothing between equal parameters, treating absent and empty alike', () => {
    expect(differences(p('/a', { Description: undefined }), p('/a', { Description: '' }))).toEqual([]);
    expect(differences(p('/a', { Tier: 'Intelligent-Tiering' }), p('/a', { Tier: 'Standard' }))).toEqual([]);
  });

  it('names every differing field, never the values', () => {
    const backup = p('/a', {
      Description: 'd1',
      Tier: 'Advanced',
      AllowedPattern: '^x',
      DataType: 'aws:ec2:image',
      Policies: [{ PolicyText: '{"Type":"Expiration"}' }],
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    const live = p('/a', { Value: 'other', Type: 'SecureString', Description: 'd2', Tags: [] });
    expect(differences(backup, live)).toEqual([
      'value',
      'type',
      'description',
      'tier',
      'allowed-pattern',
      'data-type',
      'policies',
      'tags',
    ]);
  });

  it('compares policies as JSON, and tags only when the backup has them', () => {
    expect(
      differences(
        p('/a', { Policies: [{ PolicyText: '{"Type":"Expiration", "Version":"1.0"}' }] }),
        p('/a', { Policies: [{ PolicyText: '{"Type":"Expiration","Version":"1.0"}' }] }),
      ),
    ).toEqual([]);
    expect(differences(p('/a'), p('/a', { Tags: [{ Key: 'x', Value: 'y' }] }))).toEqual([]);
    expect(
      differences(
        p('/a', {
          Tags: [
            { Key: 'b', Value: '2' },
            { Key: 'a', Value: '1' },
          ],
        }),
        p('/a', {
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('reports a SecureString whose key differs from the one the restore would use', () => {
    const s = (keyId: string) => p('/s', { Type: 'SecureString', KeyId: keyId });
    expect(differences(s('alias/aws/ssm'), s('alias/other'), 'alias/aws/ssm')).toEqual(['kms-key']);
    expect(differences(s('alias/aws/ssm'), s('alias/aws/ssm'), 'alias/aws/ssm')).toEqual([]);
  });
});
