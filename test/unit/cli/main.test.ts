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
