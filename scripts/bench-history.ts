/**
 * The diff and history benchmark (figures, not a test): 30 nightly backups of N parameters (about 1%
 * of values changed each night) stored on moto, then `diff` between the last two, `history` of one
 * parameter over all 30, and over the last 5 with `--since`: wall time, the bare download of the
 * same objects (the floor), and peak RSS.
 *
 *   npm run bench:history                 N = 10,000, 30 nights
 *   npm run bench:history -- --n 2000     another size
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import PQueue from 'p-queue';
import { buildDocument, encodeDocument } from '../src/backup/document';
import { backupObjectKey } from '../src/contract';
import type { BackedUpParameter } from '../src/types';
import { benchParameters } from './lib/benchData';
import { runCli } from './lib/cli';
import { assertLocalEndpoint } from './lib/localOnly';
import { startMoto } from './lib/moto';
import { ACCOUNT_ID, deployStack, localEnv, s3Client } from './lib/world';

const REGION = 'us-west-2';
const NIGHTS = 30;
const RSS_PROBE = resolve(__dirname, 'lib', 'rssProbe.js');

function sizeFromArgs(argv: string[]): number {
  const i = argv.indexOf('--n');
  const n = i >= 0 ? Number(argv[i + 1]) : 10_000;
  if (!Number.isInteger(n) || n < 1) throw new Error('--n takes a whole number');
  return n;
}

/** The nightly documents: the same parameters, about 1% of values changed from one night to the next. */
function nights(n: number): { key: string; parameters: BackedUpParameter[] }[] {
  const base: BackedUpParameter[] = benchParameters('dev', n).map((p, i) => ({
    Name: p.Name,
    Type: p.Type,
    Value: p.Value,
    Version: 1,
    ...(p.Tier ? { Tier: p.Tier } : {}),
    Description: `d${i % 7}`,
  }));
  base.sort((a, b) => (a.Name < b.Name ? -1 : 1));
  const out: { key: string; parameters: BackedUpParameter[] }[] = [];
  let current = base;
  for (let night = 0; night < NIGHTS; night++) {
    if (night > 0) {
      current = current.map((p, i) =>
        (i * 7 + night * 13) % 100 === 0 ? { ...p, Value: `${p.Value}-n${night}`, Version: (p.Version ?? 1) + 1 } : p,
      );
    }
    const takenAt = new Date(Date.UTC(2026, 10, 1 + night, 13, 0, 0));
    out.push({
      key: backupObjectKey({ env: 'dev', takenAt, suffix: `0000${String(night).padStart(4, '0')}` }),
      parameters: current,
    });
  }
  return out;
}

async function timed(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  expectedCode: number,
): Promise<{ label: string; wall: number; rssMb: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-bench-'));
  try {
    const rssFile = join(dir, 'rss');
    const started = performance.now();
    const result = await runCli(args, { ...env, NODE_OPTIONS: `--require ${RSS_PROBE}`, RSS_PROBE_FILE: rssFile });
    const wall = (performance.now() - started) / 1000;
    if (result.code !== expectedCode) throw new Error(`${label}: exited ${result.code}\n${result.stderr}`);
    return {
      label,
      wall,
      rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 / 1024,
      stdout: result.stdout,
      stderr: result.stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const n = sizeFromArgs(process.argv.slice(2));
  const moto = await startMoto({ log: console.log });
  assertLocalEndpoint(moto.endpoint);
  try {
    const { buckets } = await deployStack(moto.endpoint, { env: 'dev', regions: [REGION], regionsKey: false });
    const bucket = buckets[REGION];
    const s3 = s3Client(moto.endpoint, REGION);
    process.stdout.write(`storing ${NIGHTS} nightly backups of ${n} parameters... `);
    const uploads = new PQueue({ concurrency: 4 });
    let bytes = 0;
    await Promise.all(
      nights(n).map(({ key, parameters }, night) =>
        uploads.add(async () => {
          const doc = buildDocument({
            env: 'dev',
            region: REGION,
            accountId: ACCOUNT_ID,
            startedAt: new Date(Date.UTC(2026, 10, 1 + night, 13)),
            parameters,
          });
          const encoded = encodeDocument(doc);
          bytes += encoded.size;
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: Buffer.concat(encoded.chunks),
              ChecksumAlgorithm: 'SHA256',
              ChecksumSHA256: encoded.sha256Base64,
              ServerSideEncryption: 'AES256',
            }),
          );
          if (night === NIGHTS - 1)
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'latest.txt', Body: key }));
        }),
      ),
    );
    console.log(`${(bytes / NIGHTS / 1024 / 1024).toFixed(1)} MB each`);
    const keys = nights(n).map((night) => night.key);
    const env = localEnv(moto.endpoint, { AWS_REGION: REGION });

    // The floor: the same objects downloaded with bare SDK calls.
    const download = async (wanted: string[]) => {
      const started = performance.now();
      const queue = new PQueue({ concurrency: 4 });
      await Promise.all(
        wanted.map((key) =>
          queue.add(async () =>
            (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray(),
          ),
        ),
      );
      return (performance.now() - started) / 1000;
    };
    const name = benchParameters('dev', n)[0].Name;
    const rows = [
      {
        ...(await timed(
          'diff of the last two backups',
          [
            'diff',
            '--env',
            'dev',
            '--region',
            REGION,
            '--from',
            keys[NIGHTS - 2],
            '--to',
            keys[NIGHTS - 1],
            '--log-level',
            'warn',
          ],
          env,
          1,
        )),
        floor: await download(keys.slice(-2)),
      },
      {
        ...(await timed(
          `history over ${NIGHTS} backups`,
          ['history', '--env', 'dev', '--region', REGION, '--name', name, '--log-level', 'warn'],
          env,
          0,
        )),
        floor: await download(keys),
      },
      {
        ...(await timed(
          'history --since (last 5)',
          [
            'history',
            '--env',
            'dev',
            '--region',
            REGION,
            '--name',
            name,
            '--since',
            '2026-11-26',
            '--log-level',
            'warn',
          ],
          env,
          0,
        )),
        floor: await download(keys.slice(-5)),
      },
    ];
    const changed = (rows[0].stdout.match(/CHANGED/g) ?? []).length;
    console.log(
      `\nssm-backup diff/history benchmark, N = ${n}, ${NIGHTS} nights on moto 5.2.5, ${new Date().toISOString().slice(0, 10)}`,
    );
    console.log('| run | wall s | bare download s | beyond download s | peak RSS MB |');
    console.log('|---|---|---|---|---|');
    for (const r of rows)
      console.log(
        `| ${r.label} | ${r.wall.toFixed(2)} | ${r.floor.toFixed(2)} | ${(r.wall - r.floor).toFixed(2)} | ${r.rssMb.toFixed(0)} |`,
      );
    console.log(`- the diff named ${changed} changed parameters between the last two nights`);
  } finally {
    await moto.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
