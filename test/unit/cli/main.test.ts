import { PassThrough } from 'node:stream';
import { createLogger, useColor } from '../../../src/cli/logger';
import { main } from '../../../src/cli/main';
import { ExitCode } from '../../../src/errors';
import { runMain } from '../support/cli';

const run = (...args: string[]) => runMain(args);

describe('Function: main', () => {
  it('prints help with exit 0, for the program and each command', async () => {
    for (const args of [['--help'], ['backup', '--help'], ['regions', '--help']]) {
      const result = await run(...args);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toMatch(/Usage: ssm-backup/);
    }
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['backup'], /--env is required/],
    [['--env', 'de v'], /not a valid environment name/],
    [['--env', 'dev', '--region', 'Tokyo'], /'Tokyo' is not an AWS region name/],
    [['--env', 'dev', '--regions', 'us-west-2,us-west-2'], /listed twice/],
    [['--env', 'dev', '--region', 'us-west-2', '--regions', 'us-east-1'], /either --region or --regions/],
    [['--env', 'dev', '--concurrency', '0'], /--concurrency.*whole number from 1 to 64/],
    [['--env', 'dev', '--log-format', 'xml'], /log-format/],
    [['--env', 'dev', '--endpoint-url', 'ftp://x'], /not an http\(s\) URL/],
    [['regions', '--env', 'dev', '--home-region', 'nowhere'], /'nowhere' is not an AWS region name/],
    [['policy', '--env', 'dev'], /--duty <duty>' not specified/],
    [['policy', '--env', 'dev', '--duty', 'admin'], /Allowed choices are backup, restore, audit/],
    [['policy', '--env', 'dev', '--duty', 'audit', '--account-id', '12345'], /12-digit AWS account id/],
    [['policy', '--env', 'dev', '--duty', 'audit', '--kms-key-arns', 'alias/x'], /comma-separated KMS key ARNs/],
  ])('%p is a usage error (exit 2) that names the problem', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(message);
  });
});

describe('Help: each command shows the options it uses, its examples, and the real precedence', () => {
  async function help(command: string): Promise<string> {
    return (await run(command, '--help')).stdout;
  }

  it.each([
    ['backup', ['--max-rps', '--concurrency', '--summary-file', '--finish-within'], []],
    ['list', ['--concurrency'], ['--max-rps', '--summary-file']],
    ['policy', ['--duty'], ['--max-rps', '--concurrency', '--summary-file']],
    ['regions', [], ['--max-rps', '--concurrency', '--summary-file']],
    ['restore', ['--max-rps', '--write-rps', '--plan-file'], []],
  ])('%s: has %p, not %p, and its own examples', async (command, has, hasNot) => {
    const text = await help(command);
    for (const option of has) expect(text).toContain(option);
    for (const option of hasNot) expect(text).not.toContain(option);
    expect(text).toMatch(new RegExp(`Examples:\\n  ssm-backup ${command === 'backup' ? '' : command}`));
  });

  it('says --home-region comes first, and what --from and --at accept', async () => {
    expect((await run('--help')).stdout).toMatch(
      /the home region when --home-region is not given \(AWS_REGION first\)/,
    );
    expect(await help('verify')).toMatch(/--home-region <region>\s+region holding the regions key; first of all/);
    const restore = (await help('restore')).replace(/\s+/g, ' ');
    expect(restore).toContain('an object key (YYYY-MM-DD/ssm-backup-ENV-...json, as list shows)');
    expect(restore).toContain('a date or UTC time (the newest backup taken at or before it');
    expect(restore).toMatch(
      /--at <time> restore the newest backup taken at or before this date \(the end of that UTC day\)/,
    );
  });

  it('--log-format json: a usage error is one JSON record', async () => {
    for (const args of [
      ['--log-format', 'json', '--bogus'],
      ['--log-format', 'json', 'bakup'],
    ]) {
      const result = await run(...args);
      expect(result.code).toBe(ExitCode.Usage);
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', event: 'usage-error' });
    }
  });
});

