import fc from 'fast-check';
import { backupObjectKey, backupTimestamps, buildDocument, decodeDocument, encodeDocument, timestampToDate } from '../../../src/backup/document';
import { IntegrityError } from '../../../src/errors';
import type { BackedUpParameter } from '../../../src/types';

const at = new Date('2026-11-29T13:00:05.123Z');
const parameters: BackedUpParameter[] = [
  { Name: '/jenkins/dev/a', Type: 'SecureString', Value: 's', Version: 3 },
  { Name: '/jenkins/dev/b', Type: 'StringList', Value: 'x,y' },
];

describe('Function: buildDocument', () => {
  it('has the compatible top-level fields and format 2 additions', () => {
    const doc = buildDocument({ env: 'dev', region: 'us-west-2', accountId: '123456789012', startedAt: at, parameters });
    expect(doc).toEqual({
      backup_date: '2026-11-29',
      backup_timestamp: '20261129_130005',
      environment: 'dev',
      parameter_count: 2,
      parameters,
      format_version: 2,
      region: 'us-west-2',
      account_id: '123456789012',
      tool: { name: 'ssm-backup', version: '1.0.0' },
    });
  });
});

describe('Function: backupObjectKey', () => {
  it('is {date}/ssm-backup-{env}-{timestamp}.json in UTC', () => {
    const { date, timestamp } = backupTimestamps(at);
    expect(backupObjectKey({ backup_date: date, backup_timestamp: timestamp, environment: 'prod' })).toBe('2026-11-29/ssm-backup-prod-20261129_130005.json');
    expect(backupTimestamps(new Date('2026-01-02T23:59:59Z'))).toEqual({ date: '2026-01-02', timestamp: '20260102_235959' });
  });

  it('reads a timestamp back (timestampToDate), refusing malformed ones', () => {
    expect(timestampToDate(backupTimestamps(new Date('2026-01-02T23:59:59Z')).timestamp)?.toISOString()).toBe('2026-01-02T23:59:59.000Z');
    expect(timestampToDate('2026-01-02')).toBeUndefined();
    expect(timestampToDate(undefined)).toBeUndefined();
  });
});

describe('Function: encodeDocument', () => {
  it('gives the SHA-256 of exactly the bytes it returns', () => {
    const encoded = encodeDocument(buildDocument({ env: 'dev', region: 'us-west-2', accountId: '1', startedAt: at, parameters }));
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    expect(encoded.sha256Hex).toBe(createHash('sha256').update(Buffer.concat(encoded.chunks)).digest('hex'));
    expect(Buffer.from(encoded.sha256Base64, 'base64').toString('hex')).toBe(encoded.sha256Hex);
  });
});

describe('Function: encodeDocument with releaseParameters', () => {
  it('writes one parameter per line and drops each parameter once encoded', () => {
    const owned = buildDocument({ env: 'dev', region: 'us-west-2', accountId: '1', startedAt: at, parameters: parameters.map((p) => ({ ...p })) });
    const expected = structuredClone(owned);
    const encoded = encodeDocument(owned, { releaseParameters: true });
    expect(owned.parameters).toEqual([]);
    const text = Buffer.concat(encoded.chunks).toString();
    expect(text.split('\n').filter((line) => line.trimStart().startsWith('{"Name"'))).toHaveLength(2);
    expect(decodeDocument(text, 'x')).toEqual(expected);
    expect(encoded.size).toBe(Buffer.byteLength(text));
  });

  it('encodes an empty parameter list as valid JSON', () => {
    const empty = buildDocument({ env: 'dev', region: 'us-west-2', accountId: '1', startedAt: at, parameters: [] });
    expect(JSON.parse(Buffer.concat(encodeDocument(empty).chunks).toString()).parameters).toEqual([]);
  });
});

describe('Function: decodeDocument', () => {
  it('reads the old collector\'s format (no format_version, no region)', () => {
    const old = JSON.stringify({ backup_date: '2025-10-01', backup_timestamp: '20251001_130000', environment: 'dev', parameter_count: 1, parameters: [{ Name: '/a/dev/x', Type: 'String', Value: 'v', Version: 1, LastModifiedDate: '2025-09-01T00:00:00+00:00', ARN: 'arn', DataType: 'text' }] });
    const doc = decodeDocument(old, 'old.json');
    expect(doc.format_version).toBeUndefined();
    expect(doc.parameters[0]!.Name).toBe('/a/dev/x');
  });

  it.each([
    ['not JSON', '{"parameters": [', /not valid JSON/],
    ['no parameters', '{"backup_date":"d"}', /no parameters array/],
    ['missing environment', '{"backup_date":"d","backup_timestamp":"t","parameters":[],"parameter_count":0}', /environment is missing/],
    ['count mismatch', '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameters":[],"parameter_count":2}', /parameter_count says 2 but the document holds 0/],
    ['bad parameter', '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameters":[{"Name":"/a","Type":"Nope","Value":"secret-zz"}],"parameter_count":1}', /parameters\[0\] \(\/a\)/],
    ['newer format', '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameters":[],"parameter_count":0,"format_version":9}', /format_version 9/],
  ])('refuses %s with an IntegrityError', (_label, body, message) => {
    expect(() => decodeDocument(body, 'x.json')).toThrow(IntegrityError);
    expect(() => decodeDocument(body, 'x.json')).toThrow(message);
  });

  it('never puts a value into its messages', () => {
    const body = '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameters":[{"Name":"/a","Type":"Nope","Value":"secret-zz"}],"parameter_count":1}';
    let error: unknown;
    try {
      decodeDocument(body, 'x.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toContain('/a');
    expect((error as Error).message).not.toContain('secret-zz');
  });
});

describe('Property: encode then decode', () => {
  const parameterArb = fc.record(
    {
      Name: fc.stringMatching(/^\/[a-zA-Z0-9_.\-/]{1,60}$/),
      Type: fc.constantFrom('String' as const, 'StringList' as const, 'SecureString' as const),
      Value: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }).map((items) => items.join(','))),
      Version: fc.integer({ min: 1, max: 100 }),
      Description: fc.string({ unit: 'grapheme', maxLength: 40 }),
      Tier: fc.constantFrom('Standard' as const, 'Advanced' as const, 'Intelligent-Tiering' as const),
      DataType: fc.constantFrom('text', 'aws:ec2:image'),
      AllowedPattern: fc.string({ maxLength: 20 }),
    },
    { requiredKeys: ['Name', 'Type', 'Value'] },
  );

  it('is the identity for arbitrary parameters', () => {
    fc.assert(
      fc.property(fc.array(parameterArb, { maxLength: 20 }), fc.constantFrom('dev', 'prod', 'qa.1'), (params, env) => {
        const doc = buildDocument({ env, region: 'us-west-2', accountId: '123456789012', startedAt: at, parameters: params });
        const decoded = decodeDocument(Buffer.concat(encodeDocument(doc).chunks), 'prop');
        expect(decoded).toEqual(doc);
      }),
      { numRuns: 200 },
    );
  });
});
