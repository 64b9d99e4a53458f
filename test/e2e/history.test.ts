import { readFileSync } from 'node:fs';
import { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  bucketName,
  deployStack,
  putParameters,
  type SeedParameter,
  secretValue,
  snapshot,
  ssmClient,
} from '../../scripts/lib/world';
import { parseBackupObjectKey } from '../../src/contract';
import { leakedSecrets, motoFile, readObject } from './support';

/**
 * "What changed last night?" and "what did it look like last Tuesday?": three backups with changes
 * between them, then diff, history and restore --at, all by name, never a value.
 */
jest.setTimeout(180_000);

const REGION = 'us-west-2';
const e2e = motoFile({ AWS_REGION: REGION });
const { session, secrets } = e2e;
const keys: string[] = [];
const name = (n: string) => `/svc/dev/${REGION}/${n}`;
const edited = name('p01');

async function put(parameter: SeedParameter): Promise<void> {
  if (parameter.Value.startsWith('SECRET-')) secrets.add(parameter.Value);
  await ssmClient(e2e.endpoint, REGION).send(new PutParameterCommand({ ...parameter, Overwrite: true }));
}

async function backup(): Promise<string> {
  // Keys have one-second resolution: keep the three backups in three different seconds.
  await new Promise((r) => setTimeout(r, 1_100));
  const summaryFile = session.summaryPath(`backup-${keys.length}`);
  const result = await session.run(['backup', '--env', 'dev', '--region', REGION, '--summary-file', summaryFile]);
  expect(result.code).toBe(0);
  const key = JSON.parse(readFileSync(summaryFile, 'utf8')).regions[0].key as string;
  keys.push(key);
  return key;
}

beforeAll(async () => {
  await deployStack(e2e.endpoint, { env: 'dev', regions: [REGION] });
  const set: SeedParameter[] = Array.from({ length: 12 }, (_, i) => ({
    Name: name(`p${String(i).padStart(2, '0')}`),
    Type: i % 2 ? 'SecureString' : 'String',
    Value: secretValue(`h${i}`),
    Description: `setting ${i}`,
  }));
  await putParameters(e2e.endpoint, REGION, set);
  for (const p of set) secrets.add(p.Value);
  await backup();
  // Night 1 -> 2: a value and a description change, one parameter is deleted.
  await put({ Name: edited, Type: 'SecureString', Value: secretValue('h1-second'), Description: 'setting 1' });
  await put({
    Name: name('p02'),
    Type: 'String',
    Value: (await snapshot(e2e.endpoint, REGION, 'dev')).get(name('p02'))!.Value,
    Description: 'reworded',
  });
  await ssmClient(e2e.endpoint, REGION).send(new DeleteParameterCommand({ Name: name('p03') }));
  await backup();
  // Night 2 -> 3: one parameter added, the same one edited again.
  await put({ Name: name('added'), Type: 'String', Value: secretValue('added') });
  await put({ Name: edited, Type: 'SecureString', Value: secretValue('h1-third'), Description: 'setting 1' });
  await backup();
});

function lines(stdout: string, kind: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(kind));
}

