import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/cli/logger';
import { main } from '../../../src/cli/main';
import { ExitCode } from '../../../src/errors';

async function run(...args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d) => out.push(String(d)));
  stderr.on('data', (d) => err.push(String(d)));
  const code = await main(['node', 'ssm-backup', ...args], { stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

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
  ])('%p is a usage error (exit 2) that names the problem', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(message);
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
