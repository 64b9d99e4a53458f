import { AddTagsToResourceCommand, PutParameterCommand, RemoveTagsFromResourceCommand } from '@aws-sdk/client-ssm';
import { InterruptedError } from '../../../src/errors';
import { applyPlan, policiesInput } from '../../../src/restore/apply';
import { planRestore } from '../../../src/restore/plan';
import type { BackedUpParameter } from '../../../src/types';
import { awsError, backedUp, regionClients, resetMocks, ssmMock } from '../support/mocks';

beforeEach(resetMocks);

const p = backedUp;

/** The plan restore makes for `backup` over `live`, in one region. */
const planFor = (backup: BackedUpParameter[], live: BackedUpParameter[] = []) =>
  planRestore({
    environment: 'dev',
    source: 'x',
    from: 'k',
    backupSha256: 'h',
    backup,
    live,
    sourceRegion: 'us-west-2',
    targetRegion: 'us-west-2',
    accountId: '123456789012',
  });

function apply(
  backup: BackedUpParameter[],
  live: BackedUpParameter[],
  overrides: Partial<Parameters<typeof applyPlan>[0]> = {},
) {
  const plan = planFor(backup, live);
  return applyPlan({
    ssm: regionClients().ssm,
    plan,
    backup,
    live,
    overwrite: false,
    concurrency: 2,
    ...overrides,
  });
}

describe('Function: applyPlan', () => {
  it('creates with every attribute and tags, and skips updates without overwrite', async () => {
    ssmMock.on(PutParameterCommand).resolves({ Version: 1 });
    const created = p('/dev/new', {
      Type: 'SecureString',
      KeyId: 'alias/aws/ssm',
      Description: 'd',
      Tier: 'Advanced',
      AllowedPattern: '^S',
      Policies: [
        {
          PolicyText: '{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-01-01T00:00:00Z"}}',
          PolicyType: 'Expiration',
          PolicyStatus: 'Pending',
        },
      ],
      Tags: [{ Key: 'team', Value: 'platform' }],
    });
    const result = await apply([created, p('/dev/changed', { Description: 'new' })], [p('/dev/changed')]);

    expect(result).toEqual({ created: ['/dev/new'], updated: [], skipped: ['/dev/changed'], failed: [], notSent: [] });
    const puts = ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input);
    expect(puts).toEqual([
      {
        Name: '/dev/new',
        Value: 'SECRET-/dev/new',
        Type: 'SecureString',
        KeyId: 'alias/aws/ssm',
        Description: 'd',
        Tier: 'Advanced',
        DataType: 'text',
        AllowedPattern: '^S',
        Policies: '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-01-01T00:00:00Z"}}]',
        Tags: [{ Key: 'team', Value: 'platform' }],
      },
    ]);
  });

  it('updates with Overwrite and no Tags, then brings tags in line through the tagging API', async () => {
    ssmMock.on(PutParameterCommand).resolves({});
    ssmMock.on(AddTagsToResourceCommand).resolves({});
    ssmMock.on(RemoveTagsFromResourceCommand).resolves({});
    const result = await apply(
      [p('/dev/x', { Description: 'new', Tags: [{ Key: 'a', Value: '1' }] })],
      [p('/dev/x', { Tags: [{ Key: 'old', Value: '0' }] })],
      { overwrite: true },
    );

    expect(result.updated).toEqual(['/dev/x']);
    const put = ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Overwrite: true, Description: 'new' });
    expect(put.Tags).toBeUndefined();
    expect(ssmMock.commandCalls(RemoveTagsFromResourceCommand)[0]!.args[0].input).toEqual({
      ResourceType: 'Parameter',
      ResourceId: '/dev/x',
      TagKeys: ['old'],
    });
    expect(ssmMock.commandCalls(AddTagsToResourceCommand)[0]!.args[0].input).toEqual({
      ResourceType: 'Parameter',
      ResourceId: '/dev/x',
      Tags: [{ Key: 'a', Value: '1' }],
    });
  });

  it('goes on past a failed parameter and names it with the error code only', async () => {
    ssmMock.on(PutParameterCommand).resolves({});
    ssmMock
      .on(PutParameterCommand, { Name: '/dev/b' })
      .rejects(awsError('ValidationException', "Value 'SECRET-/dev/b' failed to satisfy constraint"));
    const result = await apply([p('/dev/a'), p('/dev/b'), p('/dev/c')], []);
    expect(result.created).toEqual(['/dev/a', '/dev/c']);
    expect(result.failed).toEqual([{ name: '/dev/b', code: 'ValidationException' }]);
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });

  it("keeps at most the concurrency in flight (the pace is the pacer's: applyPaced.test.ts)", async () => {
    let inFlight = 0;
    let peak = 0;
    ssmMock.on(PutParameterCommand).callsFake(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return {};
    });
    const backup = Array.from({ length: 8 }, (_, i) => p(`/dev/p${i}`));
    await apply(backup, [], { concurrency: 8 });
    expect(peak).toBe(8);
    peak = 0;
    await apply(backup, [], { concurrency: 3 });
    expect(peak).toBe(3);
  });
});

