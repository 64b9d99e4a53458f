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

  it('a listing of a whole number of batches sends no empty batch at its end', async () => {
    const all = names('/svc/dev/p', 20);
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: all.map((n) => meta(n)) });
    serveGetParameters(new Map(all.map((n) => [n, param(n)])));
    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 2, withTags: false });
    const batches = ssmMock.commandCalls(GetParametersCommand).map((c) => c.args[0].input.Names!.length);
    expect(batches).toEqual([10, 10]);
    expect(result.fetchBatches).toBe(2);
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

describe('Function: collectParameters, each decryption failure and the progress it reports', () => {
  it.each([
    'KMSAccessDeniedException',
    'KMSDisabledException',
    'KMSInvalidStateException',
    'KMSNotFoundException',
    'InvalidKeyId',
  ])('%s names the parameter as undecryptable; the rest are captured', async (code) => {
    const all = names('/a/dev/s', 3);
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: all.map((n) => meta(n, { Type: 'SecureString' })) });
    serveGetParameters(new Map(all.map((n) => [n, param(n)])), (batch) =>
      batch.includes(all[1]!) ? awsError(code, 'neutral') : undefined,
    );
    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false });
    expect(result.undecryptable).toEqual([{ name: all[1], code }]);
    expect(result.parameters.map((p) => p.Name)).toEqual([all[0], all[2]]);
  });

  it('AccessDenied is a decryption failure only when it names KMS', async () => {
    const all = names('/a/dev/s', 2);
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: all.map((n) => meta(n)) });
    serveGetParameters(new Map(all.map((n) => [n, param(n)])), (batch) =>
      batch.includes(all[0]!) ? awsError('AccessDeniedException', 'not authorized to perform kms:Decrypt') : undefined,
    );
    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false });
    expect(result.undecryptable).toEqual([{ name: all[0], code: 'AccessDeniedException' }]);
  });

  it('reports progress as it goes: pages, listed and fetched only grow, and the last report is complete', async () => {
    const all = names('/a/dev/p', 25);
    ssmMock
      .on(DescribeParametersCommand)
      .resolvesOnce({ Parameters: all.slice(0, 15).map((n) => meta(n)), NextToken: 't' })
      .resolvesOnce({ Parameters: all.slice(15).map((n) => meta(n)) });
    serveGetParameters(new Map(all.map((n) => [n, param(n)])));
    const reports: { listed: number; listPages: number; fetched: number; listingDone: boolean }[] = [];
    const result = await collectParameters({
      ssm: regionClients().ssm,
      env: 'dev',
      concurrency: 2,
      withTags: false,
      onProgress: (p) => reports.push(p),
    });
    expect(result).toMatchObject({ listed: 25, listPages: 2, fetchBatches: 3 });
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.listed).toBeGreaterThanOrEqual(reports[i - 1]!.listed);
      expect(reports[i]!.fetched).toBeGreaterThanOrEqual(reports[i - 1]!.fetched);
    }
    expect(reports.at(-1)).toEqual({ listed: 25, listPages: 2, fetched: 25, listingDone: true });
    expect(reports.filter((r) => r.listingDone).length).toBeGreaterThan(0);
    expect(reports[0]!.listingDone).toBe(false);
  });

  it('a stop signal ends the listing with its reason; nothing is fetched after it', async () => {
    const stop = new AbortController();
    ssmMock.on(DescribeParametersCommand).callsFake(() => {
      stop.abort(new Error('a check failed'));
      return { Parameters: [meta('/a/dev/x')], NextToken: 'more' };
    });
    serveGetParameters(new Map([['/a/dev/x', param('/a/dev/x')]]));
    await expect(
      collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false, stop: stop.signal }),
    ).rejects.toThrow('a check failed');
    expect(ssmMock.commandCalls(DescribeParametersCommand)).toHaveLength(1);
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(0);
  });

  it('vanished names are sorted', async () => {
    const all = ['/a/dev/c', '/a/dev/a', '/a/dev/b'];
    ssmMock.on(DescribeParametersCommand).resolves({ Parameters: all.map((n) => meta(n)) });
    serveGetParameters(new Map());
    const result = await collectParameters({ ssm: regionClients().ssm, env: 'dev', concurrency: 1, withTags: false });
    expect(result.vanished).toEqual(['/a/dev/a', '/a/dev/b', '/a/dev/c']);
  });

  it('the data type comes from the value, else from the listing', () => {
    expect(toBackedUp('/x', { Type: 'String', Value: 'v' }, meta('/x', { DataType: 'aws:ec2:image' })).DataType).toBe(
      'aws:ec2:image',
    );
    expect(
      toBackedUp('/x', { Type: 'String', Value: 'v', DataType: 'text' }, meta('/x', { DataType: 'aws:ec2:image' }))
        .DataType,
    ).toBe('text');
  });
});
