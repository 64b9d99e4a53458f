import { differences, driftBetween } from '../../../src/restore/compare';
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

describe('Function: driftBetween', () => {
  it('names what is missing, extra and changed, each sorted by name, the KMS key never counted', () => {
    const backup = [p('/dev/b'), p('/dev/a', { Description: 'old' }), p('/dev/gone'), p('/dev/same')];
    const live = [
      p('/dev/same'),
      p('/dev/z-new'),
      p('/dev/b', { Type: 'SecureString', KeyId: 'alias/other' }),
      p('/dev/a', { Description: 'new' }),
      p('/dev/c-new'),
    ];
    expect(driftBetween(backup, live)).toEqual({
      missing: ['/dev/gone'],
      extra: ['/dev/c-new', '/dev/z-new'],
      changed: [
        { name: '/dev/a', differences: ['description'] },
        { name: '/dev/b', differences: ['type'] },
      ],
    });
    const keyOnly = driftBetween(
      [p('/dev/s', { Type: 'SecureString', KeyId: 'alias/a' })],
      [p('/dev/s', { Type: 'SecureString', KeyId: 'alias/b' })],
    );
    expect(keyOnly).toEqual({ missing: [], extra: [], changed: [] });
  });

  it('leaves its inputs in their order', () => {
    const backup = [p('/dev/b'), p('/dev/a')];
    driftBetween(backup, []);
    expect(backup.map((x) => x.Name)).toEqual(['/dev/b', '/dev/a']);
  });
});

describe('Function: differences, with a wanted key', () => {
  it('compares the key the restore would use, and only for a SecureString', () => {
    const secure = (KeyId: string) => p('/s', { Type: 'SecureString', KeyId });
    expect(differences(secure('alias/a'), secure('alias/b'))).toEqual([]);
    expect(differences(secure('alias/a'), secure('alias/b'), 'alias/b')).toEqual([]);
    expect(differences(secure('alias/b'), secure('alias/b'), 'alias/c')).toEqual(['kms-key']);
    expect(differences(p('/s'), p('/s'), 'alias/c')).toEqual([]);
  });
});
