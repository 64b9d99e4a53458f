import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { AddTagsToResourceCommand, DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  deployStack,
  type LiveParameter,
  putParameters,
  type SeedParameter,
  s3Client,
  secretValue,
  snapshot,
  ssmClient,
} from '../../scripts/lib/world';
import { leakedSecrets, motoFile, readObject } from './support';

jest.setTimeout(180_000);

const REGIONS = ['ap-northeast-1', 'us-west-2'];
const TARGET = 'us-west-2';
const DR_REGION = 'eu-west-1';
let buckets: Record<string, string>;
const e2e = motoFile();
const { session, secrets } = e2e;
let backupKey: string;
let backedUp: Map<string, LiveParameter>;
/** The backup object as written, before a later test damages it in the bucket. */
let backupText: string;

/** A set that exercises every attribute a restore must keep. */
function seedSet(region: string): SeedParameter[] {
  const set: SeedParameter[] = [];
  for (let i = 0; i < 24; i++) {
    const name = `/svc/dev/${region}/p${String(i).padStart(2, '0')}`;
    const tags =
      i % 4 === 0
        ? [
            { Key: 'team', Value: `t${i}` },
            { Key: 'tier', Value: 'gold' },
          ]
        : undefined;
    if (i % 3 === 0)
      set.push({
        Name: name,
        Type: 'SecureString',
        Value: secretValue(`r${i}`),
        Description: `secret ${i}`,
        Tags: tags,
      });
    else if (i % 3 === 1) set.push({ Name: name, Type: 'StringList', Value: `a,b ,${i},,ü€`, Tags: tags });
    else
      set.push({
        Name: name,
        Type: 'String',
        Value: secretValue(`s${i}`),
        Description: i % 2 ? undefined : `plain ${i}`,
        Tags: tags,
      });
  }
  set.push({
    Name: `/svc/dev/${region}/advanced`,
    Type: 'SecureString',
    Tier: 'Advanced',
    Value: `${secretValue('adv')}${'z'.repeat(5000)}`,
    Description: 'advanced',
  });
  return set;
}

/** `ssm-backup restore --env dev --region us-west-2 ...args` */
function restoreDev(args: string[], extraEnv: Record<string, string | undefined> = {}) {
  return session.run(['restore', '--env', 'dev', '--region', TARGET, ...args], extraEnv);
}

function comparable(map: Map<string, LiveParameter>, names?: Iterable<string>) {
  const wanted = names ? new Set(names) : undefined;
  return [...map.values()].filter((p) => !wanted || wanted.has(p.Name)).sort((a, b) => (a.Name < b.Name ? -1 : 1));
}

beforeAll(async () => {
  ({ buckets } = await deployStack(e2e.endpoint, { env: 'dev', regions: REGIONS }));
  for (const region of REGIONS) {
    const set = seedSet(region);
    await putParameters(e2e.endpoint, region, set);
    e2e.remember(set);
  }
  const backup = await session.run(['backup', '--env', 'dev', '--with-tags']);
  expect(backup.code).toBe(0);
  backupKey = (await readObject(e2e.endpoint, TARGET, buckets[TARGET]!, 'latest.txt')).trim();
  backupText = await readObject(e2e.endpoint, TARGET, buckets[TARGET]!, backupKey);
  backedUp = await snapshot(e2e.endpoint, TARGET, 'dev');
});

