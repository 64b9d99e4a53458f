import { formatPlan } from '../../../src/cli/format';
import { planChanges, planRestore, type RestorePlan } from '../../../src/restore/plan';
import { backedUp } from '../support/mocks';

const p = backedUp;

describe('Function: planRestore', () => {
  const plan = planRestore({
    environment: 'dev',
    source: 's3://b/k.json',
    from: 'k.json',
    backupSha256: 'abc',
    backup: [
      p('/dev/c'),
      p('/dev/a'),
      p('/dev/b', { Description: 'x' }),
      p('/dev/s', { Type: 'SecureString', KeyId: 'arn:aws:kms:us-west-2:123456789012:key/k' }),
    ],
    live: [p('/dev/a'), p('/dev/b'), p('/dev/extra')],
    sourceRegion: 'us-west-2',
    targetRegion: 'eu-west-1',
    accountId: '123456789012',
  });

  it('classifies each parameter, sorted, and lists extras', () => {
    expect(plan.entries.map((e) => [e.action, e.name])).toEqual([
      ['unchanged', '/dev/a'],
      ['update', '/dev/b'],
      ['create', '/dev/c'],
      ['create', '/dev/s'],
    ]);
    expect(plan.entries[1]).toMatchObject({ differences: ['description'] });
    expect(plan.extra).toEqual(['/dev/extra']);
    expect(plan.counts).toEqual({ create: 2, update: 1, unchanged: 1, skipped: 0, extra: 1 });
  });

  it('prints names, fields and KMS decisions, never values', () => {
    const text = formatPlan(plan, { overwrite: false }).join('\n');
    expect(text).toContain('CREATE    /dev/c');
    expect(text).toContain('UPDATE    /dev/b (description) [skipped without --overwrite]');
    expect(text).toContain('CREATE    /dev/s; kms: key of region us-west-2 replaced by the account default key');
    expect(text).toContain('EXTRA     /dev/extra (not in the backup; left alone)');
    expect(text).toContain('2 to create, 1 to update, 1 unchanged, 0 skipped, 1 extra');
    expect(text).not.toContain('SECRET-');
    expect(JSON.stringify(plan)).not.toContain('SECRET-');
  });
});

describe('Function: planRestore, what is never written', () => {
  const base = {
    source: 'file:x',
    from: 'file:x',
    backupSha256: 'h',
    sourceRegion: 'us-west-2',
    targetRegion: 'us-west-2',
    accountId: '123456789012',
  };
  const backup = [
    p('/jenkins/dev/app'),
    p('/jenkins/prod/app'),
    p('/prod/device-id'),
    p('/jenkins/dev/backup/regions'),
    p('/jenkins/dev/backup/us-west-2/s3-bucket-name'),
    p('/jenkins/dev/backup/reports/s3-bucket-name'),
  ];

  it("skips names outside the environment and the stack's own keys, saying why", () => {
    const plan = planRestore({
      ...base,
      environment: 'dev',
      backup,
      live: [p('/jenkins/dev/backup/us-east-1/s3-bucket-name')],
    });
    expect(plan.entries.map((e) => [e.action, e.name, e.action === 'skipped' ? e.reason : ''])).toEqual([
      ['create', '/jenkins/dev/app', ''],
      ['skipped', '/jenkins/dev/backup/regions', 'runner-key'],
      // A user's parameter whose region position is not a region is the user's: restored.
      ['create', '/jenkins/dev/backup/reports/s3-bucket-name', ''],
      ['skipped', '/jenkins/dev/backup/us-west-2/s3-bucket-name', 'runner-key'],
      ['skipped', '/jenkins/prod/app', 'outside-environment'],
      ['skipped', '/prod/device-id', 'outside-environment'],
    ]);
    // The stack's keys are not "extra" either.
    expect(plan.extra).toEqual([]);
    const text = formatPlan(plan, { overwrite: true }).join('\n');
    expect(text).toContain('SKIPPED   /jenkins/prod/app (outside the environment; never written)');
    expect(text).toContain(
      "SKIPPED   /jenkins/dev/backup/regions (the backup stack's own key; restored only with --include-runner-keys)",
    );
  });

  it('restores the runner keys only when asked', () => {
    const plan = planRestore({ ...base, environment: 'dev', backup, live: [], includeRunnerKeys: true });
    expect(plan.entries.filter((e) => e.action === 'create').map((e) => e.name)).toContain(
      '/jenkins/dev/backup/regions',
    );
    expect(plan.entries.filter((e) => e.action === 'skipped').map((e) => e.name)).toEqual([
      '/jenkins/prod/app',
      '/prod/device-id',
    ]);
  });
});

/** A plan's fixed inputs: what a backup was read from, and where it goes. */
const base = {
  environment: 'dev',
  source: 's3://b/k',
  from: 'k',
  backupSha256: 'h1',
  sourceRegion: 'us-west-2',
  targetRegion: 'us-west-2',
  accountId: '123456789012',
};

