/**
 * The organization's fan-out (issue #21), measured, not asserted: 6 targets (one account each) x 2
 * regions x 1,000 parameters on moto, behind a proxy that adds AWS-like latency (25 ms +- 10 ms per
 * request). Each target is run as the Jenkinsfile runs it: `regions`, then one backup process per
 * region in series, under the target's role (--role-arn: one AssumeRole per process). Prints the
 * slowest target alone, then every target serially and with 2, 4 and 6 at once, and the calls.
 *
 * Each account has its own moto server (and latency proxy), as each AWS account has its own service
 * endpoints' capacity: one moto process serving every account answers about 100 calls a second in all
 * and would measure moto, not the fan-out (`--one-moto` shows that).
 *
 *   npm run bench:fanout                  (about 5 minutes, most of it seeding moto)
 *   npm run bench:fanout -- --n 200       fewer parameters per region
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PQueue from 'p-queue';
import { runCli } from './lib/cli';
import { startFaultProxy } from './lib/faultProxy';
import { assertLocalEndpoint } from './lib/localOnly';
import { startMoto } from './lib/moto';
import { deployStack, localEnv, putParameters, realisticParameters } from './lib/world';

const HOME = 'ap-northeast-1';
const REGIONS = [HOME, 'us-west-2'];
const nAt = process.argv.indexOf('--n');
const N = nAt > 0 ? Number(process.argv[nAt + 1]) : 1000;
const TARGETS = Array.from({ length: 6 }, (_, i) => ({ env: `team${i + 1}`, account: `10000000000${i + 1}` }));
const ONE_MOTO = process.argv.includes('--one-moto');
const MOTO_PAGE = 10;

interface TargetRun {
  wall: number;
  calls: number;
  minimum: number;
  /** Calls the summaries do not count: the AssumeRoles and the regions key. */
  outside: number;
}

async function runTarget(endpoint: string, target: { env: string; account: string }): Promise<TargetRun> {
  const env = localEnv(endpoint, { AWS_REGION: HOME });
  const identity = [
    '--role-arn',
    `arn:aws:iam::${target.account}:role/ssm-backup-${target.env}`,
    '--account-id',
    target.account,
  ];
  const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-fanout-'));
  const started = performance.now();
  try {
    const regions = await runCli(['regions', '--env', target.env, ...identity, '--log-level', 'warn'], env);
    if (regions.code !== 0) throw new Error(`${target.env}: regions exited ${regions.code}\n${regions.stderr}`);
    let calls = 0;
    let minimum = 0;
    for (const region of JSON.parse(regions.stdout) as string[]) {
      const summary = join(dir, `${region}.json`);
      const run = await runCli(
        [
          'backup',
          '--env',
          target.env,
          '--region',
          region,
          ...identity,
          '--summary-file',
          summary,
          '--log-level',
          'warn',
        ],
        env,
      );
      if (run.code !== 0) throw new Error(`${target.env} ${region}: exited ${run.code}\n${run.stderr}`);
      const r = JSON.parse(readFileSync(summary, 'utf8')).regions[0];
      calls += r.api.total;
      // moto pages by 10; the stack's two wiring keys per region are parameters too.
      minimum += Math.ceil(r.listed / MOTO_PAGE) + Math.ceil(r.parameterCount / 10);
    }
    // Not in the summaries: an AssumeRole per process (regions, then one per region) and the regions
    // key's GetParameter.
    const outside = 1 + REGIONS.length + 1;
    return { wall: (performance.now() - started) / 1000, calls: calls + outside, minimum, outside };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Targets by index, each through its account's endpoint. */
async function fanOut(endpoints: string[], width: number): Promise<{ wall: number; runs: TargetRun[] }> {
  const pool = new PQueue({ concurrency: width });
  const started = performance.now();
  const runs = await Promise.all(TARGETS.map((t, i) => pool.add(() => runTarget(endpoints[i] ?? '', t))));
  return { wall: (performance.now() - started) / 1000, runs };
}

async function main(): Promise<void> {
  const servers = await Promise.all((ONE_MOTO ? [0] : TARGETS).map(() => startMoto({ log: console.log })));
  for (const server of servers) assertLocalEndpoint(server.endpoint);
  const motoOf = (i: number) => {
    const server = servers[ONE_MOTO ? 0 : i];
    if (!server) throw new Error(`no moto server for target ${i}`);
    return server;
  };
  const proxies: Awaited<ReturnType<typeof startFaultProxy>>[] = [];
  try {
    console.log(`seeding ${TARGETS.length} accounts x ${REGIONS.length} regions x ${N} parameters ...`);
    await Promise.all(
      TARGETS.map(async ({ env, account }, i) => {
        const endpoint = motoOf(i).endpoint;
        await deployStack(endpoint, { env, regions: REGIONS, account });
        for (const region of REGIONS)
          await putParameters(endpoint, region, realisticParameters(env, region, N - 1), 16, account);
      }),
    );
    for (const [i] of TARGETS.entries())
      proxies.push(
        await startFaultProxy({
          target: motoOf(i).endpoint,
          throttleRate: 0,
          latencyMs: 25,
          jitterMs: 10,
          seed: i + 1,
        }),
      );
    const endpoints = proxies.map((p) => p.endpoint);
    const alone: TargetRun[] = [];
    for (const [i, target] of TARGETS.entries()) alone.push(await runTarget(endpoints[i] ?? '', target));
    const slowest = Math.max(...alone.map((a) => a.wall));
    const rows = [['each target alone (slowest)', slowest, alone]] as [string, number, TargetRun[]][];
    for (const width of [1, 2, 4, 6]) {
      const { wall, runs } = await fanOut(endpoints, width);
      rows.push([width === 1 ? 'serial (1 at a time)' : `parallel ${width}`, wall, runs]);
    }
    const where = ONE_MOTO ? 'one moto server for every account' : 'a moto server per account';
    console.log(
      `\n${TARGETS.length} targets x ${REGIONS.length} regions x ${N} parameters, 25 ms +- 10 ms a request, ${where}\n`,
    );
    console.log('| run | wall s | x slowest alone | calls (all targets) | minimum + STS and regions calls |');
    console.log('|---|---|---|---|---|');
    for (const [label, wall, runs] of rows) {
      const calls = runs.reduce((s, r) => s + r.calls, 0);
      const floor = runs.reduce((s, r) => s + r.minimum + r.outside, 0);
      const ratio = label.startsWith('each') ? '' : `${(wall / slowest).toFixed(2)}x`;
      console.log(`| ${label} | ${wall.toFixed(1)} | ${ratio} | ${calls} | ${floor} |`);
    }
  } finally {
    for (const proxy of proxies) await proxy.close();
    for (const server of servers) await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
