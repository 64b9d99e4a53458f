import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { resolveCommon } from '../../../src/cli/options';
import { ExitCode } from '../../../src/errors';
import { runMain } from '../support/cli';
import { backedUp, resetMocks, ssmMock } from '../support/mocks';
import { UnitWorld } from '../support/world';

beforeEach(resetMocks);

/** The commands in-process on mocked clients: what a user types, and what it does to the world. */
const ENV = {
  AWS_REGION: 'us-west-2',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'y',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const run = (...args: string[]) => runMain([...args, '--env', 'dev', '--region', 'us-west-2'], ENV);
const written = () => ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name);

const a = (extra = {}) => backedUp('/app/dev/a', { Value: 'SECRET-a1', ...extra });
const b = (extra = {}) => backedUp('/app/dev/b', { Value: 'SECRET-b1', ...extra });

function world(): UnitWorld {
  const w = new UnitWorld();
  w.putBackup('2026-11-29T13:00:00Z', [a(), b()]);
  w.setLive([a({ Value: 'SECRET-changed' })]);
  return w;
}

describe('Command: restore', () => {
  it('--apply alone creates what is missing and leaves the changed parameter as it is', async () => {
    const w = world();
    const result = await run('restore', '--apply', '--write-rps', '0');
    expect(result.code).toBe(ExitCode.Ok);
    expect(written()).toEqual(['/app/dev/b']);
    expect(w.live.get('/app/dev/a')!.Value).toBe('SECRET-changed');
    expect(result.stderr).toMatch(/1 created, 0 updated, 1 update skipped \(no --overwrite\), 0 failed/);
  });

  it('--apply --overwrite puts the changed parameter back too', async () => {
    const w = world();
    const result = await run('restore', '--apply', '--overwrite', '--write-rps', '0');
    expect(result.code).toBe(ExitCode.Ok);
    expect(written().sort()).toEqual(['/app/dev/a', '/app/dev/b']);
    expect(w.live.get('/app/dev/a')!.Value).toBe('SECRET-a1');
  });

  it('without --apply writes nothing, and --overwrite alone is a usage error', async () => {
    world();
    expect((await run('restore')).code).toBe(ExitCode.Ok);
    expect((await run('restore', '--overwrite')).code).toBe(ExitCode.Usage);
    expect(written()).toEqual([]);
  });
});

describe('Command: verify, diff, history, list', () => {
  it('verify --against-live fails (exit 1) on drift and names it; passes without', async () => {
    const w = world();
    const drift = await run('verify', '--against-live');
    expect(drift.code).toBe(ExitCode.Failed);
    expect(drift.stdout).toMatch(/FAILED: .*drift/);
    w.setLive([a(), b()]);
    const clean = await run('verify', '--against-live');
    expect(clean.code).toBe(ExitCode.Ok);
    expect(clean.stdout).toMatch(/OK: s3:\/\/bucket-us-west-2\/.* checks out, no missing or changed parameter/);
  });

  it('diff is 1 when the sides differ, 0 when they do not, and 2 (never 1) when a side cannot be read', async () => {
    const w = world();
    expect((await run('diff')).code).toBe(ExitCode.Failed);
    w.setLive([a(), b()]);
    expect((await run('diff')).code).toBe(ExitCode.Ok);
    const missing = await run('diff', '--from', '2026-01-01/ssm-backup-dev-20260101_000000-0000beef.json');
    expect(missing.code).toBe(ExitCode.Usage);
    expect(missing.stderr).toMatch(/NoBackupError: --from side: .* does not exist/);
  });

  it('history of a name no backup holds is exit 1; of one it holds, exit 0', async () => {
    world();
    expect((await run('history', '--name', '/app/dev/zzz')).code).toBe(ExitCode.Failed);
    const known = await run('history', '--name', '/app/dev/a');
    expect(known.code).toBe(ExitCode.Ok);
    expect(known.stdout).toContain('/app/dev/a');
  });

  it('list marks the backup latest.txt names', async () => {
    world();
    const result = await run('list');
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toMatch(/^\* 2026-11-29\/ssm-backup-dev-20261129_130000-0000beef\.json/m);
  });

  it('never prints a value', async () => {
    world();
    const outputs = await Promise.all([run('restore'), run('verify', '--against-live'), run('diff')]);
    for (const { stdout, stderr } of outputs) expect(stdout + stderr).not.toContain('SECRET');
  });
});

describe('Function: resolveCommon', () => {
  const resolve = (extra: Record<string, unknown> = {}) =>
    resolveCommon(
      { env: 'dev', region: 'us-west-2', logLevel: 'info', logFormat: 'pretty', ...extra } as Parameters<
        typeof resolveCommon
      >[0],
      ENV,
    );

  it('keeps --max-rps 0 as "no cap", and takes the default only when the option is absent', async () => {
    expect((await resolve({ maxRps: 0 })).clientSettings.maxRps).toBe(0);
    expect((await resolve({ maxRps: 7 })).clientSettings.maxRps).toBe(7);
    expect((await resolve()).clientSettings.maxRps).toBe(20);
  });

  it('takes the concurrency given, or 4', async () => {
    expect((await resolve({ concurrency: 9 })).clientSettings.concurrency).toBe(9);
    expect((await resolve()).clientSettings.concurrency).toBe(4);
  });
});