describe('Command: policy', () => {
  it("prints the duty's document for the account and regions; --no-kms leaves out every key statement", async () => {
    const args = [
      'policy',
      '--duty',
      'backup',
      '--env',
      'dev',
      '--region',
      'us-west-2',
      '--account-id',
      '123456789012',
    ];
    const withKey = await run(...args);
    expect(withKey.code).toBe(ExitCode.Ok);
    const document = JSON.parse(withKey.stdout);
    expect(document.Version).toBe('2012-10-17');
    expect(JSON.stringify(document)).toContain('arn:aws:s3:::jenkins-infra-ssm-backup-dev-123456789012-us-west-2');
    expect(JSON.stringify(document)).toContain('alias/jenkins-infra-ssm-backup-dev');
    const sseS3 = JSON.parse((await run(...args, '--no-kms', '--project-name', 'acme')).stdout);
    expect(JSON.stringify(sseS3)).not.toContain('alias/');
    expect(JSON.stringify(sseS3)).toContain('arn:aws:s3:::acme-ssm-backup-dev-123456789012-us-west-2');
  });
});

describe('Function: main, for an operator', () => {
  it.each([
    ['bakup', 'backup'],
    ['restor', 'restore'],
    ['verfy', 'verify'],
    ['histroy', 'history'],
  ])('a typo %p says unknown command and suggests %p (exit 2)', async (typo, nearest) => {
    const result = await run(typo, '--env', 'dev');
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toContain(`unknown command '${typo}' (Did you mean ${nearest}?)`);
  });

  it('with --log-format json, every message is JSON, usage errors included: ISO time, level by name', async () => {
    for (const args of [
      ['bakup', '--log-format', 'json'],
      ['--env', 'a b', '--log-format=json'],
      ['--bogus', '--log-format', 'json'],
    ]) {
      const result = await run(...args);
      expect(result.code).toBe(ExitCode.Usage);
      const lines = result.stderr.trim().split('\n');
      for (const line of lines) {
        const entry = JSON.parse(line);
        expect(entry.level).toBe('error');
        expect(entry.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
    }
  });

  it('--help says backup is the default, with examples, exit codes and the environment it reads', async () => {
    const { stdout } = await run('--help');
    expect(stdout).toContain('backup is the default command');
    expect(stdout).toMatch(/Examples:\n {2}ssm-backup --env dev --dry-run/);
    expect(stdout).toMatch(/Exit codes:[\s\S]*\n {2}3 {4}done with a warning[\s\S]*130/);
    expect(stdout).toMatch(/Environment:[\s\S]*AWS_PROFILE[\s\S]*NO_COLOR, FORCE_COLOR/);
  });

  it('each command lists only the options it uses, --env as required', async () => {
    const regions = (await run('regions', '--help')).stdout;
    expect(regions).not.toContain('back up this region only');
    expect(regions).not.toContain('--summary-file');
    expect(regions).toMatch(/--env <name> +\(required\)/);
    expect((await run('list', '--help')).stdout).not.toContain('--summary-file');
    expect((await run('list', '--help')).stdout).not.toContain('--regions');
    expect((await run('backup', '--help')).stdout).toContain('back up this region only');
    expect((await run('verify', '--help')).stdout).toContain('--json');
  });
});

describe('Function: useColor', () => {
  it('colours a terminal unless NO_COLOR; FORCE_COLOR colours anywhere', () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
    expect(useColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(useColor({ FORCE_COLOR: '0' }, true)).toBe(true);
    expect(useColor({ FORCE_COLOR: '0', NO_COLOR: '1' }, true)).toBe(false);
  });
});

describe('Function: createLogger', () => {
  it.each(['json', 'pretty'] as const)('redacts values in %s output', (format) => {
    const sink = new PassThrough();
    const lines: string[] = [];
    sink.on('data', (d) => lines.push(String(d)));
    const logger = createLogger(format, 'debug', sink);
    logger.info(
      { Value: 'SECRET-1', parameter: { Name: '/a', Value: 'SECRET-2' }, parameters: [{ Value: 'SECRET-3' }] },
      'hello',
    );
    const text = lines.join('');
    expect(text).toContain('hello');
    expect(text).not.toMatch(/SECRET-\d/);
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
