import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { buildDocument, DOCUMENT_LIMITS, encodeDocument } from '../../../src/backup/document';
import { chooseBackupAt, loadBackup, resolveKey } from '../../../src/backup/source';
import { BackupStore } from '../../../src/backup/store';
import { parsePointInTime } from '../../../src/cli/sourceOption';
import { ConfigurationError, IntegrityError, NoBackupError, UsageError } from '../../../src/errors';
import { regionClients, resetMocks, s3Mock } from '../support/mocks';

beforeEach(resetMocks);

const doc = buildDocument({
  env: 'dev',
  region: 'us-west-2',
  accountId: '1',
  startedAt: new Date('2026-11-29T13:00:00Z'),
  parameters: [{ Name: '/dev/a', Type: 'String', Value: 'v' }],
});
const encoded = encodeDocument(doc);
const store = () => new BackupStore(regionClients().s3, 'bucket');
const serve = (body: Buffer, sha256?: string) =>
  s3Mock
    .on(GetObjectCommand, { Key: 'k.json' })
    .callsFake(() => ({ Body: sdkStreamMixin(Readable.from([body])), ChecksumSHA256: sha256 }));

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
    await expect(loadBackup({ kind: 'key', key: 'k.json' }, 'dev', store())).rejects.toThrow(
      /is damaged: its bytes do not match/,
    );
  });

  it('refuses a format-2 object without a SHA-256 (replaced outside the tool)', async () => {
    serve(Buffer.concat(encoded.chunks));
    await expect(loadBackup({ kind: 'key', key: 'k.json' }, 'dev', store())).rejects.toThrow(
      new IntegrityError(
        's3://bucket/k.json has no SHA-256 checksum, though ssm-backup always stores one: it was replaced or ' +
          'modified outside the tool',
      ),
    );
  });

  it("reads an old collector's object in S3 without a SHA-256: it never stored one", async () => {
    const old = Buffer.from(
      JSON.stringify({
        backup_date: '2025-10-01',
        backup_timestamp: '20251001_130000',
        environment: 'dev',
        parameter_count: 1,
        parameters: [{ Name: '/dev/a', Type: 'String', Value: 's' }],
      }),
    );
    serve(old);
    const loaded = await loadBackup({ kind: 'key', key: 'k.json' }, 'dev', store());
    expect(loaded).toMatchObject({ checksum: 'absent', origin: 's3://bucket/k.json' });
    expect(loaded.doc.parameters.map((p) => p.Name)).toEqual(['/dev/a']);
  });

  it('refuses a backup of another environment', async () => {
    serve(Buffer.concat(encoded.chunks), encoded.sha256Base64);
    await expect(loadBackup({ kind: 'key', key: 'k.json' }, 'prod', store())).rejects.toThrow(
      new ConfigurationError("s3://bucket/k.json is a backup of environment 'dev', not 'prod'; refusing to use it"),
    );
  });

  it("reads the old collector's files, which have no checksum", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-'));
    const path = join(dir, 'old.json');
    const old = {
      backup_date: '2025-10-01',
      backup_timestamp: '20251001_130000',
      environment: 'dev',
      parameter_count: 1,
      parameters: [{ Name: '/dev/a', Type: 'SecureString', Value: 's' }],
    };
    writeFileSync(path, JSON.stringify(old));
    const loaded = await loadBackup({ kind: 'file', path }, 'dev');
    expect(loaded).toMatchObject({ checksum: 'not-applicable', origin: `file:${path}` });
    expect(loaded.sha256Hex).toBe(createHash('sha256').update(JSON.stringify(old)).digest('hex'));
    await expect(loadBackup({ kind: 'file', path: join(dir, 'missing.json') }, 'dev')).rejects.toThrow(
      /cannot read file:.*ENOENT/,
    );
  });
});

