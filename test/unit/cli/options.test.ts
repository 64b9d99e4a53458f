import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import { resolveCommon } from '../../../src/cli/options';
import { ExitCode } from '../../../src/errors';
import { runMain } from '../support/cli';

const ENV = { AWS_REGION: 'us-west-2' };
const run = (...args: string[]) => runMain(args);

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

describe('Empty option values', () => {
  // Every option of every command that takes a value, read from the program itself, so an option
  // added later is covered without touching this test.
  const { buildProgram } = require('../../../src/cli/main') as typeof import('../../../src/cli/main');
  const { CommandContext } = require('../../../src/cli/context') as typeof import('../../../src/cli/context');
  const program = buildProgram(new CommandContext({ stdout: new PassThrough(), stderr: new PassThrough() }, {}));
  const cases = program.commands.flatMap((command) =>
    command.options
      .filter((option) => option.required || option.optional)
      .flatMap((option) => [
        [command.name(), option.long!, ''],
        [command.name(), option.long!, ' \t'],
      ]),
  );

  it('covers the options that can least afford to read blank as "not given"', () => {
    const named = cases.map(([command, option]) => `${command} ${option}`);
    for (const must of ['restore --at', 'restore --from', 'backup --region', 'diff --from', 'backup --kms-key-id'])
      expect(named).toContain(must);
  });

  it.each(cases)(
    '%s %s %p is a usage error (exit 2) naming the option, before any AWS call',
    async (cmd, option, value) => {
      // Were any AWS call made, it would fail on the refused endpoint with exit 1, not 2.
      const env = { AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' };
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const err: string[] = [];
      stderr.on('data', (d) => err.push(String(d)));
      // Everything else the command needs is given, so only the blank value can stop it.
      const needs = cmd === 'policy' ? ['--duty', 'audit', '--account-id', '123456789012'] : [];
      const code = await main(
        ['node', 'ssm-backup', cmd, '--env', 'dev', ...needs, option, value],
        { stdout, stderr },
        env,
      );
      expect(code).toBe(ExitCode.Usage);
      expect(err.join('')).toContain(`option '${option}`);
      expect(err.join('')).toMatch(/must not be empty/);
    },
  );

  it.each([
    ['--regions', 'us-west-2,,us-east-1'],
    ['--regions', 'us-west-2,'],
    ['--regions', ','],
  ])('an empty item in a list (%s %p) is a usage error', async (option, value) => {
    const result = await run('--env', 'dev', option, value, '--endpoint-url', 'http://127.0.0.1:1');
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(/--regions: .*(empty item|list is empty)/);
  });
});
