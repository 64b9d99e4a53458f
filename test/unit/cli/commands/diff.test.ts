import { ExitCode } from '../../../../src/errors';
import { runInWorld as run } from '../../support/cli';
import { resetMocks } from '../../support/mocks';
import { driftedWorld, fixtureA, fixtureB } from '../../support/world';

beforeEach(resetMocks);

describe('Command: diff', () => {
  it('diff is 1 when the sides differ, 0 when they do not, and 2 (never 1) when a side cannot be read', async () => {
    const w = driftedWorld();
    expect((await run('diff')).code).toBe(ExitCode.Failed);
    w.setLive([fixtureA(), fixtureB()]);
    expect((await run('diff')).code).toBe(ExitCode.Ok);
    const missing = await run('diff', '--from', '2026-01-01/ssm-backup-dev-20260101_000000-0000beef.json');
    expect(missing.code).toBe(ExitCode.Usage);
    expect(missing.stderr).toMatch(/NoBackupError: --from side: .* does not exist/);
  });

  it('never prints a value', async () => {
    driftedWorld();
    const { stdout, stderr } = await run('diff');
    expect(stdout + stderr).not.toContain('SECRET');
  });
});
