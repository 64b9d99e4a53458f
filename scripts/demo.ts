/**
 * The main job, start to finish, on moto: the stack's buckets and keys for two regions, a few hundred
 * parameters of every type, then regions, a dry run, a real backup, list, verify, a restore plan after
 * deleting some parameters, and the restore. Prints where each backup went and a one-screen summary.
 */

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { runCli } from './lib/cli';
import { assertLocalEndpoint } from './lib/localOnly';
import { type Moto, startMoto } from './lib/moto';
import { deployStack, localEnv, putParameters, realisticParameters, snapshot, ssmClient } from './lib/world';

const REGIONS = ['ap-northeast-1', 'us-west-2'];
const ENV = 'dev';

function banner(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

async function step(title: string, args: string[], env: NodeJS.ProcessEnv, expected = [0]): Promise<string> {
  banner(`${title}\n$ ssm-backup ${args.join(' ')}`);
  const result = await runCli(args, env, { echo: true });
  if (!expected.includes(result.code)) throw new Error(`'ssm-backup ${args.join(' ')}' exited ${result.code}`);
  return result.stdout;
}

async function main(): Promise<void> {
  let moto: Moto | undefined;
  const stop = async () => {
    await moto?.stop();
    moto = undefined;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop().finally(() => process.exit(130));
    });
  }
  try {
    banner('starting a local AWS (moto server on a loopback port)');
    moto = await startMoto({ log: console.log });
    assertLocalEndpoint(moto.endpoint);
    // Test credentials only: the demo can never reach a real account, whatever the shell holds.
    const env = localEnv(moto.endpoint, { AWS_PROFILE: '', AWS_SESSION_TOKEN: '' });
    console.log(`moto at ${moto.endpoint}`);

    banner('what `pulumi up` would create: a bucket and SSM keys per region');
    const { buckets } = await deployStack(moto.endpoint, { env: ENV, regions: REGIONS });
    for (const region of REGIONS)
      console.log(`  ${region}: s3://${buckets[region]}  (/jenkins/${ENV}/backup/${region}/s3-bucket-name)`);
    let seeded = 0;
    for (const region of REGIONS) {
      const set = [...realisticParameters(ENV, region, 150), ...realisticParameters('prod', region, 20)];
      await putParameters(moto.endpoint, region, set);
      seeded += set.length;
    }
    console.log(
      `  seeded ${seeded} parameters (String, StringList, SecureString, one Advanced over 4 KB; dev and prod)`,
    );

    const workdir = mkdtempSync(join(tmpdir(), 'ssm-backup-demo-'));
    const summaryFile = join(workdir, 'summary.json');
    await step('the region list the Jenkinsfile builds its stages from', ['regions', '--env', ENV], env);
    await step('dry run: list and fetch everything, upload nothing', ['--env', ENV, '--dry-run'], env);
    await step('the backup, region by region', ['backup', '--env', ENV, '--summary-file', summaryFile], env);
    await step(`the backups in ${REGIONS[1]}`, ['list', '--env', ENV, '--region', REGIONS[1]], env);
    await step(
      'verify the newest backup and compare it with live SSM',
      ['verify', '--env', ENV, '--region', REGIONS[1], '--against-live', '--max-age', '26h'],
      env,
    );

    const region = REGIONS[1];
    const live = [...(await snapshot(moto.endpoint, region, ENV)).keys()].filter(
      (n) => n.startsWith('/app/') || n.startsWith('/db/'),
    );
    const victims = live.slice(0, 5);
    banner(`an accident: ${victims.length} parameters deleted in ${region}`);
    const ssm = ssmClient(moto.endpoint, region);
    for (const name of victims) {
      await ssm.send(new DeleteParameterCommand({ Name: name }));
      console.log(`  deleted ${name}`);
    }
    await step('the restore plan (names only, never values)', ['restore', '--env', ENV, '--region', region], env);
    await step('the restore', ['restore', '--env', ENV, '--region', region, '--apply', '--write-rps', '20'], env);
    await step('verify again: no drift', ['verify', '--env', ENV, '--region', region, '--against-live'], env);

    banner('summary');
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    for (const r of summary.regions) {
      console.log(
        `  ${r.region}: ${r.status}, ${r.parameterCount} parameters, ${r.bytes} bytes -> s3://${r.bucket}/${r.key}`,
      );
      console.log(
        `      ${r.api.total} API calls (${r.api.calls.GetParameters} GetParameters: one for the stack's keys, ${r.api.calls.GetParameters - 1} to fetch ${r.parameterCount}, minimum ${r.api.minimumFetchCalls}), ${r.api.totalRetries} retries, ${(r.durationMs / 1000).toFixed(1)} s`,
      );
    }
    console.log(`  restored ${victims.length} deleted parameters in ${region}; verify found no drift`);
    console.log('\ndemo finished: both regions backed up, verified and restored.');
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