describe('Function: planChanges', () => {
  const backup = [p('/dev/a', { Description: 'new' }), p('/dev/b'), p('/dev/c')];
  const live = [p('/dev/a', { Version: 3 }), p('/dev/b', { Version: 1 })];
  const reviewed: RestorePlan = JSON.parse(JSON.stringify(planRestore({ ...base, backup, live })));

  it('is empty while nothing moved (the plan survives a JSON round trip)', () => {
    expect(planChanges(reviewed, planRestore({ ...base, backup, live }))).toEqual([]);
  });

  it('names a live parameter that changed, appeared or went since the plan', () => {
    const now = planRestore({ ...base, backup, live: [p('/dev/a', { Version: 4 }), p('/dev/c', { Version: 1 })] });
    expect(planChanges(reviewed, now)).toEqual([
      '/dev/a: was UPDATE (live version 3), is now UPDATE (live version 4)',
      '/dev/b: was UNCHANGED (live version 1), is now CREATE',
      '/dev/c: was CREATE, is now UNCHANGED (live version 1)',
    ]);
  });

  it('refuses a backup that is not the one reviewed', () => {
    expect(planChanges(reviewed, planRestore({ ...base, backupSha256: 'h2', backup, live }))).toEqual([
      'the backup s3://b/k changed since the plan was made',
    ]);
  });
});

describe('Function: planChanges, each thing that can move', () => {
  const plan = (extra: Partial<Parameters<typeof planRestore>[0]> = {}) =>
    planRestore({ ...base, backup: [p('/dev/a')], live: [], ...extra });

  it('the target region, and whether runner keys are included', () => {
    expect(planChanges(plan(), plan({ targetRegion: 'eu-west-1' }))).toEqual([
      'targetRegion was us-west-2, is eu-west-1',
    ]);
    expect(planChanges(plan(), plan({ includeRunnerKeys: true }))).toEqual(['includeRunnerKeys was false, is true']);
  });

  it("a create whose KMS decision changed; an update's fields; a skip's reason", () => {
    const secure = (KeyId: string) => [p('/dev/s', { Type: 'SecureString', KeyId })];
    const kept = plan({ backup: secure('alias/a') });
    const replaced = plan({ backup: secure('arn:aws:kms:eu-west-1:123456789012:key/k') });
    expect(planChanges(kept, replaced)).toEqual(['/dev/s: was CREATE, is now CREATE']);
    const live = [p('/dev/a', { Version: 2 })];
    const description = plan({ backup: [p('/dev/a', { Description: 'x' })], live });
    const type = plan({ backup: [p('/dev/a', { Description: 'x', Type: 'StringList' })], live });
    expect(planChanges(description, type)).toEqual([
      '/dev/a: was UPDATE (live version 2), is now UPDATE (live version 2)',
    ]);
    const unchanged = plan({ backup: [p('/dev/a')], live: [p('/dev/a', { Version: 2 })] });
    expect(planChanges(unchanged, plan({ backup: [p('/dev/a')], live: [p('/dev/a', { Version: 3 })] }))).toEqual([
      '/dev/a: was UNCHANGED (live version 2), is now UNCHANGED (live version 3)',
    ]);
  });

  it('sorts what it found even when the reviewed plan named the later names', () => {
    expect(planChanges(plan({ backup: [p('/dev/b')] }), plan({ backup: [p('/dev/a')] }))).toEqual([
      '/dev/a: not in the reviewed plan',
      '/dev/b: no longer in the plan',
    ]);
  });

  it('an update whose KMS decision changed, its differing fields the same (another --kms-key-id)', () => {
    const backup = [p('/dev/s', { Type: 'SecureString', KeyId: 'arn:aws:kms:eu-west-1:123456789012:key/k' })];
    const live = [p('/dev/s', { Type: 'SecureString', KeyId: 'alias/aws/ssm', Version: 4, Value: 'other' })];
    const first = plan({ backup, live, kmsKeyOverride: 'alias/dr-1' });
    const second = plan({ backup, live, kmsKeyOverride: 'alias/dr-2' });
    expect(first.entries[0]).toMatchObject({ action: 'update' });
    expect(planChanges(first, second)).toEqual(['/dev/s: was UPDATE (live version 4), is now UPDATE (live version 4)']);
  });

  it('a String gets no KMS decision: only a SecureString has a key', () => {
    const entry = plan({ backup: [p('/dev/a', { KeyId: 'alias/whatever' })] }).entries[0];
    expect(entry).toEqual({ action: 'create', name: '/dev/a' });
  });

  it('sorts what it found, and keeps the extra live names out of the runner keys unless asked', () => {
    const now = plan({ backup: [p('/dev/z'), p('/dev/b')] });
    expect(planChanges(plan(), now)).toEqual([
      '/dev/a: no longer in the plan',
      '/dev/b: not in the reviewed plan',
      '/dev/z: not in the reviewed plan',
    ]);
    const runnerKey = '/jenkins/dev/backup/us-west-2/s3-bucket-name';
    const live = [p(runnerKey), p('/dev/other')];
    expect(plan({ live }).extra).toEqual(['/dev/other']);
    expect(plan({ live, includeRunnerKeys: true }).extra).toEqual(['/dev/other', runnerKey]);
  });

  it('records the live version and time of each update, each only when known', () => {
    const live = [
      p('/dev/a', { Version: 2, LastModifiedDate: '2026-11-29T13:00:00.000Z' }),
      p('/dev/b', { Version: undefined }),
    ];
    const made = plan({ backup: [p('/dev/a', { Description: 'x' }), p('/dev/b', { Description: 'x' })], live });
    expect(made.entries.map((e) => ('live' in e ? e.live : undefined))).toEqual([
      { version: 2, lastModified: '2026-11-29T13:00:00.000Z' },
      {},
    ]);
  });
});
