import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParametersCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ssm';
import { buildDocument, encodeDocument } from '../../../src/backup/document';
import type { RunEvent } from '../../../src/run/events';
import { backedUp, resetMocks, ssmMock } from '../support/mocks';
import { UnitWorld, unitSession } from '../support/world';

beforeEach(resetMocks);

function session(region = 'us-west-2') {
  const events: RunEvent[] = [];
  return { s: unitSession(events, region), events, types: () => events.map((e) => e.type) };
}

const bucketReads = () =>
  ssmMock
    .commandCalls(GetParametersCommand)
    .filter((c) => c.args[0].input.Names!.some((n) => n.endsWith('s3-bucket-name')));

describe('Class: RegionSession', () => {
  it('resolves its bucket once, however many times it is asked', async () => {
    new UnitWorld().putBackup('2026-11-29T13:00:00Z', [backedUp('/app/dev/a')]);
    const { s } = session();
    const [a, b] = await Promise.all([s.store(), s.store()]);
    await s.load({ kind: 'latest' });
    expect(a).toBe(b);
    expect(a.bucket).toBe('bucket-us-west-2');
    expect(bucketReads()).toHaveLength(1);
  });

  it('loads a backup and says so, naming the one a time chose first', async () => {
    const world = new UnitWorld();
    const key = world.putBackup('2026-11-29T13:00:00Z', [backedUp('/app/dev/a'), backedUp('/app/dev/b')]);
    const { s, events, types } = session();
    const loaded = await s.load({ kind: 'at', at: new Date('2026-11-30T00:00:00Z'), text: '2026-11-30' });
    expect(loaded.doc.parameters.map((p) => p.Name)).toEqual(['/app/dev/a', '/app/dev/b']);
    expect(types()).toEqual(['backup-chosen', 'backup-loaded']);
    expect(events[1]).toEqual({
      type: 'backup-loaded',
      origin: `s3://bucket-us-west-2/${key}`,
      count: 2,
      checksum: 'matched',
    });
    await s.load({ kind: 'latest' });
    expect(types()).toEqual(['backup-chosen', 'backup-loaded', 'backup-loaded']);
  });

  it('reads a file without looking for a bucket', async () => {
    const doc = buildDocument({
      env: 'dev',
      region: 'us-west-2',
      accountId: '1',
      startedAt: new Date('2026-11-29T13:00:00Z'),
      parameters: [backedUp('/app/dev/a')],
    });
    const path = join(mkdtempSync(join(tmpdir(), 'region-')), 'b.json');
    writeFileSync(path, Buffer.concat(encodeDocument(doc).chunks));
    const { s, events } = session();
    const seen: string[] = [];
    const scanned = await s.scan({ kind: 'file', path }, (p) => seen.push(p.Name));
    expect(seen).toEqual(['/app/dev/a']);
    expect(scanned.checksum).toBe('not-applicable');
    expect(events).toEqual([{ type: 'backup-loaded', origin: `file:${path}`, count: 1, checksum: 'not-applicable' }]);
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(0);
    // Loading it whole: the same, no bucket looked for.
    const loaded = await s.load({ kind: 'file', path });
    expect(loaded.doc.parameters.map((p) => p.Name)).toEqual(['/app/dev/a']);
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(0);
  });

  it('collects live SSM with its progress, and tags only when asked', async () => {
    new UnitWorld().setLive([backedUp('/app/dev/a', { Tags: [{ Key: 'k', Value: 'v' }] }), backedUp('/app/dev/b')]);
    const { s, events, types } = session();
    const plain = await s.collectLive(false);
    expect(plain.parameters.map((p) => p.Name)).toEqual(['/app/dev/a', '/app/dev/b']);
    expect(plain.parameters[0]!.Tags).toBeUndefined();
    expect(ssmMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
    expect(types()).toContain('progress');
    expect(events.at(-1)).toEqual({ type: 'live-collected', region: 'us-west-2', count: 2 });
    const tagged = await s.collectLive(true);
    expect(tagged.parameters[0]!.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
  });

  it('is itself in its own region, and another session of the same command elsewhere', () => {
    const { s } = session();
    expect(s.in('us-west-2')).toBe(s);
    const other = s.in('eu-west-1');
    expect(other).not.toBe(s);
    expect([other.region, other.env, other.concurrency]).toEqual(['eu-west-1', 'dev', 2]);
    expect(other.clients.region).toBe('eu-west-1');
    expect(s.clients.region).toBe('us-west-2');
  });
});
