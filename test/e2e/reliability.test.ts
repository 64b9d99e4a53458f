import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { CliResult } from '../../scripts/lib/cli';
import { startFaultProxy } from '../../scripts/lib/faultProxy';
import { freePort } from '../../scripts/lib/moto';
import { deployStack, putParameters, realisticParameters, s3Client, ssmClient } from '../../scripts/lib/world';
import { leakedSecrets, listKeys, motoFile, readObject } from './support';

/**
 * What a real account and a real night do to a run: answers that never come, endpoints that refuse,
 * runs that overlap, operators that abort, buckets that are not there, summary paths that cannot be
 * written. Each case runs the built CLI against moto (through a fault proxy where the fault is the
 * network's).
 */
jest.setTimeout(180_000);

const HOME = 'ap-northeast-1';
const OTHER = 'us-west-2';
let buckets: Record<string, string>;
const e2e = motoFile();
const { session, secrets } = e2e;

beforeAll(async () => {
  ({ buckets } = await deployStack(e2e.endpoint, { env: 'dev', regions: [HOME, OTHER] }));
  for (const region of [HOME, OTHER]) {
    const set = realisticParameters('dev', region, region === OTHER ? 300 : 40);
    await putParameters(e2e.endpoint, region, set);
    e2e.remember(set);
  }
});

function backupKeys(keys: string[]): string[] {
  return keys.filter((k) => k.endsWith('.json'));
}

describe('no call can hang', () => {
  it('retries a GetParameters answer that never comes, after its deadline, and completes', async () => {
    const proxy = await startFaultProxy({ target: e2e.endpoint, throttleRate: 0 });
    let fetches = 0;
    proxy.stall = (amzTarget) => amzTarget === 'AmazonSSM.GetParameters' && ++fetches === 2;
    try {
      const summaryFile = session.summaryPath('stalled');
      const args = [
        '--env',
        'dev',
        '--region',
        HOME,
        '--request-timeout',
        '2',
        '--summary-file',
        summaryFile,
        '--log-level',
        'debug',
      ];
      const result = await session.run(args, { AWS_ENDPOINT_URL: proxy.endpoint });
      expect(proxy.stats.stalled).toBe(1);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/GetParameters (TimeoutError|ETIMEDOUT): attempt 1 of 11 failed, retrying/);
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')).regions[0];
      expect(summary.api.retries.GetParameters).toBe(1);
      const doc = JSON.parse(await readObject(e2e.endpoint, HOME, buckets[HOME]!, summary.key));
      expect(doc.parameter_count).toBe(summary.listed);
    } finally {
      await proxy.close();
    }
  });

  it('gives up at once on an endpoint that refuses connections, naming it in one line (exit 1)', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await session.run(['regions', '--env', 'dev'], { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
    const seconds = (Date.now() - started) / 1000;
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => /ERROR/.test(line));
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`GetParameter failed: ECONNREFUSED: cannot connect to 127.0.0.1:${port}`)),
    ]);
    console.log(`connection refused: exit ${result.code} after ${seconds.toFixed(1)} s (3 attempts)`);
  });
});

describe('pace', () => {
  it("learns each operation's quota from its throttles and stays near it: few throttled calls, all captured", async () => {
    // Quotas the runner is not told, per operation, as AWS sets them; the runner uncapped.
    const proxy = await startFaultProxy({
      target: e2e.endpoint,
      throttleRate: 0,
      quotas: { GetParameters: 10, DescribeParameters: 15 },
    });
    try {
      const summaryFile = session.summaryPath('quota');
      const args = ['--env', 'dev', '--region', OTHER, '--max-rps', '0', '--summary-file', summaryFile];
      const result = await session.run(args, { AWS_ENDPOINT_URL: proxy.endpoint });
      expect(result.code).toBe(0);
      const region = JSON.parse(readFileSync(summaryFile, 'utf8')).regions[0];
      expect(region.parameterCount).toBe(region.listed);
      const { GetParameters: gets, DescribeParameters: lists } = region.api.operations;
      expect(proxy.stats.throttled).toBeGreaterThan(0);
      expect(gets.throttled + lists.throttled).toBe(proxy.stats.throttled);
      // Learned, near the quota, not far below it.
      expect(gets.learnedRate).toBeGreaterThan(5);
      expect(gets.learnedRate).toBeLessThan(20);
      // A good citizen: throttled calls are a small share of all (the first burst, then probes).
      expect(proxy.stats.throttled / (gets.calls + lists.calls)).toBeLessThan(0.15);
    } finally {
      await proxy.close();
    }
  });
});