describe('restore round trip (built CLI against moto)', () => {
  const deleted = ['p01', 'p05', 'p12'].map((s) => `/svc/dev/${TARGET}/${s}`);
  const valueChanged = ['p02', 'p07'].map((s) => `/svc/dev/${TARGET}/${s}`);
  const descriptionChanged = `/svc/dev/${TARGET}/p03`;
  const tagsChanged = `/svc/dev/${TARGET}/p08`;
  const extra = `/svc/dev/${TARGET}/added-later`;

  beforeAll(async () => {
    const ssm = ssmClient(e2e.endpoint, TARGET);
    for (const name of deleted) await ssm.send(new DeleteParameterCommand({ Name: name }));
    for (const name of valueChanged) {
      const before = backedUp.get(name)!;
      await ssm.send(
        new PutParameterCommand({
          Name: name,
          Type: before.Type as 'String',
          Value: `${before.Value}-changed`,
          Overwrite: true,
        }),
      );
    }
    const d = backedUp.get(descriptionChanged)!;
    await ssm.send(
      new PutParameterCommand({
        Name: d.Name,
        Type: d.Type as 'String',
        Value: d.Value,
        Description: 'edited by hand',
        Overwrite: true,
      }),
    );
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: tagsChanged,
        Tags: [{ Key: 'team', Value: 'someone-else' }],
      }),
    );
    await ssm.send(new PutParameterCommand({ Name: extra, Type: 'String', Value: 'extra' }));
  });

  it('verify --against-live reports the drift by name and exits 1', async () => {
    const result = await session.run(['verify', '--env', 'dev', '--region', TARGET, '--against-live']);
    expect(result.code).toBe(1);
    for (const name of deleted) expect(result.stdout).toContain(`MISSING   ${name}`);
    expect(result.stdout).toContain(`EXTRA     ${extra}`);
    expect(result.stdout).toContain(`CHANGED   ${valueChanged[0]} (value)`);
    expect(result.stdout).toContain(`CHANGED   ${descriptionChanged} (description)`);
    expect(result.stdout).toContain(`CHANGED   ${tagsChanged} (tags)`);
    expect(result.stderr).toMatch(/3 missing, 1 extra, 4 changed/);
    // Reading live SSM shows progress, as a backup does.
    expect(result.stderr).toMatch(/\[us-west-2\] described \d+, fetched \d+\/\d+/);
  });

  it('the plan shows exactly the changes, by name, and writes nothing', async () => {
    const planFile = session.summaryPath('plan');
    const result = await restoreDev(['--plan-file', planFile]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    const byAction = (action: string) =>
      plan.entries
        .filter((e: { action: string }) => e.action === action)
        .map((e: { name: string }) => e.name)
        .sort();
    expect(byAction('create')).toEqual(deleted.sort());
    expect(byAction('update')).toEqual([...valueChanged, descriptionChanged, tagsChanged].sort());
    expect(plan.extra).toEqual([extra]);
    expect(plan.entries.find((e: { name: string }) => e.name === descriptionChanged).differences).toEqual([
      'description',
    ]);
    expect(result.stdout).toContain(`UPDATE    ${valueChanged[0]} (value) [skipped without --overwrite]`);
    expect((await snapshot(e2e.endpoint, TARGET, 'dev')).has(deleted[0]!)).toBe(false);
  });

  it('--apply without --overwrite recreates only the deleted parameters', async () => {
    const result = await restoreDev(['--apply']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/3 created, 0 updated, 4 updates skipped/);
    const now = await snapshot(e2e.endpoint, TARGET, 'dev');
    expect(comparable(now, deleted)).toEqual(comparable(backedUp, deleted));
    expect(now.get(valueChanged[0]!)!.Value).toBe(`${backedUp.get(valueChanged[0]!)!.Value}-changed`);
    expect(now.get(descriptionChanged)!.Description).toBe('edited by hand');
  });

  it('--apply --overwrite gives back exactly the backed-up set (names, values, types, descriptions, tiers, tags)', async () => {
    const result = await restoreDev(['--apply', '--overwrite']);
    expect(result.code).toBe(0);
    const now = await snapshot(e2e.endpoint, TARGET, 'dev');
    expect(comparable(now, backedUp.keys())).toEqual(comparable(backedUp));
    expect(now.has(extra)).toBe(true);
    const after = await session.run(['verify', '--env', 'dev', '--region', TARGET, '--against-live']);
    expect(after.stdout).not.toMatch(/MISSING|CHANGED/);
    // Only the parameter added since the backup is left: reported, and failing only with --strict.
    expect(after.stdout).toContain(`EXTRA     ${extra}`);
    expect(after.code).toBe(0);
    const strict = await session.run(['verify', '--env', 'dev', '--region', TARGET, '--against-live', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/0 missing, 1 extra, 0 changed/);
    // --json: the report and the verdict in one document on stdout.
    const json = await session.run([
      'verify',
      '--env',
      'dev',
      '--region',
      TARGET,
      '--against-live',
      '--strict',
      '--json',
    ]);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      verdict: 'failed',
      failures: ['drift'],
      drift: { extra: [extra], missing: [], changed: [] },
    });
    expect(report.problems[0]).toMatch(/0 missing, 1 extra, 0 changed/);
    console.log(
      `round trip: ${backedUp.size} parameters backed up; ${deleted.length} deleted, ${valueChanged.length + 2} changed, 1 added; ` +
        `${deleted.length + valueChanged.length + 2} restored; ${comparable(now, backedUp.keys()).length}/${backedUp.size} equal after restore`,
    );
  });

  it("restores into a third region from another region's bucket (--source-region)", async () => {
    const result = await session.run([
      'restore',
      '--env',
      'dev',
      '--region',
      DR_REGION,
      '--source-region',
      TARGET,
      '--apply',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`-> ${DR_REGION}`);
    // The backup stack's own key for us-west-2 is the stack's, not the restore's to write.
    const runnerKey = `/jenkins/dev/backup/${TARGET}/s3-bucket-name`;
    expect(result.stdout).toContain(
      `SKIPPED   ${runnerKey} (the backup stack's own key; restored only with --include-runner-keys)`,
    );
    const dr = await snapshot(e2e.endpoint, DR_REGION, 'dev');
    expect(dr.has(runnerKey)).toBe(false);
    expect(comparable(dr)).toEqual(comparable(backedUp).filter((p) => p.Name !== runnerKey));
  });

  it('refuses a backup of another environment before writing anything (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-backup-foreign-'));
    try {
      const file = join(dir, 'dev.json');
      writeFileSync(file, await readObject(e2e.endpoint, TARGET, buckets[TARGET]!, backupKey));
      const result = await session.run([
        'restore',
        '--env',
        'prod',
        '--region',
        TARGET,
        '--from',
        `file:${file}`,
        '--apply',
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/is a backup of environment 'dev', not 'prod'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('list shows the backups newest first with counts, marking latest', async () => {
    const result = await session.run(['list', '--env', 'dev', '--region', TARGET]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`* ${backupKey}`);
    expect(result.stdout).toMatch(new RegExp(`${backupKey.replace(/[.]/g, '\\.')}.* ${backedUp.size} parameters`));
  });

  it('verify passes a good object, catches a damaged one, and fails on --max-age', async () => {
    const good = await session.run(['verify', '--env', 'dev', '--region', TARGET, '--from', backupKey]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/S3 checksum matched/);

    const original = await readObject(e2e.endpoint, TARGET, buckets[TARGET]!, backupKey);
    const damaged = original.replace('"StringList"', '"String"    ');
    await s3Client(e2e.endpoint, TARGET).send(
      new PutObjectCommand({ Bucket: buckets[TARGET], Key: backupKey, Body: damaged, ServerSideEncryption: 'AES256' }),
    );
    const bad = await session.run(['verify', '--env', 'dev', '--region', TARGET, '--from', backupKey]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/IntegrityError: .* has no SHA-256 checksum/);

    await s3Client(e2e.endpoint, TARGET).send(
      new PutObjectCommand({
        Bucket: buckets[TARGET],
        Key: backupKey,
        Body: original.slice(0, 500),
        ServerSideEncryption: 'AES256',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    const truncated = await session.run(['verify', '--env', 'dev', '--region', TARGET, '--from', backupKey]);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toMatch(/is not valid JSON/);

    await new Promise((r) => setTimeout(r, 2_100));
    const stale = await session.run(['verify', '--env', 'dev', '--region', 'ap-northeast-1', '--max-age', '1s']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/the newest backup \(.*\) is .* old; at most/);
    const fresh = await session.run(['verify', '--env', 'dev', '--region', 'ap-northeast-1', '--max-age', '26h']);
    expect(fresh.code).toBe(0);
  });

  describe('a restore writes only what belongs to the environment, and only what was reviewed', () => {
    let dir: string;
    let doc: { parameters: { Name: string; Type: string; Value: string }[]; parameter_count: number };
    const writeBackup = (name: string, parameters: typeof doc.parameters) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ ...doc, parameters, parameter_count: parameters.length }));
      return `file:${file}`;
    };
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ssm-backup-restore-'));
      doc = JSON.parse(backupText);
    });

    it("skips other environments' names and the stack's own keys: listed, never written", async () => {
      const foreign = { Name: '/jenkins/prod/leaked-by-old-collector', Type: 'String', Value: secretValue('prod') };
      const oldRegionsKey = { Name: '/jenkins/dev/backup/regions', Type: 'StringList', Value: 'us-west-2' };
      const from = writeBackup('mixed.json', [...doc.parameters, foreign, oldRegionsKey]);
      secrets.add(foreign.Value);
      const result = await restoreDev(['--from', from, '--apply', '--overwrite']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`SKIPPED   ${foreign.Name} (outside the environment; never written)`);
      expect(result.stdout).toContain(
        `SKIPPED   ${oldRegionsKey.Name} (the backup stack's own key; restored only with --include-runner-keys)`,
      );
      expect((await snapshot(e2e.endpoint, TARGET, 'prod')).has(foreign.Name)).toBe(false);
      expect((await snapshot(e2e.endpoint, TARGET, 'dev')).has(oldRegionsKey.Name)).toBe(false);
    });

    it('refuses a backup holding a name twice, in restore and verify (exit 1)', async () => {
      const twice = doc.parameters[3]!;
      const from = writeBackup('duplicate.json', [...doc.parameters, { ...twice, Value: secretValue('dup') }]);
      for (const command of ['restore', 'verify']) {
        const result = await session.run([command, '--env', 'dev', '--region', TARGET, '--from', from]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`is damaged: it holds 1 name more than once (${twice.Name})`);
      }
    });

    it("names a failed write with the service's error code, on stderr and in the summary", async () => {
      const bad = { Name: '/ssm/dev/reserved-prefix', Type: 'String', Value: secretValue('bad') };
      secrets.add(bad.Value);
      const summaryFile = session.summaryPath('failed-write');
      const result = await restoreDev([
        '--from',
        writeBackup('bad.json', [bad]),
        '--apply',
        '--summary-file',
        summaryFile,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `RestoreFailedError: 1 parameter could not be restored: ${bad.Name} (ValidationException)`,
      );
      expect(JSON.parse(readFileSync(summaryFile, 'utf8')).failed).toEqual([
        { name: bad.Name, code: 'ValidationException' },
      ]);
    });

    it('applies a reviewed plan as reviewed, and refuses one the world has moved past (exit 1)', async () => {
      const ssm = ssmClient(e2e.endpoint, TARGET);
      const [first, second] = [`/svc/dev/${TARGET}/p04`, `/svc/dev/${TARGET}/p05`];
      await ssm.send(new DeleteParameterCommand({ Name: first }));
      const planFile = session.summaryPath('reviewed-plan');
      const from = writeBackup('reviewed.json', doc.parameters);
      const plan = await restoreDev(['--from', from, '--plan-file', planFile]);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain(`CREATE    ${first}`);

      // Someone changes a planned parameter after the review: the plan no longer holds.
      const before = backedUp.get(second)!;
      await ssm.send(
        new PutParameterCommand({
          Name: second,
          Type: before.Type as 'String',
          Value: `${before.Value}-edited`,
          Overwrite: true,
        }),
      );
      const stale = await restoreDev(['--apply', '--overwrite', '--plan', planFile]);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toMatch(/StalePlanError: the reviewed plan no longer holds .* nothing was written/);
      expect(stale.stderr).toContain(`${second}: was UNCHANGED (live version 1), is now UPDATE (live version 2)`);
      expect((await snapshot(e2e.endpoint, TARGET, 'dev')).has(first)).toBe(false);

      // A new plan, reviewed and applied as it is.
      const again = await restoreDev(['--from', from, '--plan-file', '-']);
      expect(again.code).toBe(0);
      const printed = JSON.parse(again.stdout);
      expect(
        printed.entries
          .filter((e: { action: string }) => e.action !== 'unchanged' && e.action !== 'skipped')
          .map((e: { name: string }) => e.name),
      ).toEqual([first, second]);
      expect(again.stderr).toContain(`CREATE    ${first}`);
      writeFileSync(planFile, again.stdout);
      const applied = await restoreDev(['--apply', '--overwrite', '--plan', planFile]);
      expect(applied.code).toBe(0);
      expect(applied.stderr).toMatch(/1 created, 1 updated/);
      const now = await snapshot(e2e.endpoint, TARGET, 'dev');
      expect(comparable(now, [first, second])).toEqual(comparable(backedUp, [first, second]));
    });

    it('--overwrite without --apply is a usage error (exit 2), not a silent plan', async () => {
      const result = await restoreDev(['--overwrite']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--overwrite only means something with --apply/);
    });

    it('verify --max-age on a bucket with no backup at all is a failure (exit 1), not a configuration error', async () => {
      await deployStack(e2e.endpoint, { env: 'fresh', regions: [TARGET] });
      const result = await session.run(['verify', '--env', 'fresh', '--region', TARGET, '--max-age', '26h']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/NoBackupError: .*latest.txt does not exist/);
    });
  });

  it('never prints or writes a seeded value', () => {
    expect(secrets.size).toBeGreaterThan(20);
    expect(leakedSecrets(session.everythingWritten(), secrets)).toEqual([]);
  });
});
