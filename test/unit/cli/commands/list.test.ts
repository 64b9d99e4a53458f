import { ExitCode } from '../../../../src/errors';
import { runInWorld as run } from '../../support/cli';
import { resetMocks } from '../../support/mocks';
import { driftedWorld } from '../../support/world';

beforeEach(resetMocks);

describe('Command: list', () => {
  it('list marks the backup latest.txt names', async () => {
    driftedWorld();
    const result = await run('list');
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/^\* 2026-11-29\/ssm-backup-dev-20261129_130000-0000beef\.json/m);
  });
});
