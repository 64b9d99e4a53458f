import { ValueHasher } from '../../../src/history/diff';
import { runHistory } from '../../../src/run/historyRun';
import { resetMocks } from '../support/mocks';
import { fixtureA, fixtureB, unitSession as session, UnitWorld } from '../support/world';

beforeEach(resetMocks);

const a = fixtureA;
const b = fixtureB;

describe('Function: runHistory', () => {
  it('follows one parameter across backups: its changes, when it went, and when it came back', async () => {
    const world = new UnitWorld();
    const k1 = world.putBackup('2026-11-26T13:00:00Z', [a({ Version: 1 })], { latest: false });
    const k2 = world.putBackup('2026-11-27T13:00:00Z', [a({ Version: 2, Value: 'SECRET-a2', Description: 'd' })]);
    const k3 = world.putBackup('2026-11-28T13:00:00Z', [b()]);
    const k4 = world.putBackup('2026-11-29T13:00:00Z', [a({ Version: 3 }), b()]);
    const report = await runHistory({ session: session(), name: '/app/dev/a', hasher: new ValueHasher() });
    expect(report.backupsRead).toBe(4);
    expect(report.lines.map((l) => [l.key, l.version, l.reappeared ?? false])).toEqual([
      [k1, 1, false],
      [k2, 2, false],
      [k4, 3, true],
    ]);
    expect(report.lines[0]!.changes).toBeUndefined();
    expect(report.lines[1]!.changes!.map((c) => c.field)).toEqual(['value', 'description']);
    expect(report.absences).toEqual([{ key: k3, takenAt: '2026-11-28T13:00:00.000Z' }]);
    expect(JSON.stringify(report)).not.toContain('SECRET');
  });

  it('reads only the backups since --since', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-26T13:00:00Z', [a()], { latest: false });
    const recent = world.putBackup('2026-11-29T13:00:00Z', [a()]);
    const report = await runHistory({
      session: session(),
      name: '/app/dev/a',
      since: new Date('2026-11-28T00:00:00Z'),
      hasher: new ValueHasher(),
    });
    expect(report.lines.map((l) => l.key)).toEqual([recent]);
    expect(report.backupsRead).toBe(1);
  });
});

describe('Function: runHistory, absences', () => {
  it('is silent before the parameter first appears, and names only the first backup of each gap', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-24T13:00:00Z', [b()], { latest: false });
    const first = world.putBackup(
      '2026-11-25T13:00:00Z',
      [a({ Version: 1, LastModifiedDate: '2026-11-25T12:00:00.000Z' })],
      {
        latest: false,
      },
    );
    const gone = world.putBackup('2026-11-26T13:00:00Z', [b()], { latest: false });
    world.putBackup('2026-11-27T13:00:00Z', [b()], { latest: false });
    const back = world.putBackup('2026-11-28T13:00:00Z', [a({ Version: 2 })]);
    const report = await runHistory({ session: session(), name: '/app/dev/a', hasher: new ValueHasher() });
    expect(report.absences).toEqual([{ key: gone, takenAt: '2026-11-26T13:00:00.000Z' }]);
    expect(report.lines.map((l) => l.key)).toEqual([first, back]);
    expect(report.lines[0]).toMatchObject({ version: 1, lastModified: '2026-11-25T12:00:00.000Z' });
    expect(report.lines[0]).not.toHaveProperty('reappeared');
    expect(report.lines[1]).toMatchObject({ reappeared: true });
    expect(report.lines[1]).not.toHaveProperty('lastModified');
  });
});
