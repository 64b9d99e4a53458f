import { DescribeParametersCommand, GetParametersCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ssm';
import { collectParameters, toBackedUp } from '../../../src/ssm/collect';
import { awsError, meta, param, regionClients, resetMocks, ssmMock } from '../support/mocks';

beforeEach(resetMocks);

/** GetParameters that answers from a table of live parameters, like the service does. */
function serveGetParameters(
  live: Map<string, ReturnType<typeof param>>,
  failFor: (names: string[]) => Error | undefined = () => undefined,
) {
  ssmMock.on(GetParametersCommand).callsFake((input: { Names: string[] }) => {
    const error = failFor(input.Names);
    if (error) throw error;
    return {
      Parameters: input.Names.filter((n) => live.has(n)).map((n) => live.get(n)!),
      InvalidParameters: input.Names.filter((n) => !live.has(n)),
    };
  });
}

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
}

describe('Function: collectParameters', () => {
  it('pages through empty filtered pages that still carry a NextToken', async () => {
    const pages = [
      { Parameters: [], NextToken: 't1' },
      { Parameters: [meta('/a/dev/x')], NextToken: 't2' },
      { Parameters: [], NextToken: 't3' },
      { Parameters: [meta('/a/dev/y')] },
    ];
    // The paginator reuses one input object, so record what each call asked for when it is made.
    const asked: { NextToken?: string; MaxResults?: number; ParameterFilters?: unknown }[] = [];
    ssmMock.on(DescribeParametersCommand).callsFake((input) => {
      asked.push({ ...input });
      return pages[asked.length - 1];
    });
    serveGetParameters(
      new Map([
        ['/a/dev/x', param('/a/dev/x')],
        ['/a/dev/y', param('/a/dev/y')],
      ]),
    );

    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 2, withTags: false });

    expect(result.parameters.map((p) => p.Name)).toEqual(['/a/dev/x', '/a/dev/y']);
    expect(result.listPages).toBe(4);
    expect(asked.map((a) => a.NextToken)).toEqual([undefined, 't1', 't2', 't3']);
    expect(asked[0]).toMatchObject({
      MaxResults: 50,
      ParameterFilters: [{ Key: 'Name', Option: 'Contains', Values: ['dev'] }],
    });
  });

  it('fetches in batches of exactly 10 (the last one smaller), with decryption', async () => {
    const all = names('/svc/dev/p', 25);
    ssmMock
      .on(DescribeParametersCommand)
      .resolvesOnce({ Parameters: all.slice(0, 13).map((n) => meta(n)), NextToken: 'n' })
      .resolvesOnce({ Parameters: all.slice(13).map((n) => meta(n)) });
    serveGetParameters(new Map(all.map((n) => [n, param(n)])));

    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 3, withTags: false });

    const batches = ssmMock.commandCalls(GetParametersCommand).map((c) => c.args[0].input);
    expect(batches.map((b) => b.Names!.length)).toEqual([10, 10, 5]);
    expect(batches.every((b) => b.WithDecryption === true)).toBe(true);
    expect(new Set(batches.flatMap((b) => b.Names))).toEqual(new Set(all));
    expect(result.parameters).toHaveLength(25);
    expect(result.fetchBatches).toBe(3);
  });

  it('applies the exact /env/ rule to what the server filter lets through', async () => {
    ssmMock.on(DescribeParametersCommand).resolves({
      Parameters: [meta('/jenkins/dev/a'), meta('/prod/device-id'), meta('/jenkins/develop/b'), meta('/x/dev/c')],
    });
    serveGetParameters(
      new Map([
        ['/jenkins/dev/a', param('/jenkins/dev/a')],
        ['/x/dev/c', param('/x/dev/c')],
      ]),
    );

    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false });

    expect(result.parameters.map((p) => p.Name)).toEqual(['/jenkins/dev/a', '/x/dev/c']);
    expect(ssmMock.commandCalls(GetParametersCommand)[0]!.args[0].input.Names).toEqual(['/jenkins/dev/a', '/x/dev/c']);
  });

  it('reports parameters deleted between listing and fetching as vanished, by name', async () => {
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [meta('/a/dev/kept'), meta('/a/dev/gone')] });
    serveGetParameters(new Map([['/a/dev/kept', param('/a/dev/kept')]]));

    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false });

    expect(result.parameters.map((p) => p.Name)).toEqual(['/a/dev/kept']);
    expect(result.vanished).toEqual(['/a/dev/gone']);
  });

  it('splits a batch that fails to decrypt until the culprits are named', async () => {
    const all = names('/a/dev/s', 10);
    const bad = new Set([all[3], all[8]]);
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: all.map((n) => meta(n, { Type: 'SecureString' })) });
    serveGetParameters(new Map(all.map((n) => [n, param(n)])), (batch) =>
      batch.some((n) => bad.has(n))
        ? awsError('KMSAccessDeniedException', 'The ciphertext refers to a customer master key that does not exist')
        : undefined,
    );

    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 2, withTags: false });

    expect(result.undecryptable).toEqual([
      { name: all[3], code: 'KMSAccessDeniedException' },
      { name: all[8], code: 'KMSAccessDeniedException' },
    ]);
    expect(result.parameters).toHaveLength(8);
    expect(result.parameters.map((p) => p.Name)).not.toContain(all[3]);
  });

  it('fails the collection on an error that is not about decryption', async () => {
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [meta('/a/dev/x')] });
    ssmMock
      .on(GetParametersCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform ssm:GetParameters'));
    await expect(
      collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false }),
    ).rejects.toThrow(/not authorized/);
  });

  it('fails when listing fails, instead of producing an empty backup', async () => {
    ssmMock
      .on(DescribeParametersCommand)
      .resolvesOnce({ Parameters: [meta('/a/dev/x')], NextToken: 'n' })
      .rejects(awsError('InternalServerError', 'boom', 500));
    serveGetParameters(new Map([['/a/dev/x', param('/a/dev/x')]]));
    await expect(
      collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false }),
    ).rejects.toThrow(/boom/);
  });

  it('reads tags only when asked', async () => {
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: [meta('/a/dev/x')] });
    serveGetParameters(new Map([['/a/dev/x', param('/a/dev/x')]]));
    ssmMock.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'team', Value: 'platform' }] });

    const without = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false });
    expect(without.parameters[0]!.Tags).toBeUndefined();
    expect(ssmMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);

    const withTags = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: true });
    expect(withTags.parameters[0]!.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
  });

  it('keeps at most `concurrency` fetches in flight', async () => {
    const all = names('/a/dev/c', 80);
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: all.map((n) => meta(n)) });
    let inFlight = 0;
    let peak = 0;
    ssmMock.on(GetParametersCommand).callsFake(async (input: { Names: string[] }) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { Parameters: input.Names.map((n) => param(n)) };
    });

    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 3, withTags: false });

    expect(result.parameters).toHaveLength(80);
    expect(peak).toBe(3);
  });
});