describe('Function: chooseBackupAt', () => {
  // Newest first, as listBackups returns them.
  const backups = [
    '2026-11-30/ssm-backup-dev-20261130_130000-cccc0000.json',
    '2026-11-29/ssm-backup-dev-20261129_130000-bbbb0000.json',
    '2026-11-28/ssm-backup-dev-20261128_130000.json',
  ].map((key) => ({ key, size: 1 }));
  const at = (text: string) => chooseBackupAt(backups, parsePointInTime(text)!, 's3://b').key;

  it('takes an exact key time, and the newest before a time between backups', () => {
    expect(at('2026-11-29T13:00:00Z')).toBe(backups[1]!.key);
    expect(at('2026-11-30T12:59:59Z')).toBe(backups[1]!.key);
    expect(at('2026-11-29')).toBe(backups[1]!.key);
  });

  it('takes the newest after the last backup', () => {
    expect(at('2027-01-01')).toBe(backups[0]!.key);
  });

  it('refuses a time before the first backup, naming the oldest', () => {
    expect(() => at('2026-11-28T12:00Z')).toThrow(NoBackupError);
    expect(() => at('2026-11-28T12:00Z')).toThrow(
      /no backup in s3:\/\/b was taken at or before 2026-11-28T12:00:00.000Z \(the oldest is 2026-11-28\/ssm-backup-dev-20261128_130000.json\)/,
    );
    expect(() => chooseBackupAt([], new Date(), 's3://b')).toThrow(/it holds none/);
  });

  it("refuses another environment's key", async () => {
    await expect(
      resolveKey({ kind: 'key', key: '2026-11-29/ssm-backup-prod-20261129_130000-aaaa0000.json' }, 'dev', store()),
    ).rejects.toThrow(/is a backup of environment 'prod', not 'dev'/);
  });
});

describe('Function: loadBackup from a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-source-'));
  const written = Buffer.concat(encoded.chunks);
  const file = join(dir, 'backup.json');
  writeFileSync(file, written);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file: its bytes, hash and count; no checksum applies', async () => {
    const loaded = await loadBackup({ kind: 'file', path: file }, 'dev');
    expect(loaded).toEqual({
      origin: `file:${file}`,
      bytes: written.length,
      sha256Hex: createHash('sha256').update(written).digest('hex'),
      checksum: 'not-applicable',
      doc,
    });
  });

  it('refuses a directory, a device, a missing file, by what it is (usage errors)', async () => {
    await expect(loadBackup({ kind: 'file', path: dir }, 'dev')).rejects.toThrow(
      new UsageError(`cannot read file:${dir}: it is a directory; give the path of a backup file`),
    );
    await expect(loadBackup({ kind: 'file', path: '/dev/null' }, 'dev')).rejects.toThrow(
      new UsageError('cannot read file:/dev/null: it is not a regular file; give the path of a backup file'),
    );
    await expect(loadBackup({ kind: 'file', path: join(dir, 'nope.json') }, 'dev')).rejects.toThrow(
      new UsageError(`cannot read file:${join(dir, 'nope.json')}: ENOENT`),
    );
  });

  it('refuses a file larger than any backup can be by its size, before reading it; one of that size is read', async () => {
    // Sparse files: nothing is written to disk but their size.
    const largest = join(dir, 'largest.json');
    writeFileSync(largest, '');
    truncateSync(largest, DOCUMENT_LIMITS.backupBytes);
    await expect(loadBackup({ kind: 'file', path: largest }, 'dev')).rejects.toThrow(
      /is not a backup document: it does not start with '\{'/,
    );
    const over = join(dir, 'over.json');
    writeFileSync(over, '');
    truncateSync(over, DOCUMENT_LIMITS.backupBytes + 1);
    await expect(loadBackup({ kind: 'file', path: over }, 'dev')).rejects.toThrow(
      new UsageError(
        `cannot read file:${over}: it is ${DOCUMENT_LIMITS.backupBytes + 1} bytes, more than any backup can be`,
      ),
    );
  });

  it('from S3 without a store is a programming error, said plainly', async () => {
    await expect(loadBackup({ kind: 'latest' }, 'dev')).rejects.toThrow('a bucket is needed to read a backup from S3');
  });

  it('latest with no latest.txt: no backup has completed in the bucket yet', async () => {
    s3Mock
      .on(GetObjectCommand)
      .rejects(Object.assign(new Error('x'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }));
    await expect(resolveKey({ kind: 'latest' }, 'dev', store())).rejects.toThrow(
      new NoBackupError('s3://bucket/latest.txt does not exist: no backup has completed in this bucket yet'),
    );
  });
});
