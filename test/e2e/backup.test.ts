import { readFileSync } from 'node:fs';
import { startFaultProxy } from '../../scripts/lib/faultProxy';
import { deployStack, putParameters, realisticParameters, type SeedParameter } from '../../scripts/lib/world';
import { leakedSecrets, listKeys, motoFile, readObject } from './support';

jest.setTimeout(120_000);

const REGIONS = ['ap-northeast-1', 'us-west-2'];
let buckets: Record<string, string>;
const seeded = new Map<string, SeedParameter[]>();
const e2e = motoFile();
const { session, secrets } = e2e;

beforeAll(async () => {
  ({ buckets } = await deployStack(e2e.endpoint, { env: 'dev', regions: REGIONS }));
  await deployStack(e2e.endpoint, { env: 'qa', regions: ['us-west-2'] });
  for (const [i, region] of REGIONS.entries()) {
    const dev = realisticParameters('dev', region, 30 + i * 7);
    // Other environments' parameters whose names contain the word "dev" must stay out.
    const others: SeedParameter[] = [
      ...realisticParameters('prod', region, 6),
      { Name: `/prod/device-id-${region}`, Type: 'String', Value: 'not-dev' },
      { Name: `/jenkins/develop/${region}/x`, Type: 'SecureString', Value: 'not-dev-either' },
      { Name: `/jenkins/prod/dev-notes-${region}`, Type: 'String', Value: 'prod-notes' },
    ];
    await putParameters(e2e.endpoint, region, [...dev, ...others]);
    seeded.set(region, dev);
    e2e.remember([...dev, ...others]);
  }
});

/** The backed-up set of a region must be exactly what was seeded for dev there. */
function expectExactly(docText: string, region: string) {
  const doc = JSON.parse(docText);
  const expected = seeded.get(region)!;
  const byName = new Map(expected.map((p) => [p.Name, p]));
  // The runner's own keys are parameters of the environment too.
  const wiring = [`/jenkins/dev/backup/${region}/s3-bucket-name`];
  if (region === REGIONS[0]) wiring.push('/jenkins/dev/backup/regions', '/jenkins/dev/backup/s3-bucket-name');
  const names = doc.parameters.map((p: { Name: string }) => p.Name);
  expect(doc).toMatchObject({
    environment: 'dev',
    region,
    format_version: 2,
    parameter_count: expected.length + wiring.length,
    account_id: '123456789012',
  });
  expect(names).toEqual([...byName.keys(), ...wiring].sort());
  for (const p of doc.parameters.filter((q: { Name: string }) => byName.has(q.Name))) {
    const want = byName.get(p.Name)!;
    expect([p.Name, p.Type, p.Value]).toEqual([want.Name, want.Type, want.Value]);
    if (want.Description) expect(p.Description).toBe(want.Description);
    if (want.Tier) expect(p.Tier).toBe(want.Tier);
  }
}

