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