describe('Function: toBackedUp', () => {
  it('merges value and metadata, as ISO dates, without absent fields', () => {
    const date = new Date('2026-11-29T13:00:00Z');
    const out = toBackedUp(
      '/a/dev/x',
      param('/a/dev/x', 'v', { Type: 'SecureString', Version: 3, LastModifiedDate: date }),
      meta('/a/dev/x', {
        Description: 'd',
        KeyId: 'alias/aws/ssm',
        Tier: 'Advanced',
        AllowedPattern: '^v$',
        Policies: [{ PolicyText: '{"Type":"Expiration"}', PolicyType: 'Expiration', PolicyStatus: 'Pending' }],
        LastModifiedUser: 'arn:aws:iam::123456789012:user/ops',
      }),
    );
    expect(out).toEqual({
      Name: '/a/dev/x',
      Type: 'SecureString',
      Value: 'v',
      Version: 3,
      LastModifiedDate: '2026-11-29T13:00:00.000Z',
      ARN: 'arn:aws:ssm:us-west-2:123456789012:parameter/a/dev/x',
      DataType: 'text',
      Description: 'd',
      KeyId: 'alias/aws/ssm',
      Tier: 'Advanced',
      AllowedPattern: '^v$',
      Policies: [{ PolicyText: '{"Type":"Expiration"}', PolicyType: 'Expiration', PolicyStatus: 'Pending' }],
      LastModifiedUser: 'arn:aws:iam::123456789012:user/ops',
    });
    expect(Object.keys(toBackedUp('/b/dev/y', param('/b/dev/y'), undefined))).not.toContain('Description');
  });
});