describe('Function: applyPlan, interrupted', () => {
  it('sends nothing more, waits for the writes in flight and counts them by their answers; the rest are not sent', async () => {
    const controller = new AbortController();
    let sent = 0;
    ssmMock.on(PutParameterCommand).callsFake(async () => {
      // The signal comes while the third write is on the wire; its answer still comes, and counts.
      if (++sent === 3) controller.abort(new InterruptedError('SIGTERM'));
      await new Promise((r) => setTimeout(r, 50));
      return { Version: 1 };
    });
    const backup = Array.from({ length: 12 }, (_, i) => p(`/dev/p${String(i).padStart(2, '0')}`));
    const result = await apply(backup, [], { concurrency: 4, signal: controller.signal });
    expect(sent).toBe(3);
    expect(result.interrupted).toBe('SIGTERM');
    expect(result.created).toEqual(['/dev/p00', '/dev/p01', '/dev/p02']);
    expect(result.failed).toEqual([]);
    expect(result.notSent).toEqual(backup.slice(3).map((b) => b.Name));
  });

  it('an interruption before any write sends none', async () => {
    ssmMock.on(PutParameterCommand).resolves({});
    const controller = new AbortController();
    controller.abort(new InterruptedError('SIGINT'));
    const backup = [p('/dev/a'), p('/dev/b')];
    const result = await apply(backup, [], { signal: controller.signal });
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
    expect(result).toMatchObject({ interrupted: 'SIGINT', created: [], notSent: ['/dev/a', '/dev/b'] });
  });
});

describe('Function: policiesInput', () => {
  it('turns the listed form back into the JSON array PutParameter takes', () => {
    const parameter = p('/a', {
      Policies: [
        { PolicyText: '{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-01-01T00:00:00Z"}}' },
        { PolicyText: '{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"30","Unit":"Days"}}' },
      ],
    });
    expect(JSON.parse(policiesInput(parameter))).toEqual([
      { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: '2030-01-01T00:00:00Z' } },
      { Type: 'NoChangeNotification', Version: '1.0', Attributes: { After: '30', Unit: 'Days' } },
    ]);
  });
});

describe('Function: applyPlan, interrupted between a write and its tags', () => {
  it('an update whose value was written but whose tags were not is a failure, never "not sent"', async () => {
    const controller = new AbortController();
    ssmMock.on(PutParameterCommand).callsFake(() => {
      controller.abort(new InterruptedError('SIGTERM'));
      return { Version: 2 };
    });
    // The tag call is held back by the interruption, as the pacer does.
    ssmMock.on(AddTagsToResourceCommand).rejects(new InterruptedError('SIGTERM'));
    const tagged = p('/dev/x', { Description: 'new', Tags: [{ Key: 'team', Value: 'platform' }] });
    const result = await apply([tagged], [p('/dev/x')], { overwrite: true, signal: controller.signal });
    expect(result.notSent).toEqual([]);
    expect(result.failed).toEqual([{ name: '/dev/x', code: 'InterruptedError' }]);
  });
});

