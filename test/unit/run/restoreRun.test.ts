import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTagsForResourceCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { buildDocument, encodeDocument } from '../../../src/backup/document';
import { InterruptedError, StalePlanError } from '../../../src/errors';
import type { RunEvent } from '../../../src/run/events';
import { runRestore } from '../../../src/run/restoreRun';
import { backedUp, resetMocks, s3Mock, ssmMock } from '../support/mocks';
import { fixtureA, fixtureB, unitSession as session, UnitWorld } from '../support/world';

beforeEach(resetMocks);

const a = fixtureA;
const b = fixtureB;

/** The restore command's run in us-west-2, applying, with the rest given. */
const restore = (overrides: Partial<Parameters<typeof runRestore>[0]> = {}) =>
  runRestore({
    target: session(),
    from: { kind: 'latest' },
    apply: true,
    overwrite: false,
    includeRunnerKeys: false,
    ...overrides,
  });

describe('Function: runRestore', () => {
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

describe('Function: runRestore, the details', () => {
  it('reads live tags only when the backup has some', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    await restore({ apply: false });
    expect(ssmMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
    // One tagged parameter among untagged ones is enough.
    world.putBackup('2026-11-29T14:00:00Z', [a({ Tags: [{ Key: 't', Value: 'v' }] }), b()]);
    world.setLive([a()]);
    await restore({ apply: false });
    expect(ssmMock.commandCalls(ListTagsForResourceCommand).length).toBeGreaterThan(0);
  });

  it('a stale plan names how many changes and lists them', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a()]);
    const { plan } = await restore({ apply: false });
    world.setLive([a({ Value: 'SECRET-changed' })]);
    await expect(restore({ reviewedPlan: plan })).rejects.toThrow(
      new StalePlanError(
        'the reviewed plan no longer holds (1 change); nothing was written. Make a new plan: ' +
          '/app/dev/a: was CREATE, is now UPDATE (live version 1)',
      ),
    );
    world.putBackup('2026-11-29T14:00:00Z', [a(), b()]);
    world.setLive([a({ Value: 'SECRET-changed' }), b()]);
    const twoPlan = (await restore({ apply: false })).plan;
    world.setLive([]);
    await expect(restore({ reviewedPlan: twoPlan })).rejects.toThrow(
      /\(2 changes\); nothing was written\. Make a new plan: \/app\/dev\/a: was UPDATE \(live version 1\), is now CREATE; \/app\/dev\/b: /,
    );
  });

  it('a stale plan lists its first 20 changes, however many there are', async () => {
    const world = new UnitWorld();
    const many = Array.from({ length: 25 }, (_, i) => backedUp(`/app/dev/p${String(i).padStart(2, '0')}`));
    world.putBackup('2026-11-29T13:00:00Z', many);
    const { plan } = await restore({ apply: false });
    world.setLive(many);
    const error = (await restore({ reviewedPlan: plan }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(StalePlanError);
    expect(error.message).toMatch(/^the reviewed plan no longer holds \(25 changes\)/);
    expect(error.message.match(/was CREATE/g)).toHaveLength(20);
    expect(error.message).toContain('/app/dev/p19: was CREATE');
    expect(error.message).not.toContain('/app/dev/p20');
  });

  it('an interruption before the writes: nothing is written, every planned write is named not sent', async () => {
    const world = new UnitWorld();
    world.putBackup('2026-11-29T13:00:00Z', [a(), b()]);
    const controller = new AbortController();
    controller.abort(new InterruptedError('SIGINT'));
    const { applied } = await restore({ signal: controller.signal });
    expect(applied).toMatchObject({ interrupted: 'SIGINT', created: [], notSent: ['/app/dev/a', '/app/dev/b'] });
    expect(world.live.size).toBe(0);
  });

  it('reports the writes as they go, and names the plan after the key or the file it read', async () => {
    const world = new UnitWorld();
    const key = world.putBackup('2026-11-29T13:00:00Z', [a(), b()]);
    const events: RunEvent[] = [];
    const result = await restore({ target: session(events) });
    expect(result.plan.from).toBe(key);
    expect(events.filter((e) => e.type === 'apply-progress')).toEqual([
      { type: 'apply-progress', region: 'us-west-2', done: 1, total: 2 },
      { type: 'apply-progress', region: 'us-west-2', done: 2, total: 2 },
    ]);
  });

  it('names a plan read from a file after the file', async () => {
    new UnitWorld();
    const dir = mkdtempSync(join(tmpdir(), 'restore-file-'));
    const path = join(dir, 'b.json');
    const doc = buildDocument({
      env: 'dev',
      region: 'us-west-2',
      accountId: '123456789012',
      startedAt: new Date(),
      parameters: [a()],
    });
    writeFileSync(path, Buffer.concat(encodeDocument(doc).chunks));
    try {
      const { plan } = await restore({ from: { kind: 'file', path }, apply: false });
      expect(plan.from).toBe(`file:${path}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
