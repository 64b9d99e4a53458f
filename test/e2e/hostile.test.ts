import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteParameterCommand, GetParametersByPathCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { startFaultProxy } from '../../scripts/lib/faultProxy';
import { deployStack, putParameters, realisticParameters, s3Client, ssmClient } from '../../scripts/lib/world';
import { ssmKeys } from '../../src/contract';
import { listKeys, motoFile, readObject } from './support';

/**
 * What an attacker or a tired operator feeds the CLI (issue #20): blank options, a latest.txt in any
 * state, another environment's bucket, an interrupted restore, files that are not backups, keys that
 * do not exist. The built CLI against moto, as a user meets it.
 */
jest.setTimeout(180_000);

const REGION = 'us-west-2';
let buckets: Record<'dev' | 'prod', string>;
const e2e = motoFile({ AWS_REGION: REGION });
const { session } = e2e;

async function seed(env: string, count: number): Promise<void> {
  const set = realisticParameters(env, REGION, count);
  await putParameters(e2e.endpoint, REGION, set);
  e2e.remember(set);
}

async function backup(...extra: string[]) {
  const summaryFile = session.summaryPath(`backup-${Date.now()}`);
  const result = await session.run(['--env', 'dev', '--region', REGION, '--summary-file', summaryFile, ...extra]);
  const summary = result.code === 2 ? undefined : JSON.parse(readFileSync(summaryFile, 'utf8'));
  return { ...result, summary, region: summary?.regions[0] };
}

const latest = () => readObject(e2e.endpoint, REGION, buckets.dev, 'latest.txt');
const putLatest = (body: string) =>
  s3Client(e2e.endpoint, REGION).send(
    new PutObjectCommand({ Bucket: buckets.dev, Key: 'latest.txt', Body: body, ServerSideEncryption: 'AES256' }),
  );

beforeAll(async () => {
  const dev = await deployStack(e2e.endpoint, { env: 'dev', regions: [REGION] });
  const prod = await deployStack(e2e.endpoint, { env: 'prod', regions: [REGION] });
  buckets = { dev: dev.buckets[REGION]!, prod: prod.buckets[REGION]! };
  await seed('dev', 30);
  await seed('prod', 5);
  expect((await backup()).code).toBe(0);
});

describe('1. an empty option value is never "not given"', () => {
  it('restore --at "" --apply --overwrite writes nothing (exit 2, naming --at)', async () => {
    const name = '/jenkins/dev/hostile/changed';
    const ssm = ssmClient(e2e.endpoint, REGION);
    await ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: 'after-backup', Overwrite: true }));
    const result = await session.run([
      'restore',
      '--env',
      'dev',
      '--region',
      REGION,
      '--at',
      '',
      '--apply',
      '--overwrite',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/option '--at <time>' argument '' is invalid\. it must not be empty/);
    const live = await ssm.send(new GetParametersByPathCommand({ Path: '/jenkins/dev/hostile' }));
    expect(live.Parameters?.map((p) => p.Value)).toEqual(['after-backup']);
    await ssm.send(new DeleteParameterCommand({ Name: name }));
  });

  it.each([
    [['--env', 'dev', '--region', '']],
    [['--env', 'dev', '--region', ' ']],
    [['--env', 'dev', '--regions', `${REGION},,ap-northeast-1`]],
    [['--env', 'dev', '--kms-key-id', '']],
    [['diff', '--env', 'dev', '--region', REGION, '--from', '']],
  ])('%p is exit 2 and nothing is uploaded', async (args) => {
    const before = await listKeys(e2e.endpoint, REGION, buckets.dev);
    const result = await session.run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/must not be empty|has an empty item/);
    expect(await listKeys(e2e.endpoint, REGION, buckets.dev)).toEqual(before);
  });
});

