import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** moto server, installed into the repository's own virtual environment on first use. */
const MOTO_VERSION = '5.2.5';
const ROOT = resolve(__dirname, '..', '..');
const VENV = join(ROOT, '.venv');
const MOTO_SERVER = join(VENV, 'bin', 'moto_server');

export function ensureMotoInstalled(log: (line: string) => void = () => {}): string {
  if (existsSync(MOTO_SERVER)) return MOTO_SERVER;
  log(`installing moto[server]==${MOTO_VERSION} into ${VENV} (first run only, about 30 s; pip's lines follow)`);
  execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
  // pip's own progress (one line per package collected and the install), so a first run is not silent.
  execFileSync(
    join(VENV, 'bin', 'pip'),
    ['install', '--progress-bar', 'off', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`],
    { stdio: 'inherit' },
  );
  log('moto installed');
  return MOTO_SERVER;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface Moto {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
  reset(): Promise<void>;
}

/** Starts moto on a free loopback port and waits until it answers. */
export async function startMoto(options: { log?: (line: string) => void } = {}): Promise<Moto> {
  const server = ensureMotoInstalled(options.log);
  const port = await freePort();
  const child: ChildProcess = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    port,
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}