describe('ssm-backup diff', () => {
  it('between the first two backups: the value and description changes and the deletion, by name (exit 1)', async () => {
    const result = await session.run([
      'diff',
      '--env',
      'dev',
      '--region',
      REGION,
      '--from',
      keys[0]!,
      '--to',
      keys[1]!,
    ]);
    expect(result.code).toBe(1);
    expect(lines(result.stdout, 'CHANGED')).toEqual([
      `CHANGED   ${edited}: value changed`,
      `CHANGED   ${name('p02')}: description "setting 2" -> "reworded"`,
    ]);
    expect(lines(result.stdout, 'REMOVED')).toEqual([`REMOVED   ${name('p03')}`]);
    expect(lines(result.stdout, 'ADDED')).toEqual([]);
  });

  it('between the last two, chosen by time: the addition and the second edit', async () => {
    const second = parseBackupObjectKey(keys[1]!)!.takenAt.toISOString();
    const result = await session.run(['diff', '--env', 'dev', '--region', REGION, '--from', second, '--to', 'latest']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`chose s3://`);
    expect(lines(result.stdout, 'ADDED')).toEqual([`ADDED     ${name('added')}`]);
    expect(lines(result.stdout, 'CHANGED')).toEqual([`CHANGED   ${edited}: value changed`]);
  });

  it('latest against live: no differences (exit 0); a change since shows, with keyed hashes when asked', async () => {
    const same = await session.run(['diff', '--env', 'dev', '--region', REGION]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no differences');
    await put({ Name: name('p04'), Type: 'String', Value: secretValue('live-edit'), Description: 'setting 4' });
    const hashed = await session.run(['diff', '--env', 'dev', '--region', REGION, '--show-hashes', '--json']);
    expect(hashed.code).toBe(1);
    const report = JSON.parse(hashed.stdout);
    expect(report.entries).toEqual([
      {
        kind: 'changed',
        name: name('p04'),
        changes: [
          {
            field: 'value',
            from: expect.stringMatching(/^[0-9a-f]{16}$/),
            to: expect.stringMatching(/^[0-9a-f]{16}$/),
          },
        ],
      },
    ]);
    // A new key every run: the same change hashes differently next time.
    const again = JSON.parse(
      (await session.run(['diff', '--env', 'dev', '--region', REGION, '--show-hashes', '--json'])).stdout,
    );
    expect(again.entries[0].changes[0].to).not.toBe(report.entries[0].changes[0].to);
  });

  it('refuses bad input (exit 2)', async () => {
    const result = await session.run(['diff', '--env', 'dev', '--region', REGION, '--to', 'yesterday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--to 'yesterday' is not latest, a date or time/);
    // Trouble is 2, never 1 (which means "they differ"): a time before the first backup.
    const early = await session.run(['diff', '--env', 'dev', '--region', REGION, '--from', '2020-01-01']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(
      /NoBackupError: --from side: no backup in s3:\/\/\S+ was taken at or before 2020-01-01T23:59:59.999Z \(the oldest is /,
    );
  });
});

describe('ssm-backup history', () => {
  it('shows one line per backup holding the parameter, with version and what changed', async () => {
    const result = await session.run(['history', '--env', 'dev', '--region', REGION, '--name', edited]);
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').filter((l) => l.includes('  version '));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/version 1, modified .*first seen/);
    expect(rows[1]).toMatch(/version 2, modified .*value changed/);
    expect(rows[2]).toMatch(/version 3, modified .*value changed/);
    expect(rows.map((r) => /\[(.*)\]$/.exec(r)![1])).toEqual(keys);
  });

  it('--since reads only the backups from then on', async () => {
    const since = parseBackupObjectKey(keys[1]!)!.takenAt.toISOString();
    const result = await session.run([
      'history',
      '--env',
      'dev',
      '--region',
      REGION,
      '--name',
      name('p03'),
      '--since',
      since,
      '--json',
    ]);
    const report = JSON.parse(result.stdout);
    expect(report.backupsRead).toBe(2);
    // p03 was deleted before the second backup: no backup since holds it.
    expect(report.lines).toEqual([]);
  });
});

describe('ssm-backup restore --at', () => {
  it("between the second and third backups restores the second one's state", async () => {
    const second = parseBackupObjectKey(keys[1]!)!.takenAt.toISOString();
    const secondState = new Map((await snapshotOf(keys[1]!)).map((p) => [p.Name, p]));
    const result = await session.run([
      'restore',
      '--env',
      'dev',
      '--region',
      REGION,
      '--at',
      second,
      '--apply',
      '--overwrite',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`restore plan: s3://`);
    expect(result.stdout).toContain(keys[1]!);
    expect(result.stderr).toContain(`the newest backup at or before ${second}`);
    const now = await snapshot(e2e.endpoint, REGION, 'dev');
    expect(now.get(edited)!.Value).toBe(secondState.get(edited)!.Value);
    expect(now.get(name('p04'))!.Value).toBe(secondState.get(name('p04'))!.Value);
    // Restore does not delete: the parameter added after the second backup stays, as EXTRA.
    expect(result.stdout).toContain(`EXTRA     ${name('added')}`);
  });
});

it('never prints or writes a seeded value', () => {
  expect(secrets.size).toBeGreaterThan(12);
  expect(leakedSecrets(session.everythingWritten(), secrets)).toEqual([]);
});

/** The parameters a stored backup holds, read straight from S3 (no runner code). */
async function snapshotOf(key: string): Promise<{ Name: string; Value: string }[]> {
  return JSON.parse(await readObject(e2e.endpoint, REGION, bucketName('jenkins-infra', 'dev', REGION), key)).parameters;
}
