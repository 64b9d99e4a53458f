import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** This checkout's CLI; SSM_BACKUP_CLI points the benchmark at another one (a before/after comparison). */
const CLI = process.env.SSM_BACKUP_CLI ?? resolve(__dirname, '..', '..', 'bin', 'ssm-backup.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, in its own process. */
export interface RunOptions {
  cwd?: string;
  echo?: boolean;
  /** Sees stderr as it comes, with the process: a test's way to signal it at a chosen moment. */
  onStderr?: (textSoFar: string, child: ChildProcess) => void;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      if (options.echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      err.push(d);
      if (options.echo) process.stderr.write(d);
      options.onStderr?.(Buffer.concat(err).toString(), child);
    });
    child.on('error', fail);
    child.on('close', (code) =>
      done({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}