describe('Function: applyPlan, the details of each write', () => {
  beforeEach(() => {
    ssmMock.on(PutParameterCommand).resolves({});
    ssmMock.on(AddTagsToResourceCommand).resolves({});
    ssmMock.on(RemoveTagsFromResourceCommand).resolves({});
  });

  it('results are sorted by name, progress counts every write once, skipped updates are named', async () => {
    const progress: [number, number][] = [];
    const backup = [p('/dev/c'), p('/dev/a'), p('/dev/b', { Description: 'changed' })];
    const result = await apply(backup, [p('/dev/b')], { onProgress: (done, total) => progress.push([done, total]) });
    expect(result).toEqual({
      created: ['/dev/a', '/dev/c'],
      updated: [],
      skipped: ['/dev/b'],
      failed: [],
      notSent: [],
    });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name)).not.toContain('/dev/b');
  });

  it('results and failures are sorted by name, whatever order the answers came in', async () => {
    // The first name is answered last.
    ssmMock.on(PutParameterCommand).callsFake(async (input: { Name: string }) => {
      if (input.Name.endsWith('a')) await new Promise((r) => setTimeout(r, 30));
      if (input.Name.includes('fail')) throw awsError('AccessDeniedException', 'no');
      return {};
    });
    const backup = ['/dev/a', '/dev/b', '/dev/c', '/dev/fail-a', '/dev/fail-b'].map((name) => p(name));
    const result = await apply(backup, [], { concurrency: 5 });
    expect(result.created).toEqual(['/dev/a', '/dev/b', '/dev/c']);
    expect(result.failed.map((f) => f.name)).toEqual(['/dev/fail-a', '/dev/fail-b']);
  });

  it('with --overwrite writes the updates and nothing else: unchanged and skipped names are not written', async () => {
    const backup = [p('/dev/same'), p('/dev/changed', { Description: 'new' }), p('/prod/other')];
    const result = await apply(backup, [p('/dev/same'), p('/dev/changed')], { overwrite: true });
    expect(result).toMatchObject({ created: [], updated: ['/dev/changed'], skipped: [] });
    expect(ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input.Name)).toEqual(['/dev/changed']);
  });

  it('a signal that never fires changes nothing: every write is made', async () => {
    const result = await apply([p('/dev/a'), p('/dev/b')], [], { signal: new AbortController().signal });
    expect(result).toEqual({ created: ['/dev/a', '/dev/b'], updated: [], skipped: [], failed: [], notSent: [] });
  });

  it('failures are sorted by name', async () => {
    ssmMock.on(PutParameterCommand).rejects(awsError('AccessDeniedException', 'no'));
    const result = await apply([p('/dev/b'), p('/dev/a')], []);
    expect(result.failed.map((f) => f.name)).toEqual(['/dev/a', '/dev/b']);
  });

  it('creates with no Tags field when the backup has none; an update without tags in the backup leaves tags alone', async () => {
    await apply([p('/dev/new')], []);
    expect(ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input.Tags).toBeUndefined();
    await apply(
      [p('/dev/x', { Description: 'new', Tags: undefined })],
      [p('/dev/x', { Tags: [{ Key: 'k', Value: 'v' }] })],
      {
        overwrite: true,
      },
    );
    expect(ssmMock.commandCalls(RemoveTagsFromResourceCommand)).toHaveLength(0);
    expect(ssmMock.commandCalls(AddTagsToResourceCommand)).toHaveLength(0);
  });

  it('an update to no tags removes every tag and adds none; a tag kept by key is not removed', async () => {
    await apply([p('/dev/x', { Description: 'new', Tags: [] })], [p('/dev/x', { Tags: [{ Key: 'k', Value: 'v' }] })], {
      overwrite: true,
    });
    expect(ssmMock.commandCalls(RemoveTagsFromResourceCommand)[0]!.args[0].input.TagKeys).toEqual(['k']);
    expect(ssmMock.commandCalls(AddTagsToResourceCommand)).toHaveLength(0);
    ssmMock.resetHistory();
    // Every live tag still wanted: nothing to remove, so no call to remove nothing.
    await apply(
      [p('/dev/x', { Description: 'new', Tags: [{ Key: 'k', Value: 'v' }] })],
      [p('/dev/x', { Tags: [{ Key: 'k', Value: 'v' }] })],
      { overwrite: true },
    );
    expect(ssmMock.commandCalls(RemoveTagsFromResourceCommand)).toHaveLength(0);
    expect(ssmMock.commandCalls(AddTagsToResourceCommand)).toHaveLength(1);
    ssmMock.resetHistory();
    await apply(
      [p('/dev/x', { Description: 'new', Tags: [{ Key: 'k', Value: 'changed' }] })],
      [
        p('/dev/x', {
          Tags: [
            { Key: 'k', Value: 'v' },
            { Key: 'gone', Value: 'v' },
          ],
        }),
      ],
      { overwrite: true },
    );
    expect(ssmMock.commandCalls(RemoveTagsFromResourceCommand)[0]!.args[0].input.TagKeys).toEqual(['gone']);
    expect(ssmMock.commandCalls(AddTagsToResourceCommand)[0]!.args[0].input.Tags).toEqual([
      { Key: 'k', Value: 'changed' },
    ]);
  });

  it('the KMS key goes only with a SecureString; a blank description is sent as empty, to clear one', async () => {
    const plan = planFor([p('/dev/s', { Type: 'SecureString', KeyId: 'alias/mine' }), p('/dev/t')]);
    await applyPlan({
      ssm: regionClients().ssm,
      plan,
      backup: [p('/dev/s', { Type: 'SecureString', KeyId: 'alias/mine' }), p('/dev/t', { Description: undefined })],
      live: [],
      overwrite: false,
      concurrency: 2,
    });
    const inputs = Object.fromEntries(
      ssmMock.commandCalls(PutParameterCommand).map((c) => [c.args[0].input.Name, c.args[0].input]),
    );
    expect(inputs['/dev/t']).not.toHaveProperty('KeyId');
    expect(inputs['/dev/t']!.Description).toBe('');
    expect(inputs['/dev/s']!.KeyId).toBe('alias/mine');
  });

  it('a planned name missing from the backup is a failure of that name, not a crash', async () => {
    const plan = planFor([p('/dev/a')]);
    const result = await applyPlan({
      ssm: regionClients().ssm,
      plan,
      backup: [],
      live: [],
      overwrite: false,
      concurrency: 0,
    });
    expect(result.failed).toEqual([{ name: '/dev/a', code: 'UnknownError' }]);
  });
});
