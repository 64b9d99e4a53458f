import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { buildDocument, encodeDocument } from '../../../src/backup/document';
import { loadBackup, parseSource } from '../../../src/backup/source';
import { BackupStore } from '../../../src/backup/store';
import { ConfigurationError, IntegrityError, UsageError } from '../../../src/errors';
import { regionClients, resetMocks, s3Mock } from '../support/mocks';

beforeEach(resetMocks);

const doc = buildDocument({ env: 'dev', region: 'us-west-2', accountId: '1', startedAt: new Date('2026-11-29T13:00:00Z'), parameters: [{ Name: '/dev/a', Type: 'String', Value: 'v' }] });
const encoded = encodeDocument(doc);
const store = () => new BackupStore(regionClients().s3, 'bucket');
const serve = (body: Buffer, sha256?: string) =>
  s3Mock.on(GetObjectCommand, { Key: 'k.json' }).callsFake(() => ({ Body: sdkStreamMixin(Readable.from([body])), ChecksumSHA256: sha256 }));

describe('Function: parseSource', () => {
  it('reads latest, keys and files', () => {
    expect(parseSource(undefined)).toEqual({ kind: 'latest' });
    expect(parseSource('latest')).toEqual({ kind: 'latest' });
    expect(parseSource('2026-11-29/x.json')).toEqual({ kind: 'key', key: '2026-11-29/x.json' });
    expect(parseSource('file:/tmp/b.json')).toEqual({ kind: 'file', path: '/tmp/b.json' });
    expect(() => parseSource('file:')).toThrow(UsageError);
    expect(() => parseSource('../etc')).toThrow(UsageError);
  });
});

describe('Function: loadBackup', () => {
  it('accepts an object whose stored SHA-256 matches', async () => {
    serve(Buffer.concat(encoded.chunks), encoded.sha256Base64);
    const loaded = await loadBackup({ kind: 'key', key: 'k.json' }, 'dev', store());
    expect(loaded).toMatchObject({ origin: 's3://bucket/k.json', checksum: 'matched', sha256Hex: encoded.sha256Hex });
    expect(loaded.doc).toEqual(doc);
  });

  it('refuses bytes that do not match the stored SHA-256', async () => {
    const damaged = Buffer.from(Buffer.concat(encoded.chunks).toString().replace('"v"', '"w"'));
    serve(damaged, encoded.sha256Base64);
    await expect(loadBackup({ kind: 'key', key: 'k.json' }, 'dev', store())).rejects.toThrow(/is damaged: its bytes do not match/);
  });

  it('refuses a format-2 object without a SHA-256 (replaced outside the tool)', async () => {
    serve(Buffer.concat(encoded.chunks));
    await expect(loadBackup({ kind: 'key', key: 'k.json' }, 'dev', store())).rejects.toThrow(IntegrityError);
  });

  it('refuses a backup of another environment', async () => {
    serve(Buffer.concat(encoded.chunks), encoded.sha256Base64);
    await expect(loadBackup({ kind: 'key', key: 'k.json' }, 'prod', store())).rejects.toThrow(ConfigurationError);
  });

  it('reads the old collector\'s files, which have no checksum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-'));
    const path = join(dir, 'old.json');
    const old = { backup_date: '2025-10-01', backup_timestamp: '20251001_130000', environment: 'dev', parameter_count: 1, parameters: [{ Name: '/dev/a', Type: 'SecureString', Value: 's' }] };
    writeFileSync(path, JSON.stringify(old));
    const loaded = await loadBackup({ kind: 'file', path }, 'dev');
    expect(loaded).toMatchObject({ checksum: 'not-applicable', origin: `file:${path}` });
    expect(loaded.sha256Hex).toBe(createHash('sha256').update(JSON.stringify(old)).digest('hex'));
    await expect(loadBackup({ kind: 'file', path: join(dir, 'missing.json') }, 'dev')).rejects.toThrow(/cannot read file:.*ENOENT/);
  });
});
