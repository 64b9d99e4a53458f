import { GetObjectCommand } from '@aws-sdk/client-s3';
import { runList } from '../../../src/run/listRun';
import { awsError, resetMocks, s3Mock } from '../support/mocks';
import { fixtureA, fixtureB, unitSession as session, UnitWorld } from '../support/world';

beforeEach(resetMocks);

const a = fixtureA;
const b = fixtureB;

describe('Function: runList', () => {
  it("lists the region's backups newest first with their counts, and where latest.txt points", async () => {
    const world = new UnitWorld();
    const older = world.putBackup('2026-11-28T13:00:00Z', [a()], { latest: false });
    const newer = world.putBackup('2026-11-29T13:00:00Z', [a(), b()]);
    const listing = await runList(session());
    expect(listing.bucket).toBe('bucket-us-west-2');
    expect(listing.latest).toBe(newer);
    expect(listing.backups.map((r) => [r.key, r.parameterCount])).toEqual([
      [newer, 2],
      [older, 1],
    ]);
  });

  it('shows no latest when latest.txt names no backup of the environment, and still lists', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    world.objects.set('latest.txt', { body: Buffer.from('garbage') });
    const listing = await runList(session());
    expect(listing.latest).toBeNull();
    expect(listing.backups).toHaveLength(1);
  });
});

describe('Function: runList, what stops it', () => {
  it("a latest.txt of another environment's backup is shown as none; a failure to read it is the listing's", async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    world.objects.set('latest.txt', { body: Buffer.from('2026-11-29/ssm-backup-prod-20261129_130000-0000beef.json') });
    expect((await runList(session())).latest).toBeNull();
    s3Mock.on(GetObjectCommand).rejects(awsError('AccessDenied', 'denied', 403));
    await expect(runList(session())).rejects.toThrow('denied');
  });
});