describe('ssm-backup backup (built CLI against moto)', () => {
  it('backs up both regions from the SSM region list; each object holds exactly the seeded set', async () => {
    const summaryFile = session.summaryPath('two-regions');
    const result = await session.run(['--env', 'dev', '--summary-file', summaryFile]);

    expect(result.stderr).toMatch(/regions: ap-northeast-1, us-west-2 \(from ssm\)/);
    expect(result.code).toBe(0);
    // The console ends with one line per region, so nobody needs the summary file to know.
    expect(result.stderr).toMatch(
      /done: dev: ok\n {2}ap-northeast-1: ok, \d+ parameters -> s3:\/\/\S+\n {2}us-west-2: ok, /,
    );
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary.status).toBe('ok');
    for (const region of REGIONS) {
      const keys = await listKeys(e2e.endpoint, region, buckets[region]!);
      const backupKeys = keys.filter((k) => k.endsWith('.json'));
      expect(backupKeys).toHaveLength(1);
      expect(backupKeys[0]).toMatch(/^\d{4}-\d{2}-\d{2}\/ssm-backup-dev-\d{8}_\d{6}-[0-9a-f]{8}\.json$/);
      expect(await readObject(e2e.endpoint, region, buckets[region]!, 'latest.txt')).toBe(backupKeys[0]);
      expectExactly(await readObject(e2e.endpoint, region, buckets[region]!, backupKeys[0]!), region);
      const regionSummary = summary.regions.find((r: { region: string }) => r.region === region);
      expect(regionSummary).toMatchObject({ status: 'ok', bucket: buckets[region], key: backupKeys[0] });
      // One call reads the stack's keys (bucket, KMS key); the rest fetch, ten names each.
      expect(regionSummary.api.calls.GetParameters).toBe(Math.ceil(regionSummary.parameterCount / 10) + 1);
    }
  });

  it('dry run fetches everything but uploads nothing', async () => {
    const before = await Promise.all(REGIONS.map((r) => listKeys(e2e.endpoint, r, buckets[r]!)));
    const result = await session.run(['--env', 'dev', '--dry-run', '--log-level', 'debug']);
    expect(result.code).toBe(0);
    for (const region of REGIONS) {
      expect(result.stderr).toMatch(
        new RegExp(
          `\\[${region}\\] dry run: would upload s3://${buckets[region]}/\\S+ \\(${seeded.get(region)!.length + (region === REGIONS[0] ? 3 : 1)} parameters`,
        ),
      );
    }
    const after = await Promise.all(REGIONS.map((r) => listKeys(e2e.endpoint, r, buckets[r]!)));
    expect(after).toEqual(before);
  });

  it('prints the resolved region list as JSON on stdout', async () => {
    const result = await session.run(['regions', '--env', 'dev']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(REGIONS);
    const single = await session.run(['regions', '--env', 'nosuchenv', '--home-region', 'eu-west-1']);
    expect(JSON.parse(single.stdout)).toEqual(['eu-west-1']);
  });

  describe('bad input: exit code, a message naming the problem, nothing uploaded', () => {
    let before: string[][];
    beforeAll(async () => {
      before = await Promise.all(REGIONS.map((r) => listKeys(e2e.endpoint, r, buckets[r]!)));
    });
    afterAll(async () => {
      expect(await Promise.all(REGIONS.map((r) => listKeys(e2e.endpoint, r, buckets[r]!)))).toEqual(before);
    });

    it.each([
      ['unknown option', ['--env', 'dev', '--frobnicate'], {}, 2, /unknown option '--frobnicate'/],
      ['missing --env', ['backup'], {}, 2, /--env is required/],
      ['bad environment name', ['--env', 'dev/x'], {}, 2, /--env 'dev\/x' is not a valid environment name/],
      ['bad region name', ['--env', 'dev', '--region', 'us-weird'], {}, 2, /'us-weird' is not an AWS region name/],
      [
        'region without a bucket key',
        ['--env', 'dev', '--regions', 'us-west-2,eu-west-1'],
        {},
        2,
        /eu-west-1: \/jenkins\/dev\/backup\/eu-west-1\/s3-bucket-name does not exist/,
      ],
      [
        'no credentials',
        ['--env', 'dev'],
        {
          AWS_ACCESS_KEY_ID: undefined,
          AWS_SECRET_ACCESS_KEY: undefined,
          AWS_PROFILE: 'no-such-profile',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        },
        2,
        /credentials/,
      ],
      ['no parameter matched', ['--env', 'qa', '--region', 'us-west-2'], {}, 3, /no parameter matched/],
    ])('%s', async (_label, args, env, code, message) => {
      const result = await session.run(args as string[], env as Record<string, string | undefined>);
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(code);
    });
  });

  it('is complete when 30% of SSM calls are throttled (fault-injecting proxy)', async () => {
    const proxy = await startFaultProxy({ target: e2e.endpoint, throttleRate: 0.3, seed: 7 });
    try {
      const summaryFile = session.summaryPath('throttled');
      const result = await session.run(
        ['--env', 'dev', '--summary-file', summaryFile, '--log-format', 'json', '--log-level', 'debug'],
        { AWS_ENDPOINT_URL: proxy.endpoint },
      );
      expect(result.code).toBe(0);
      expect(proxy.stats.throttled).toBeGreaterThan(5);
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
      const retries = summary.regions.reduce(
        (n: number, r: { api: { totalRetries: number } }) => n + r.api.totalRetries,
        0,
      );
      expect(retries).toBe(proxy.stats.throttled);
      for (const region of REGIONS) {
        const key = summary.regions.find((r: { region: string }) => r.region === region).key;
        expectExactly(await readObject(e2e.endpoint, region, buckets[region]!, key), region);
      }
      // JSON logs are one object per line.
      for (const line of result.stderr.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await proxy.close();
    }
  });

  it('backs up the rest, naming it, when a parameter vanishes between listing and fetching (exit 0)', async () => {
    const region = 'us-west-2';
    // The service reports the first name of the first fetch batch as InvalidParameters, as it does
    // for a parameter deleted since it was listed (deleting it in moto would shift moto's offsets).
    const proxy = await startFaultProxy({ target: e2e.endpoint, throttleRate: 0 });
    let victim: string | undefined;
    proxy.rewrite = (amzTarget, request, answer) => {
      if (amzTarget !== 'AmazonSSM.GetParameters' || victim) return answer;
      const first = JSON.parse(request.toString()).Names[0] as string;
      // The stack's keys (bucket and KMS key) are read with GetParameters too, before the fetches.
      if (first.startsWith('/jenkins/dev/backup/')) return answer;
      victim = first;
      const body = JSON.parse(answer.toString());
      body.Parameters = body.Parameters.filter((p: { Name: string }) => p.Name !== victim);
      body.InvalidParameters = [...(body.InvalidParameters ?? []), victim];
      return Buffer.from(JSON.stringify(body));
    };
    try {
      const summaryFile = session.summaryPath('vanished');
      const result = await session.run(
        ['--env', 'dev', '--region', region, '--concurrency', '1', '--summary-file', summaryFile],
        { AWS_ENDPOINT_URL: proxy.endpoint },
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/WARN.*\[us-west-2\] 1 parameter vanished between listing and fetching/);
      expect(result.stderr).toContain(victim!);
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')).regions[0];
      expect(summary).toMatchObject({ status: 'ok', vanished: [victim] });
      const doc = JSON.parse(await readObject(e2e.endpoint, region, buckets[region]!, summary.key));
      expect(doc.parameters.map((p: { Name: string }) => p.Name)).not.toContain(victim);
      expect(doc.parameter_count).toBe(summary.parameterCount);
      expect(summary.parameterCount).toBe(summary.listed - 1);
      expect(await readObject(e2e.endpoint, region, buckets[region]!, 'latest.txt')).toBe(summary.key);
    } finally {
      await proxy.close();
    }
  });

  it('never prints or writes a seeded value, at any log level or format', () => {
    expect(secrets.size).toBeGreaterThan(20);
    expect(session.outputs.length).toBeGreaterThan(8);
    expect(leakedSecrets(session.everythingWritten(), secrets)).toEqual([]);
  });
});