describe('2. latest.txt in any state is repaired by the next good backup', () => {
  it.each([
    ['empty', '', /it was empty/],
    ['a newline', '\n', /it was empty/],
    ['garbage', 'not a key at all', /it held no backup key/],
    ['a future key with no object', '2031-01-01/ssm-backup-dev-20310101_000000-ffff0000.json', /which no object holds/],
    [
      "another environment's key with no object",
      '2026-01-01/ssm-backup-prod-20260101_000000-aaaa0000.json',
      /another environment's key that no object holds/,
    ],
  ])('%s: restore and verify say so; a backup moves it, with a warning', async (_, held, why) => {
    await putLatest(held);
    const verify = await session.run(['verify', '--env', 'dev', '--region', REGION]);
    if (held.startsWith('2031')) {
      // A well-formed key of this environment: verify names the missing object.
      expect(verify.stderr).toMatch(/does not exist: no backup has that key/);
    } else if (held.includes('-prod-')) {
      expect(verify.stderr).toMatch(/a backup of environment 'prod', not 'dev'/);
    } else {
      expect(verify.stderr).toMatch(held.trim() ? /latest\.txt holds no backup key/ : /latest\.txt is empty/);
    }
    expect(verify.code).not.toBe(0);
    const run = await backup();
    expect(run.code).toBe(0);
    expect(run.region).toMatchObject({ status: 'ok', latest: 'moved', latestRepaired: expect.stringMatching(why) });
    expect(run.stderr).toMatch(/WARN.*latest\.txt repaired: /);
    expect(await latest()).toBe(run.region.key);
    expect((await session.run(['verify', '--env', 'dev', '--region', REGION])).code).toBe(0);
  });
});

describe("3. one environment never writes into another's bucket", () => {
  it("dev's bucket key holding prod's bucket name: exit 2 before any write", async () => {
    const ssm = ssmClient(e2e.endpoint, REGION);
    const key = ssmKeys.regionBucket('dev', REGION);
    await ssm.send(new PutParameterCommand({ Name: key, Type: 'String', Value: buckets.prod, Overwrite: true }));
    try {
      const prodBefore = await listKeys(e2e.endpoint, REGION, buckets.prod);
      const result = await session.run(['--env', 'dev', '--region', REGION]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`holds '${buckets.prod}', the bucket of environment 'prod', not 'dev'`);
      expect(await listKeys(e2e.endpoint, REGION, buckets.prod)).toEqual(prodBefore);
    } finally {
      await ssm.send(new PutParameterCommand({ Name: key, Type: 'String', Value: buckets.dev, Overwrite: true }));
    }
  });
});

