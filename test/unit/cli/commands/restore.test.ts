import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ExitCode } from '../../../../src/errors';
import { runInWorld as run } from '../../support/cli';
import { resetMocks, ssmMock } from '../../support/mocks';
import { driftedWorld } from '../../support/world';

const written = () => ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name);

beforeEach(resetMocks);

describe('Command: restore', () => {
  it('--apply alone creates what is missing and leaves the changed parameter as it is', async () => {
    const w = driftedWorld();
    const result = await run('restore', '--apply', '--write-rps', '0');
    expect(result.code).toBe(ExitCode.Ok);
    expect(written()).toEqual(['/app/dev/b']);
    expect(w.live.get('/app/dev/a')!.Value).toBe('SECRET-changed');
    expect(result.stderr).toMatch(/1 created, 0 updated, 1 update skipped \(no --overwrite\), 0 failed/);
  });

  it('--apply --overwrite puts the changed parameter back too', async () => {
    const w = driftedWorld();
    const result = await run('restore', '--apply', '--overwrite', '--write-rps', '0');
    expect(result.code).toBe(ExitCode.Ok);
    expect(written().sort()).toEqual(['/app/dev/a', '/app/dev/b']);
    expect(w.live.get('/app/dev/a')!.Value).toBe('SECRET-a1');
  });

  it('without --apply writes nothing, and --overwrite alone is a usage error', async () => {
    driftedWorld();
    expect((await run('restore')).code).toBe(ExitCode.Ok);
    expect((await run('restore', '--overwrite')).code).toBe(ExitCode.Usage);
    expect(written()).toEqual([]);
  });
});
