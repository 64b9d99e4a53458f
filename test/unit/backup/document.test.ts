import fc from 'fast-check';
import { buildDocument, DocumentDecoder, decodeDocument, encodeDocument } from '../../../src/backup/document';
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
    expect(owned.parameters).toHaveLength(0);
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
      /damaged: it holds 1 name more than once \(\/a\/dev\/x\)/,
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

describe('Class: DocumentDecoder against garbage and oversized input', () => {
  const small = { parameterLineBytes: 1024, wholeDocumentBytes: 64 * 1024 };
  const decoder = (onParameter: (p: BackedUpParameter) => void = () => {}) =>
    new DocumentDecoder('file:x', onParameter, small);
  const validDoc = (values: string[]) =>
    Buffer.concat(
      encodeDocument(
        buildDocument({
          env: 'dev',
          region: 'us-west-2',
          accountId: '123456789012',
          startedAt: new Date('2026-11-29T13:00:00Z'),
          parameters: values.map((v, i) => ({ Name: `/dev/p${i}`, Type: 'String' as const, Value: v })),
        }),
      ).chunks,
    );

  it.each([
    ['binary', Buffer.from([0x00, 0x01, 0xff])],
    ['text', Buffer.from('hello, this is not JSON\n')],
    ['a JSON array', Buffer.from('  \n [1, 2]')],
  ])('refuses %s from its first bytes, before reading more', (_, first) => {
    expect(() => decoder().push(first)).toThrow(/does not start with '\{'/);
  });

  it('accepts a byte order mark and white space before the document', () => {
    const d = decoder();
    d.push(Buffer.from([0xef, 0xbb, 0xbf, 0x20, 0x0a]));
    for (const chunk of [validDoc(['a'])]) d.push(chunk);
    expect(d.end().parameter_count).toBe(1);
  });

  it('refuses an empty file', () => {
    const d = decoder();
    d.push(Buffer.from('  \n'));
    expect(() => d.end()).toThrow(/it is empty/);
  });

  it('refuses a parameter line longer than one parameter can be, as soon as it passes the bound', () => {
    const d = decoder();
    const doc = validDoc(['x'.repeat(5000)]);
    let pushed = 0;
    expect(() => {
      for (let i = 0; i < doc.length; i += 256) {
        d.push(doc.subarray(i, i + 256));
        pushed += 256;
      }
    }).toThrow(/parameters\[0\] is over 1 KiB, more than SSM lets one parameter hold/);
    expect(pushed).toBeLessThan(doc.length);
  });

  it('knows a parameter line whose start came split across chunks', () => {
    const d = decoder();
    d.push(Buffer.from('{\n  "backup_date": "2026-11-29",\n  "parameters": [\n    {'));
    d.push(Buffer.from('"Na'));
    expect(() => {
      d.push(Buffer.from(`me":"/dev/x","Type":"String","Value":"${'x'.repeat(2000)}`));
    }).toThrow(/parameters\[0\] is over 1 KiB/);
  });

  it('refuses a document of no parameter lines once it passes the whole-document bound', () => {
    const d = decoder();
    d.push(Buffer.from('{\n'));
    let pushed = 0;
    expect(() => {
      for (let i = 0; i < 1000; i++) {
        d.push(Buffer.alloc(1024, 0x41));
        pushed++;
      }
    }).toThrow(/over 64 KiB without one parameter line/);
    expect(pushed).toBeLessThan(100);
  });

  it('still reads a whole-layout document with a line longer than a parameter line (the old one-line format)', () => {
    const oneLine = Buffer.from(
      JSON.stringify({
        backup_date: '2026-11-29',
        backup_timestamp: '20261129_130000',
        environment: 'dev',
        parameter_count: 3,
        parameters: [0, 1, 2].map((i) => ({ Name: `/dev/p${i}`, Type: 'String', Value: 'v'.repeat(600) })),
      }),
    );
    const names: string[] = [];
    const d = decoder((p) => names.push(p.Name));
    for (let i = 0; i < oneLine.length; i += 100) d.push(oneLine.subarray(i, i + 100));
    expect(d.end().parameter_count).toBe(3);
    expect(names).toEqual(['/dev/p0', '/dev/p1', '/dev/p2']);
  });

  it('reads a valid document fed one byte at a time (the line joining is not quadratic, and not lossy)', () => {
    const doc = validDoc(['a', 'b\nc', 'é']);
    const values: string[] = [];
    const d = new DocumentDecoder('file:x', (p) => values.push(p.Value));
    for (let i = 0; i < doc.length; i++) d.push(doc.subarray(i, i + 1));
    expect(d.end().parameter_count).toBe(3);
    expect(values).toEqual(['a', 'b\nc', 'é']);
  });

  const decodeAll = (chunks: Buffer[], limits = small) => {
    const names: string[] = [];
    const d = new DocumentDecoder('file:x', (p) => names.push(p.Name), limits);
    for (const chunk of chunks) d.push(chunk);
    return { header: d.end(), names };
  };
  /** The document in chunks that end just before each newline, each newline a chunk of its own. */
  const newlinesApart = (doc: Buffer): Buffer[] => {
    const chunks: Buffer[] = [];
    let start = 0;
    for (let i = doc.indexOf(10); i >= 0; i = doc.indexOf(10, i + 1)) {
      chunks.push(doc.subarray(start, i), doc.subarray(i, i + 1));
      start = i + 1;
    }
    chunks.push(doc.subarray(start));
    return chunks.filter((c) => c.length);
  };
  /** In chunks of 256 bytes, as a stream delivers a document. */
  const decodeStreamed = (doc: Buffer, limits = small) => {
    const names: string[] = [];
    const d = new DocumentDecoder('file:x', (p) => names.push(p.Name), limits);
    for (let i = 0; i < doc.length; i += 256) d.push(doc.subarray(i, i + 256));
    return { header: d.end(), names };
  };
  const whole = (fields: object) => Buffer.from(JSON.stringify(fields, null, 2));
  const HEADER = { backup_date: '2026-11-29', backup_timestamp: '20261129_130000', environment: 'dev' };

  it('knows the one-per-line layout, so its size is bounded by the backup, not the whole-document bound', () => {
    const doc = validDoc(Array.from({ length: 50 }, (_, i) => `value-${i}`.repeat(20)));
    expect(doc.length).toBeGreaterThan(4096);
    const { header, names } = decodeStreamed(doc, { parameterLineBytes: 1024, wholeDocumentBytes: 4096 });
    expect(header.parameter_count).toBe(50);
    expect(names).toHaveLength(50);
  });

  it('reads a document whose last line has no newline, and one with a byte order mark on its first line', () => {
    const doc = validDoc(['a', 'b']);
    expect(decodeAll([doc.subarray(0, doc.length - 1)]).names).toEqual(['/dev/p0', '/dev/p1']);
    expect(decodeAll([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), doc])]).names).toEqual(['/dev/p0', '/dev/p1']);
  });

  it('reads chunks that begin or end exactly at a newline', () => {
    const doc = validDoc(['a', 'b', 'c']);
    const chunks = newlinesApart(doc);
    expect(decodeAll(chunks).names).toEqual(['/dev/p0', '/dev/p1', '/dev/p2']);
  });

  it('takes tab, carriage return, space and newline before the document, in their own chunks', () => {
    expect(decodeAll([Buffer.from('\t\r\n '), Buffer.from(' \n'), validDoc(['a'])]).names).toEqual(['/dev/p0']);
    expect(() => decodeAll([Buffer.from([0xef, 0xbb, 0x7b])])).toThrow(/does not start with '\{'/);
    expect(() => decodeAll([Buffer.from([0xef, 0x7b])])).toThrow(/does not start with '\{'/);
  });

  it('skips only a whole byte order mark: three bytes that merely end like one are not white space', () => {
    for (const start of [
      [0xef, 0x20, 0xbf],
      [0x20, 0xbb, 0xbf],
      [0x20, 0x20, 0xbf],
    ])
      expect(() => decodeAll([Buffer.concat([Buffer.from(start), validDoc(['a'])])])).toThrow(
        /does not start with '\{'/,
      );
  });

  it('keeps a U+FEFF inside a value: only a mark at the start of a line is dropped', () => {
    const values: string[] = [];
    const d = new DocumentDecoder('file:x', (p) => values.push(p.Value), small);
    d.push(validDoc(['a\uFEFFb']));
    d.end();
    expect(values).toEqual(['a\uFEFFb']);
  });

  it('the whole-document bound is inclusive: exactly at it is read', () => {
    const doc = whole({ ...HEADER, parameter_count: 0, parameters: [] });
    expect(decodeAll([doc], { parameterLineBytes: 1024, wholeDocumentBytes: doc.length }).header.parameter_count).toBe(
      0,
    );
    expect(() => decodeAll([doc], { parameterLineBytes: 1024, wholeDocumentBytes: doc.length - 1 })).toThrow(
      `file:x is not a backup document: over ${(doc.length - 1) / 1024} KiB without one parameter line`,
    );
    const mib = 1024 * 1024;
    expect(() =>
      decodeAll([Buffer.from('{\n'), Buffer.alloc(mib, 0x41)], {
        parameterLineBytes: 2 * mib,
        wholeDocumentBytes: mib,
      }),
    ).toThrow('over 1 MiB without one parameter line');
  });

  it('in the one-per-line layout, any line over the bound is damage, not only a parameter line', () => {
    const doc = validDoc(['a']).toString('utf8');
    const lines = doc.split('\n');
    // A header line after the parameters (the trailing fields), made too long.
    const at = lines.findIndex((l) => l.includes('"region"'));
    lines[at] = `  "region": "${'x'.repeat(2000)}",`;
    expect(() => decodeStreamed(Buffer.from(lines.join('\n')))).toThrow(/is damaged: parameters\[1\] is over 1 KiB/);
  });

  it('a parameter without a value, or a parameter line that is not JSON, is named by its place', () => {
    const lines = validDoc(['a', 'b']).toString('utf8').split('\n');
    const second = lines.findIndex((l) => l.includes('"/dev/p1"'));
    const noValue = [...lines];
    noValue[second] = noValue[second]!.replace(/"Value": ?"b",?/, '').replace(/,\s*}/, '}');
    expect(noValue[second]).not.toContain('Value');
    expect(() => decodeAll([Buffer.from(noValue.join('\n'))])).toThrow(
      'file:x: parameters[1] (/dev/p1) lacks a Name, Type or Value',
    );
    const broken = [...lines];
    broken[second] = broken[second]!.replace('}', '');
    expect(() => decodeAll([Buffer.from(broken.join('\n'))])).toThrow(
      'file:x is damaged: parameters[1] is not valid JSON',
    );
  });

  it('a count that does not match names both numbers, in words', () => {
    expect(() => decodeAll([whole({ ...HEADER, parameter_count: 3, parameters: [] })])).toThrow(
      'file:x: parameter_count says 3 but the document holds 0 parameters',
    );
  });

  it('reads, line by line, a document over the whole-document bound with each newline in its own chunk', () => {
    const limits = { parameterLineBytes: 1024, wholeDocumentBytes: 4096 };
    const doc = validDoc(Array.from({ length: 60 }, (_, i) => `value-${i}-${'v'.repeat(80)}`));
    expect(doc.length).toBeGreaterThan(limits.wholeDocumentBytes);
    const chunks = newlinesApart(doc);
    expect(decodeAll(chunks, limits).names).toHaveLength(60);
  });

  it('refuses a null parameter, a parameters field that is not an array, and one-per-line with a non-empty array', () => {
    expect(() => decodeAll([whole({ ...HEADER, parameter_count: 1, parameters: [null] })])).toThrow(
      'file:x: parameters[0] lacks a Name, Type or Value',
    );
    expect(() => decodeAll([whole({ ...HEADER, parameter_count: 0, parameters: 'none' })])).toThrow(
      'file:x is not a backup document: no parameters array',
    );
    const doc = validDoc(['a']).toString('utf8').replace('"parameters": [', '"parameters": [1');
    expect(() => decodeAll([Buffer.from(doc)])).toThrow(
      'file:x is not a backup document: parameters are not one per line',
    );
  });

  it('names every duplicate once, sorted, at most twenty, with their count', () => {
    const parameters = Array.from({ length: 22 }, (_, i) => ({
      Name: `/dev/d${String(i).padStart(2, '0')}`,
      Type: 'String',
      Value: 'v',
    }));
    const doc = whole({
      ...HEADER,
      parameter_count: 45,
      parameters: [...parameters, ...parameters.reverse(), parameters[0]],
    });
    const names = Array.from({ length: 20 }, (_, i) => `/dev/d${String(i).padStart(2, '0')}`).join(', ');
    expect(() => decodeAll([doc])).toThrow(
      `file:x is damaged: it holds 22 names more than once (${names}); refusing to use it`,
    );
  });

  it('leaves out undefined fields when it encodes', () => {
    const doc = buildDocument({
      env: 'dev',
      region: 'us-west-2',
      accountId: '123456789012',
      startedAt: new Date('2026-11-29T13:00:00Z'),
      parameters: [],
    });
    const text = Buffer.concat(encodeDocument({ ...doc, account_id: undefined } as never).chunks).toString('utf8');
    expect(text).not.toContain('account_id');
    expect(JSON.parse(text)).toEqual({ ...doc, account_id: undefined });
  });

  it('counts only the partial line it carries against the bound, not the chunk it came in', () => {
    const doc = validDoc(['a', 'b', 'c']);
    const { names } = decodeStreamed(doc, { parameterLineBytes: 300, wholeDocumentBytes: 64 * 1024 });
    expect(names).toEqual(['/dev/p0', '/dev/p1', '/dev/p2']);
  });

  it('skips a long line of a whole-layout document streamed in pieces, and still reads it', () => {
    const pretty = Buffer.from(
      JSON.stringify(
        {
          ...HEADER,
          parameter_count: 1,
          parameters: [{ Name: '/dev/long', Type: 'String', Value: 'x'.repeat(3000) }],
        },
        null,
        2,
      ),
    );
    expect(decodeStreamed(pretty).names).toEqual(['/dev/long']);
  });
});
