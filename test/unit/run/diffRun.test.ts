import { ListTagsForResourceCommand } from '@aws-sdk/client-ssm';
import { NoBackupError } from '../../../src/errors';
import { ValueHasher } from '../../../src/history/diff';
import { runDiff } from '../../../src/run/diffRun';
import { backedUp, resetMocks, ssmMock } from '../support/mocks';
import { fixtureA, fixtureB, unitSession as session, UnitWorld } from '../support/world';

beforeEach(resetMocks);

const a = fixtureA;
const b = fixtureB;

describe('Function: runDiff', () => {
  it('compares the latest backup with live SSM by name and field, through hashes only', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a(), b()]);
    world.setLive([a({ Value: 'SECRET-a2' }), backedUp('/app/dev/c', { Value: 'SECRET-c' })]);
    const report = await runDiff({
      session: session(),
      from: { kind: 'latest' },
      to: { kind: 'live' },
      hasher: new ValueHasher(),
    });
    expect(report.entries.map((e) => [e.kind, e.name])).toEqual([
      ['changed', '/app/dev/a'],
      ['removed', '/app/dev/b'],
      ['added', '/app/dev/c'],
    ]);
    expect(report.counts).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(report.from.count).toBe(2);
    expect(report.to).toMatchObject({ origin: 'live SSM in us-west-2', count: 2 });
    expect(JSON.stringify(report)).not.toContain('SECRET');
  });

  it('names the side that could not be read', async () => {
    new UnitWorld().putBackup('2026-11-29T13:00:00Z', [a()]);
    const attempt = runDiff({
      session: session(),
      from: { kind: 'latest' },
      to: { kind: 'key', key: '2026-11-01/ssm-backup-dev-20261101_130000-0000beef.json' },
      hasher: new ValueHasher(),
    });
    await expect(attempt).rejects.toThrow(NoBackupError);
    await expect(attempt).rejects.toThrow(/^--to side: s3:\/\/bucket-us-west-2\/2026-11-01/);
  });
});

describe('Function: runDiff, tags', () => {
  it('compares live tags only when the backup side has some', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a(), b({ Tags: [{ Key: 't', Value: '1' }] })]);
    world.setLive([a(), b({ Tags: [{ Key: 't', Value: '2' }] })]);
    const report = await runDiff({
      session: session(),
      from: { kind: 'latest' },
      to: { kind: 'live' },
      hasher: new ValueHasher(),
    });
    expect(report.entries).toEqual([expect.objectContaining({ kind: 'changed', name: '/app/dev/b' })]);
    world.putBackup('2026-11-29T14:00:00Z', [a(), b()]);
    const untagged = await runDiff({
      session: session(),
      from: { kind: 'latest' },
      to: { kind: 'live' },
      hasher: new ValueHasher(),
    });
    expect(untagged.entries).toEqual([]);
    const tagReads = ssmMock.commandCalls(ListTagsForResourceCommand).length;
    await runDiff({ session: session(), from: { kind: 'latest' }, to: { kind: 'live' }, hasher: new ValueHasher() });
    expect(ssmMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(tagReads);
  });
});