describe('finish within the stage', () => {
  it('keeps the count with latest.txt, and a later run under throttling takes its deadline count from it', async () => {
    const first = session.summaryPath('count');
    expect((await session.run(['--env', 'dev', '--region', HOME, '--summary-file', first])).code).toBe(0);
    const count = JSON.parse(readFileSync(first, 'utf8')).regions[0].parameterCount;
    const latest = await s3Client(e2e.endpoint, HOME).send(
      new HeadObjectCommand({ Bucket: buckets[HOME]!, Key: 'latest.txt' }),
    );
    expect(latest.Metadata).toEqual({ 'parameter-count': String(count) });

    // Throttling that does not follow the rate: without a deadline it would hold the pace at its floor.
    const proxy = await startFaultProxy({ target: e2e.endpoint, throttleRate: 0.3 });
    try {
      const summaryFile = session.summaryPath('deadline');
      const args = ['--env', 'dev', '--region', HOME, '--max-rps', '0', '--finish-within', '20s'];
      const result = await session.run([...args, '--summary-file', summaryFile], { AWS_ENDPOINT_URL: proxy.endpoint });
      expect(result.code).toBe(0);
      const region = JSON.parse(readFileSync(summaryFile, 'utf8')).regions[0];
      expect(region).toMatchObject({
        status: 'ok',
        parameterCount: count,
        deadline: { seconds: 20, expectedParameters: count },
      });
      expect(region.api.operations.GetParameters.throttled).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('never backwards, never over another run', () => {
  it('two runs in the same second write two objects; neither replaces the other', async () => {
    const before = backupKeys(await listKeys(e2e.endpoint, HOME, buckets[HOME]!));
    const args = ['--env', 'dev', '--region', HOME];
    const [a, b] = await Promise.all([session.run(args), session.run(args)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const added = backupKeys(await listKeys(e2e.endpoint, HOME, buckets[HOME]!)).filter((k) => !before.includes(k));
    expect(added).toHaveLength(2);
    const latest = await readObject(e2e.endpoint, HOME, buckets[HOME]!, 'latest.txt');
    expect(added).toContain(latest);
  });

  it('a slow run that finishes after a newer one leaves latest.txt at the newer backup', async () => {
    // The order is made, not hoped for: the first run goes through a proxy that holds its upload
    // until the second run, started later (a later timestamp), has finished.
    const proxy = await startFaultProxy({ target: e2e.endpoint, throttleRate: 0 });
    let reachedUpload!: () => void;
    const uploadHeld = new Promise<void>((resolve) => {
      reachedUpload = resolve;
    });
    let releaseUpload!: () => void;
    const released = new Promise<void>((resolve) => {
      releaseUpload = resolve;
    });
    proxy.beforeForward = async (_target, _body, { method, path }) => {
      if (method !== 'PUT' || !path.includes('.json')) return;
      reachedUpload();
      await released;
    };
    try {
      const slowSummary = session.summaryPath('slow');
      const fastSummary = session.summaryPath('fast');
      const slowStarted = Date.now();
      const slow = session.run(['--env', 'dev', '--region', OTHER, '--summary-file', slowSummary], {
        AWS_ENDPOINT_URL: proxy.endpoint,
      });
      await uploadHeld;
      // Keys carry the start time to the second: the second run must start in a later second.
      await new Promise((r) => setTimeout(r, Math.max(0, 1_100 - (Date.now() - slowStarted))));
      const fast = await session.run(['--env', 'dev', '--region', OTHER, '--summary-file', fastSummary]);
      expect(fast.code).toBe(0);
      const fastKey = JSON.parse(readFileSync(fastSummary, 'utf8')).regions[0].key;
      expect(await readObject(e2e.endpoint, OTHER, buckets[OTHER]!, 'latest.txt')).toBe(fastKey);
      releaseUpload();
      await checkSlowRun(await slow, slowSummary, fastKey);
    } finally {
      releaseUpload();
      await proxy.close();
    }
  });

  async function checkSlowRun(slowResult: CliResult, slowSummary: string, fastKey: string) {
    expect(slowResult.code).toBe(0);
    const slowRegion = JSON.parse(readFileSync(slowSummary, 'utf8')).regions[0];
    expect(slowRegion).toMatchObject({ status: 'ok', latest: 'kept-newer' });
    expect(slowRegion.key < fastKey).toBe(true);
    expect(slowResult.stderr).toMatch(/WARN.*latest\.txt left at .*: it is at least as new as this run's/);
    expect(await readObject(e2e.endpoint, OTHER, buckets[OTHER]!, 'latest.txt')).toBe(fastKey);
  }
});

describe('interrupted runs', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s mid-run: no new calls, latest.txt untouched, summary says interrupted (exit %d)',
    async (signal, code) => {
      const latestBefore = await readObject(e2e.endpoint, OTHER, buckets[OTHER]!, 'latest.txt');
      const keysBefore = await listKeys(e2e.endpoint, OTHER, buckets[OTHER]!);
      const summaryFile = session.summaryPath(`interrupted-${signal}`);
      let sent = false;
      const result = await session.run(
        ['--env', 'dev', '--regions', `${OTHER},${HOME}`, '--max-rps', '5', '--summary-file', summaryFile],
        {},
        {
          onStderr: (text, child) => {
            // Half-way: once listing is under way in the first region.
            if (!sent && /described \d+ so far/.test(text)) {
              sent = true;
              child.kill(signal);
            }
          },
        },
      );
      expect(sent).toBe(true);
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(new RegExp(`${signal}: stopping; no new calls, latest.txt stays`));
      expect(result.stderr).toMatch(new RegExp(`\\[${OTHER}\\] INTERRUPTED by ${signal}`));
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
      expect(summary.status).toBe('interrupted');
      expect(summary.regions.map((r: { region: string; status: string }) => [r.region, r.status])).toEqual([
        [OTHER, 'interrupted'],
        [HOME, 'not-started'],
      ]);
      expect(await readObject(e2e.endpoint, OTHER, buckets[OTHER]!, 'latest.txt')).toBe(latestBefore);
      expect(await listKeys(e2e.endpoint, OTHER, buckets[OTHER]!)).toEqual(keysBefore);
    },
  );
});

describe('configuration is checked before any work', () => {
  let bucketsBefore: string[][];
  beforeAll(async () => {
    bucketsBefore = await Promise.all([HOME, OTHER].map((r) => listKeys(e2e.endpoint, r, buckets[r]!)));
  });
  afterAll(async () => {
    // Nothing any of these runs did wrote an object.
    expect(await Promise.all([HOME, OTHER].map((r) => listKeys(e2e.endpoint, r, buckets[r]!)))).toEqual(bucketsBefore);
  });

  it('a bucket key naming a bucket that does not exist fails the dry run too (exit 2), naming region, bucket and key', async () => {
    await deployStack(e2e.endpoint, { env: 'ghost', regions: [OTHER] });
    await ssmClient(e2e.endpoint, OTHER).send(
      new PutParameterCommand({
        Name: '/jenkins/ghost/backup/us-west-2/s3-bucket-name',
        Type: 'String',
        Value: 'no-such-bucket-anywhere',
        Overwrite: true,
      }),
    );
    // Besides its bucket key, ghost has nothing to back up: the missing bucket is still found (not exit 3).
    for (const args of [['--dry-run'], []]) {
      const result = await session.run(['--env', 'ghost', '--region', OTHER, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /us-west-2: bucket no-such-bucket-anywhere \(from \/jenkins\/ghost\/backup\/us-west-2\/s3-bucket-name in us-west-2\) does not exist/,
      );
      expect(result.stderr).not.toMatch(/would upload/);
    }
  });

  it('a bucket in another region than its key says (exit 2)', async () => {
    // astray's own bucket for HOME, named to the grammar, given as its bucket for OTHER.
    const { buckets: astray } = await deployStack(e2e.endpoint, { env: 'astray', regions: [OTHER, HOME] });
    await ssmClient(e2e.endpoint, OTHER).send(
      new PutParameterCommand({
        Name: '/jenkins/astray/backup/us-west-2/s3-bucket-name',
        Type: 'String',
        Value: astray[HOME]!,
        Overwrite: true,
      }),
    );
    const result = await session.run(['--env', 'astray', '--region', OTHER, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`bucket ${astray[HOME]} .* is in ${HOME}, not ${OTHER}`));
  });

  it("another environment's bucket, by the name grammar, is refused before anything is written (exit 2)", async () => {
    await deployStack(e2e.endpoint, { env: 'stray', regions: [OTHER] });
    await ssmClient(e2e.endpoint, OTHER).send(
      new PutParameterCommand({
        Name: '/jenkins/stray/backup/us-west-2/s3-bucket-name',
        Type: 'String',
        Value: buckets[OTHER]!,
        Overwrite: true,
      }),
    );
    const before = await listKeys(e2e.endpoint, OTHER, buckets[OTHER]!);
    const result = await session.run(['--env', 'stray', '--region', OTHER]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the bucket of environment 'dev', not 'stray': refusing/);
    expect(await listKeys(e2e.endpoint, OTHER, buckets[OTHER]!)).toEqual(before);
  });

  it.each([
    ['an s3:// URL', 's3://my-bucket', /holds an s3:\/\/ URL: it must hold the bare bucket name/],
    ['blanks', '   ', /is empty: it must hold the backup bucket's name/],
  ])('a bucket key holding %s is a configuration error, named (exit 2)', async (_label, value, message) => {
    await ssmClient(e2e.endpoint, OTHER).send(
      new PutParameterCommand({
        Name: '/jenkins/odd/backup/us-west-2/s3-bucket-name',
        Type: 'String',
        Value: value,
        Overwrite: true,
      }),
    );
    const result = await session.run(['--env', 'odd', '--region', OTHER, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('an unwritable --summary-file is exit 2 before any call, naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-summary-'));
    writeFileSync(join(dir, 'a-file'), 'x');
    mkdirSync(join(dir, 'a-dir'));
    for (const path of [join(dir, 'a-file', 'summary.json'), join(dir, 'a-dir')]) {
      const result = await session.run(['--env', 'dev', '--region', HOME, '--summary-file', path]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--summary-file ${path}`);
      expect(result.stderr).not.toMatch(/regions:|captured/);
    }
  });

  it('finds the home region in the profile, as the AWS tools do; with none, says how to set one (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-profile-'));
    const config = join(dir, 'config');
    const credentials = join(dir, 'credentials');
    writeFileSync(config, `[profile ops]\nregion = ${HOME}\n[profile bare]\noutput = json\n`);
    // With a profile named, the SDK takes credentials from the profile, as the AWS CLI does.
    writeFileSync(
      credentials,
      ['ops', 'bare'].map((p) => `[${p}]\naws_access_key_id = testing\naws_secret_access_key = testing\n`).join(''),
    );
    const noRegion = {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
    };
    const fromProfile = await session.run(['regions', '--env', 'dev'], { ...noRegion, AWS_PROFILE: 'ops' });
    expect(fromProfile.code).toBe(0);
    expect(JSON.parse(fromProfile.stdout)).toEqual([HOME, OTHER]);
    expect(fromProfile.stderr).toMatch(/home region ap-northeast-1 \(from profile ops\)/);

    const none = await session.run(['regions', '--env', 'dev'], { ...noRegion, AWS_PROFILE: 'bare' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /no home region: set --home-region, AWS_REGION or AWS_DEFAULT_REGION, or a region in the AWS profile/,
    );

    // Explicit regions need no home region at all.
    const explicit = await session.run(['--env', 'dev', '--region', OTHER, '--dry-run'], {
      ...noRegion,
      AWS_PROFILE: 'bare',
    });
    expect(explicit.code).toBe(0);
  });
});

it('never prints or writes a seeded value', () => {
  expect(secrets.size).toBeGreaterThan(20);
  expect(session.outputs.length).toBeGreaterThan(10);
  expect(leakedSecrets(session.everythingWritten(), secrets)).toEqual([]);
});
