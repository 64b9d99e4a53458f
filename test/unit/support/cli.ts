import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';

/** The CLI in-process, as `ssm-backup ARGS` would run it, with what it printed. */
export async function runMain(
  args: string[],
  environment: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d) => out.push(String(d)));
  stderr.on('data', (d) => err.push(String(d)));
  const code = await main(['node', 'ssm-backup', ...args], { stdout, stderr }, environment);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Credentials and region for the in-process CLI on mocked clients (no call leaves the process). */
const MOCKED_ENV = {
  AWS_REGION: 'us-west-2',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'y',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** `ssm-backup ARGS --env dev --region us-west-2` on the mocked clients (see support/world.ts). */
export function runInWorld(...args: string[]): ReturnType<typeof runMain> {
  return runMain([...args, '--env', 'dev', '--region', 'us-west-2'], MOCKED_ENV);
}
