import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { StalePlanError } from '../../../src/errors';
import { runRestore } from '../../../src/run/restoreRun';
import { resetMocks, s3Mock, ssmMock } from '../support/mocks';
import { fixtureA, fixtureB, unitSession as session, UnitWorld } from '../support/world';

beforeEach(resetMocks);

const a = fixtureA;
const b = fixtureB;

describe('Function: runRestore', () => {
  const restore = (overrides: Partial<Parameters<typeof runRestore>[0]> = {}) =>
    runRestore({
      target: session(),
      from: { kind: 'latest' },
      apply: true,
      overwrite: false,
      includeRunnerKeys: false,
      writesPerSecond: 0,
      ...overrides,
    });

  it('creates what is missing and, without --overwrite, leaves changed parameters alone', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a(), b()]);
    world.setLive([a({ Value: 'SECRET-changed' })]);
    const result = await restore();
    expect(result.plan.counts).toMatchObject({ create: 1, update: 1 });
    expect(result.applied).toMatchObject({ created: ['/app/dev/b'], updated: [], skipped: ['/app/dev/a'] });
    expect(ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name)).toEqual(['/app/dev/b']);
  });

  it('overwrites only when told to', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    world.setLive([a({ Value: 'SECRET-changed' })]);
    const result = await restore({ overwrite: true });
    expect(result.applied).toMatchObject({ updated: ['/app/dev/a'], skipped: [] });
    expect(world.live.get('/app/dev/a')!.Value).toBe('SECRET-a1');
  });

  it('writes nothing for a plan alone, and shows the plan before any write', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    const order: string[] = [];
    ssmMock.on(PutParameterCommand).callsFake(() => {
      order.push('write');
      return {};
    });
    const planOnly = await restore({ apply: false, onPlan: () => void order.push('plan') });
    expect(planOnly.applied).toBeUndefined();
    expect(order).toEqual(['plan']);
    await restore({ onPlan: () => void order.push('plan') });
    expect(order).toEqual(['plan', 'plan', 'write']);
  });

  it('refuses a reviewed plan made for another target region, before any write', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    const { plan } = await restore({ apply: false });
    const attempt = restore({ reviewedPlan: { ...plan, targetRegion: 'eu-west-1' } });
    await expect(attempt).rejects.toThrow(StalePlanError);
    await expect(attempt).rejects.toThrow(/targetRegion was eu-west-1, is us-west-2/);
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
  });

  it('applies a reviewed plan that still holds', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    const { plan } = await restore({ apply: false });
    const result = await restore({ reviewedPlan: plan });
    expect(result.applied!.created).toEqual(['/app/dev/a']);
  });

  it("reads the backup from the source region's bucket and writes into the target", async () => {
    const world = new UnitWorld('dev', 'us-east-1');
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    const result = await restore({ sourceRegion: 'us-east-1', apply: false });
    expect(result.plan).toMatchObject({ sourceRegion: 'us-east-1', targetRegion: 'us-west-2' });
    expect(result.loaded.origin).toMatch(/^s3:\/\/bucket-us-east-1\//);
    expect(s3Mock.calls().length).toBeGreaterThan(0);
  });
});
