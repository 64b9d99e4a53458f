import fc from 'fast-check';
import { buildDocument, decodeDocument, encodeDocument } from '../../../src/backup/document';
import { IntegrityError } from '../../../src/errors';
import type { BackedUpParameter } from '../../../src/types';

const at = new Date('2026-11-29T13:00:05.123Z');
const parameters: BackedUpParameter[] = [
  { Name: '/jenkins/dev/a', Type: 'SecureString', Value: 's', Version: 3 },
  { Name: '/jenkins/dev/b', Type: 'StringList', Value: 'x,y' },
];

describe('Function: buildDocument', () => {
  it('has the compatible top-level fields and format 2 additions', () => {
    const doc = buildDocument({
      env: 'dev',
      region: 'us-west-2',
      accountId: '123456789012',
      startedAt: at,
      parameters,
    });
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

describe('Function: encodeDocument', () => {
  it('gives the SHA-256 of exactly the bytes it returns', () => {
    const encoded = encodeDocument(
      buildDocument({ env: 'dev', region: 'us-west-2', accountId: '1', startedAt: at, parameters }),
    );
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    expect(encoded.sha256Hex).toBe(createHash('sha256').update(Buffer.concat(encoded.chunks)).digest('hex'));
    expect(Buffer.from(encoded.sha256Base64, 'base64').toString('hex')).toBe(encoded.sha256Hex);
  });
});

describe('Function: encodeDocument with releaseParameters', () => {
  it('writes one parameter per line and drops each parameter once encoded', () => {
    const owned = buildDocument({
      env: 'dev',
      region: 'us-west-2',
      accountId: '1',
      startedAt: at,
      parameters: parameters.map((p) => ({ ...p })),
    });
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
  it("reads the old collector's format (no format_version, no region)", () => {
    const old = JSON.stringify({
      backup_date: '2025-10-01',
      backup_timestamp: '20251001_130000',
      environment: 'dev',
      parameter_count: 1,
      parameters: [
        {
          Name: '/a/dev/x',
          Type: 'String',
          Value: 'v',
          Version: 1,
          LastModifiedDate: '2025-09-01T00:00:00+00:00',
          ARN: 'arn',
          DataType: 'text',
        },
      ],
    });
    const doc = decodeDocument(old, 'old.json');
    expect(doc.format_version).toBeUndefined();
    expect(doc.parameters[0]!.Name).toBe('/a/dev/x');
  });

  it.each([
    ['not JSON', '{"parameters": [', /not valid JSON/],
    ['no parameters', '{"backup_date":"d"}', /no parameters array/],
    [
      'missing environment',
      '{"backup_date":"d","backup_timestamp":"t","parameters":[],"parameter_count":0}',
      /environment is missing/,
    ],
    [
      'count mismatch',
      '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameters":[],"parameter_count":2}',
      /parameter_count says 2 but the document holds 0/,
    ],
    [
      'bad parameter',
      '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameters":[{"Name":"/a","Type":"Nope","Value":"secret-zz"}],"parameter_count":1}',
      /parameters\[0\] \(\/a\)/,
    ],
    [
      'newer format',
      '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameters":[],"parameter_count":0,"format_version":9}',
      /format_version 9/,
    ],
    [
      'a duplicate name',
      '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameter_count":3,"parameters":[' +
        '{"Name":"/a/dev/x","Type":"String","Value":"one-zz"},{"Name":"/a/dev/y","Type":"String","Value":"y"},{"Name":"/a/dev/x","Type":"String","Value":"two-zz"}]}',
      /damaged: it holds 1 name\(s\) more than once \(\/a\/dev\/x\)/,
    ],
  ])('refuses %s with an IntegrityError', (_label, body, message) => {
    expect(() => decodeDocument(body, 'x.json')).toThrow(IntegrityError);
    expect(() => decodeDocument(body, 'x.json')).toThrow(message);
  });

  it('never puts a value into its messages', () => {
    const body =
      '{"backup_date":"d","backup_timestamp":"t","environment":"dev","parameters":[{"Name":"/a","Type":"Nope","Value":"secret-zz"}],"parameter_count":1}';
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
      Value: fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }).map((items) => items.join(',')),
      ),
      Version: fc.integer({ min: 1, max: 100 }),
      Description: fc.string({ unit: 'grapheme', maxLength: 40 }),
      Tier: fc.constantFrom('Standard' as const, 'Advanced' as const, 'Intelligent-Tiering' as const),
      DataType: fc.constantFrom('text', 'aws:ec2:image'),
      AllowedPattern: fc.string({ maxLength: 20 }),
    },
    { requiredKeys: ['Name', 'Type', 'Value'] },
  );

  it('is the identity for arbitrary parameters (names unique, as in every backup)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(parameterArb, { maxLength: 20, selector: (p) => p.Name }),
        fc.constantFrom('dev', 'prod', 'qa.1'),
        (params, env) => {
          const doc = buildDocument({
            env,
            region: 'us-west-2',
            accountId: '123456789012',
            startedAt: at,
            parameters: params,
          });
          const decoded = decodeDocument(Buffer.concat(encodeDocument(doc).chunks), 'prop');
          expect(decoded).toEqual(doc);
        },
      ),
      { numRuns: 200 },
    );
  });
});
