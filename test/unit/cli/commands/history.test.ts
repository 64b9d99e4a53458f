import { ExitCode } from '../../../../src/errors';
import { runInWorld as run } from '../../support/cli';
import { resetMocks } from '../../support/mocks';
import { driftedWorld } from '../../support/world';

beforeEach(resetMocks);

describe('Command: history', () => {
  it('history of a name no backup holds is exit 1; of one it holds, exit 0', async () => {
    driftedWorld();
    expect((await run('history', '--name', '/app/dev/zzz')).code).toBe(ExitCode.Failed);
    const known = await run('history', '--name', '/app/dev/a');
    expect(known.code).toBe(ExitCode.Ok);
    expect(known.stdout).toContain('/app/dev/a');
  });
});
