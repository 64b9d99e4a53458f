import { deployStack, putParameters, realisticParameters } from '../../scripts/lib/world';
import { motoFile } from './support';

/**
 * What an operator reads (issue #22): with --log-format json every line of every command is JSON,
 * tables and plans included; a run without a regions key says it backs up the home region alone.
 */
jest.setTimeout(120_000);

const REGION = 'ap-northeast-1';
const e2e = motoFile({ AWS_REGION: REGION });
const { session } = e2e;

beforeAll(async () => {
  // No regions key: the home region alone, as an old single-region installation.
  await deployStack(e2e.endpoint, { env: 'dev', regions: [REGION], regionsKey: false });
  const seeded = realisticParameters('dev', REGION, 8);
  await putParameters(e2e.endpoint, REGION, seeded);
  e2e.remember(seeded);
});

function everyLineIsJson(text: string): Record<string, unknown>[] {
  const lines = text.split('\n').filter(Boolean);
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line: ${line}`);
    }
  });
}

it('without a regions key the backup warns that it backs up the home region alone, naming the key', async () => {
  for (const args of [
    ['--env', 'dev'],
    ['regions', '--env', 'dev'],
  ]) {
    const result = await session.run(args);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /WARN: regions: ap-northeast-1 alone: \/jenkins\/dev\/backup\/regions in ap-northeast-1 does not exist there/,
    );
  }
});

it.each([
  [['--env', 'dev']],
  [['regions', '--env', 'dev']],
  [['list', '--env', 'dev']],
  [['verify', '--env', 'dev', '--against-live']],
  [['diff', '--env', 'dev', '--from', 'latest', '--to', 'live']],
  [['history', '--env', 'dev', '--name', '/jenkins/dev/backup/s3-bucket-name']],
  [['restore', '--env', 'dev']],
  [['restore', '--env', 'dev', '--plan-file', '-']],
  [['policy', '--env', 'dev', '--duty', 'audit', '--account-id', '123456789012']],
  [['--env', 'dev', '--bogus']],
])('--log-format json %p: every line on stdout and stderr is JSON', async (args) => {
  const result = await session.run([...args, '--log-format', 'json']);
  const out = everyLineIsJson(result.stdout);
  const err = everyLineIsJson(result.stderr);
  expect(out.length + err.length).toBeGreaterThan(0);
  for (const record of [...err, ...out.filter((r) => 'level' in r)]) {
    expect(record).toHaveProperty('time');
    expect(['info', 'warn', 'error', 'debug']).toContain(record.level);
  }
});
