import { ExitCode } from '../../../../src/errors';
import { runInWorld as run } from '../../support/cli';
import { resetMocks } from '../../support/mocks';
import { driftedWorld, fixtureA, fixtureB } from '../../support/world';

beforeEach(resetMocks);

describe('Command: verify', () => {
  it('verify --against-live fails (exit 1) on drift and names it; passes without', async () => {
    const w = driftedWorld();
    const drift = await run('verify', '--against-live');
    expect(drift.code).toBe(ExitCode.Failed);
    expect(drift.stdout).toMatch(/FAILED: .*drift/);
    w.setLive([fixtureA(), fixtureB()]);
    const clean = await run('verify', '--against-live');
    expect(clean.code).toBe(ExitCode.Ok);
    expect(clean.stdout).toMatch(/OK: s3:\/\/bucket-us-west-2\/.* checks out, no missing or changed parameter/);
  });

  it('never prints a value', async () => {
    driftedWorld();
    const { stdout, stderr } = await run('verify', '--against-live');
    expect(stdout + stderr).not.toContain('SECRET');
  });
});
