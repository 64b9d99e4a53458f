import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Moto, startMoto } from '../../scripts/lib/moto';
import { deployStack, localEnv, putParameters, realisticParameters } from '../../scripts/lib/world';
import { leakedSecrets } from './support';

/**
 * The package as a team installs it (issue #22): `npm pack`, then `npm install --omit=dev` of the
 * tarball into an empty folder, and the installed command run from there, against moto.
 */
jest.setTimeout(300_000);

const ROOT = resolve(__dirname, '..', '..');
let moto: Moto;
let installed: string;
let files: string[];

beforeAll(async () => {
  const packDir = mkdtempSync(join(tmpdir(), 'ssm-backup-pack-'));
  // dist/ was just built by the test command; --ignore-scripts keeps the other suites' dist/ in place.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
      cwd: ROOT,
    }).toString(),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path).sort();
  const into = mkdtempSync(join(tmpdir(), 'ssm-backup-installed-'));
  execFileSync(
    'npm',
    ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(packDir, packed[0]!.filename)],
    { cwd: into, stdio: 'ignore' },
  );
  installed = join(into, 'node_modules', '.bin', 'ssm-backup');
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

it('the tarball holds the built runner, its launcher, README and LICENSE: no sources, tests or tools', () => {
  const outside = files.filter((f) => !/^(dist\/.+\.js|bin\/ssm-backup\.js|README\.md|LICENSE|package\.json)$/.test(f));
  expect(outside).toEqual([]);
  expect(files).toContain('dist/cli/main.js');
  // Every built file has its source: nothing stale from a removed module ships.
  for (const f of files.filter((f) => f.startsWith('dist/')))
    expect(existsSync(join(ROOT, 'src', f.slice('dist/'.length).replace(/\.js$/, '.ts')))).toBe(true);
});

it('installed with --omit=dev it brings no compiler, type packages or test tools', () => {
  const modules = join(installed, '..', '..');
  const present = readdirSync(modules);
  for (const dev of ['typescript', 'jest', '@pulumi', 'tsx', '@biomejs']) expect(present).not.toContain(dev);
  const types = present.includes('@types') ? readdirSync(join(modules, '@types')) : [];
  expect(types).not.toContain('node');
});

it('runs --version and --help from the installed package', () => {
  const version = execFileSync(installed, ['--version']).toString().trim();
  expect(version).toBe(require('../../package.json').version);
  expect(execFileSync(installed, ['--help']).toString()).toMatch(/Usage: ssm-backup/);
});

it('backs up as a dry run against moto from the installed package', async () => {
  await deployStack(moto.endpoint, { env: 'dev', regions: ['us-west-2'] });
  const seeded = realisticParameters('dev', 'us-west-2', 12);
  await putParameters(moto.endpoint, 'us-west-2', seeded);
  const run = spawnSync(installed, ['--env', 'dev', '--region', 'us-west-2', '--dry-run'], {
    env: localEnv(moto.endpoint),
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(/dry run: would upload s3:\/\/\S+ \(\d+ parameters, /);
  const secrets = seeded.filter((p) => p.Value.startsWith('SECRET-')).map((p) => p.Value);
  expect(leakedSecrets(`${run.stdout}\n${run.stderr}`, secrets)).toEqual([]);
});