describe('every S3 call names the bucket owner (moto does not enforce it: a recording proxy checks it is sent)', () => {
  it('backup, list, verify and restore: ExpectedBucketOwner is the account on every S3 request', async () => {
    const proxy = await startFaultProxy({ target: e2e.endpoint, throttleRate: 0 });
    const s3Requests: { method: string; path: string; owner: unknown }[] = [];
    proxy.beforeForward = async (target, _body, { method, path, headers }) => {
      // S3 is path-style here: its requests are the ones under a bucket's path (CloudWatch and STS post to /).
      if (!target && path.startsWith(`/${buckets.dev}`))
        s3Requests.push({ method, path, owner: headers['x-amz-expected-bucket-owner'] });
    };
    try {
      const env = { AWS_ENDPOINT_URL: proxy.endpoint };
      for (const args of [
        ['--env', 'dev', '--region', REGION],
        ['list', '--env', 'dev', '--region', REGION],
        ['verify', '--env', 'dev', '--region', REGION],
        ['restore', '--env', 'dev', '--region', REGION],
      ])
        expect((await session.run(args, env)).code).toBe(0);
      // HeadBucket, the upload, latest.txt, the listing, HEADs and reads: every one.
      expect(new Set(s3Requests.map((r) => r.method))).toEqual(new Set(['HEAD', 'PUT', 'GET']));
      expect(s3Requests.filter((r) => r.owner !== '123456789012')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('4. an interrupted restore --apply', () => {
  it('SIGTERM: no more writes, those in flight counted by their answers, the rest not sent, exit 143', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `/jenkins/dev/interrupted/p${String(i).padStart(2, '0')}`);
    const ssm = ssmClient(e2e.endpoint, REGION);
    for (const name of names) await ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: 'v' }));
    const taken = await backup();
    expect(taken.code).toBe(0);
    for (const name of names) await ssm.send(new DeleteParameterCommand({ Name: name }));

    const summaryFile = session.summaryPath('restore-interrupted');
    let sent = false;
    const result = await session.run(
      ['restore', '--env', 'dev', '--region', REGION, '--apply', '--write-rps', '2', '--summary-file', summaryFile],
      {},
      {
        onStderr: (text, child) => {
          if (!sent && /written [1-9]\d*\/12/.test(text)) {
            sent = true;
            child.kill('SIGTERM');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect(result.code).toBe(143);
    expect(result.stderr).toMatch(/restore into us-west-2 INTERRUPTED by SIGTERM: \d+ created/);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary.status).toBe('interrupted');
    expect(summary.failed).toEqual([]);
    // What the summary says was created is exactly what SSM holds; the rest were never sent.
    const live = await ssm.send(new GetParametersByPathCommand({ Path: '/jenkins/dev/interrupted' }));
    const created = (live.Parameters ?? []).map((p) => p.Name).sort();
    expect(summary.created).toEqual(created);
    expect(summary.notSent.length).toBeGreaterThan(0);
    expect([...summary.created, ...summary.notSent].sort()).toEqual(names);
  });
});

describe('6. files that are not backups', () => {
  it('a directory is exit 2, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'a-folder-'));
    const result = await session.run(['verify', '--env', 'dev', '--region', REGION, '--from', `file:${dir}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read file:.*a-folder-\w+: it is a directory/);
  });

  it('600 MB of garbage is refused from its first bytes', async () => {
    const path = join(session.dir, 'garbage.bin');
    const fd = openSync(path, 'w');
    writeSync(fd, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    ftruncateSync(fd, 600 * 1024 * 1024);
    closeSync(fd);
    try {
      const result = await session.run(['diff', '--env', 'dev', '--region', REGION, '--from', `file:${path}`]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /--from side: file:.*garbage\.bin is not a backup document: it does not start with '\{'/,
      );
    } finally {
      writeFileSync(path, '');
    }
  });

  it('a 64 MB single-line value is refused once the line passes what one parameter can hold', async () => {
    const path = join(session.dir, 'huge-value.json');
    const head =
      '{\n  "backup_date": "2026-11-29",\n  "parameters": [\n    {"Name":"/jenkins/dev/x","Type":"String","Value":"';
    writeFileSync(path, `${head}${'x'.repeat(64 * 1024 * 1024)}"}\n  ]\n}\n`);
    try {
      const result = await session.run(['verify', '--env', 'dev', '--region', REGION, '--from', `file:${path}`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/parameters\[0\] is over 256 KiB, more than SSM lets one parameter hold/);
    } finally {
      writeFileSync(path, '');
    }
  });
});

describe('8. messages that say what happened', () => {
  const missing = '2026-01-01/ssm-backup-dev-20260101_000000-0000beef.json';

  it('verify --from a key that does not exist names the key', async () => {
    const result = await session.run(['verify', '--env', 'dev', '--region', REGION, '--from', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`NoBackupError: s3://${buckets.dev}/${missing} does not exist`);
  });

  it('diff names the key and the side that is missing', async () => {
    const result = await session.run(['diff', '--env', 'dev', '--region', REGION, '--from', 'latest', '--to', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--to side: s3://${buckets.dev}/${missing} does not exist`);
  });

  it('history of a name no backup ever held is exit 1; of a deleted one it shows when it went', async () => {
    const typo = await session.run(['history', '--env', 'dev', '--region', REGION, '--name', '/jenkins/dev/no-such']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/no backup in s3:\/\/.* holds \/jenkins\/dev\/no-such .*check the name/);

    const name = '/jenkins/dev/short-lived';
    const ssm = ssmClient(e2e.endpoint, REGION);
    await ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: 'v' }));
    expect((await backup()).code).toBe(0);
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    // Keys have one-second resolution: the next backup in a later second.
    await new Promise((r) => setTimeout(r, 1_100));
    const without = await backup();
    expect(without.code).toBe(0);
    const gone = await session.run(['history', '--env', 'dev', '--region', REGION, '--name', name]);
    expect(gone.code).toBe(0);
    expect(gone.stdout).toContain(
      `GONE: not in this backup (deleted or renamed since the one before)  [${without.region.key}]`,
    );
  });

  it('--finish-within below a second is exit 2; a missed one warns and is in the summary', async () => {
    const short = await session.run(['--env', 'dev', '--region', REGION, '--finish-within', '0.5s']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 1s/);
    const missed = await backup('--finish-within', '1s', '--max-rps', '3');
    expect(missed.code).toBe(0);
    expect(missed.stderr).toMatch(/WARN.*--finish-within 1s missed: the collection ended [\d.]+ s late/);
    expect(missed.region.deadline).toMatchObject({ seconds: 1, missedBySeconds: expect.any(Number) });
  });

  it('a summary file under /proc is refused at once (it used to spin at 100% CPU)', async () => {
    const result = await session.run(['--env', 'dev', '--region', REGION, '--summary-file', '/proc/self/x/s.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a kernel file system, not a folder/);
  });
});
