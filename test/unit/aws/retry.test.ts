import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { freePort } from '../../../scripts/lib/moto';
import { CallStats } from '../../../src/aws/callStats';
import { createRegionClients } from '../../../src/aws/clients';
import { Pacer } from '../../../src/aws/pacer';
import { replayableBody } from '../../../src/aws/replayableBody';
import { Liveness, type RetryPlugOptions, type RetryPolicy, retryPlugin } from '../../../src/aws/retry';
import { AwsCallError, ConfigurationError, DeadEndpointError, InterruptedError } from '../../../src/errors';
import { onLoopback } from '../support/loopback';

/**
 * The retry plugin on a real SDK client with its real middleware stack, against a loopback server
 * that answers with scripted statuses, so what is counted is what went over the wire.
 */
function scriptedServer(script: (n: number) => { status: number; type?: string; message?: string }) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const step = script(++requests);
      const body =
        step.status === 200
          ? JSON.stringify({ Parameter: { Name: '/a/dev/x', Type: 'String', Value: 'v', Version: 1 } })
          : JSON.stringify({ __type: step.type, message: step.message ?? step.type });
      res.writeHead(step.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(body);
    });
  });
  return { server, requests: () => requests };
}

const fastPolicy = { retries: 4, baseDelayMs: 1, maxDelayMs: 5 };
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

/** An SSM client with the retry middleware and no network: `handle` answers (or fails) every attempt. */
function injectedClient(handle: () => Promise<unknown>, options: Partial<RetryPlugOptions> & { policy: RetryPolicy }) {
  const ssm = new SSMClient({
    region: 'us-west-2',
    endpoint: 'http://127.0.0.1:9',
    credentials,
    maxAttempts: 1,
    requestHandler: { handle: handle as () => Promise<never> },
  });
  ssm.middlewareStack.use(retryPlugin({ pacer: new Pacer({ maxInFlight: 1 }), stats: new CallStats(), ...options }));
  return ssm;
}

async function withServer(
  script: Parameters<typeof scriptedServer>[0],
  run: (endpoint: string, requests: () => number) => Promise<void>,
) {
  const { server, requests } = scriptedServer(script);
  await onLoopback(server, (endpoint) => run(endpoint, requests));
}

function clients(endpoint: string, onRetry = jest.fn()) {
  const c = createRegionClients('us-west-2', {
    endpointUrl: endpoint,
    concurrency: 2,
    maxRps: 0,
    retryPolicy: fastPolicy,
    onRetry,
  });
  // createRegionClients leaves credentials to the default chain; give the test its own.
  c.ssm.config.credentials = async () => credentials;
  return c;
}

describe('Middleware: retryPlugin', () => {
  it('retries throttling until it succeeds, counting every attempt once', async () => {
    await withServer(
      (n) => (n <= 3 ? { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' } : { status: 200 }),
      async (endpoint, requests) => {
        const onRetry = jest.fn();
        const c = clients(endpoint, onRetry);
        const out = await c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }));
        expect(out.Parameter?.Name).toBe('/a/dev/x');
        expect(requests()).toBe(4);
        expect(c.stats.toJSON()).toMatchObject({
          calls: { GetParameter: 4 },
          retries: { GetParameter: 3 },
          throttled: 3,
        });
        expect(onRetry).toHaveBeenCalledTimes(3);
        expect(onRetry.mock.calls[0][0]).toMatchObject({
          operation: 'GetParameter',
          throttled: true,
          code: 'ThrottlingException',
        });
      },
    );
  });

  it('retries a throttled PutParameter the same way (restore writes)', async () => {
    await withServer(
      (n) => (n <= 2 ? { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' } : { status: 200 }),
      async (endpoint, requests) => {
        const c = clients(endpoint);
        await c.ssm.send(new PutParameterCommand({ Name: '/a/dev/x', Value: 'v', Type: 'String' }));
        expect(requests()).toBe(3);
        expect(c.stats.toJSON()).toMatchObject({ calls: { PutParameter: 3 }, retries: { PutParameter: 2 } });
      },
    );
  });

  it("retries 5xx and gives up after the policy's retries with a named error", async () => {
    await withServer(
      () => ({ status: 503, type: 'ServiceUnavailable', message: 'try later' }),
      async (endpoint, requests) => {
        const c = clients(endpoint);
        const attempt = c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }));
        await expect(attempt).rejects.toBeInstanceOf(AwsCallError);
        await expect(attempt).rejects.toThrow(/GetParameter failed: ServiceUnavailable \(HTTP 503\)/);
        // One SDK attempt per p-retry attempt: 1 + 4 retries, never 3 x 5.
        expect(requests()).toBe(5);
      },
    );
  });

  it('does not retry a client error', async () => {
    await withServer(
      () => ({ status: 400, type: 'ParameterNotFound', message: 'not found' }),
      async (endpoint, requests) => {
        const c = clients(endpoint);
        await expect(c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }))).rejects.toMatchObject({
          code: 'ParameterNotFound',
        });
        expect(requests()).toBe(1);
      },
    );
  });

  it('scrubs values the service echoes back out of the error message', async () => {
    await withServer(
      () => ({
        status: 400,
        type: 'ValidationException',
        message: "1 validation error detected: Value 'hunter2-secret' at 'value' failed to satisfy constraint",
      }),
      async (endpoint) => {
        const c = clients(endpoint);
        const error = (await c.ssm
          .send(new GetParameterCommand({ Name: '/a/dev/x' }))
          .catch((e: unknown) => e)) as Error;
        expect(error.message).toMatch(/ValidationException/);
        expect(error.message).not.toContain('hunter2-secret');
        expect(JSON.stringify(error)).not.toContain('hunter2-secret');
        expect((error as Error & { cause?: unknown }).cause).toBeUndefined();
      },
    );
  });

  it('turns missing credentials into a configuration error', async () => {
    await withServer(
      () => ({ status: 200 }),
      async (endpoint, requests) => {
        const c = createRegionClients('us-west-2', {
          endpointUrl: endpoint,
          concurrency: 1,
          maxRps: 0,
          retryPolicy: fastPolicy,
        });
        c.ssm.config.credentials = async () => {
          throw Object.assign(new Error('Could not load credentials from any providers'), {
            name: 'CredentialsProviderError',
          });
        };
        await expect(c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }))).rejects.toBeInstanceOf(
          ConfigurationError,
        );
        expect(requests()).toBe(0);
      },
    );
  });
});

describe('Deadlines: no call can hang', () => {
  it('gives up on an answer that never comes, retrying it like any transient error', async () => {
    // Accepts the connection, reads the request, never answers.
    const sockets = new Set<Socket>();
    let connections = 0;
    const server = createTcpServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('data', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const onRetry = jest.fn();
      const c = createRegionClients('us-west-2', {
        endpointUrl: endpoint,
        concurrency: 1,
        maxRps: 0,
        requestTimeoutSeconds: 0.5,
        retryPolicy: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
        onRetry,
      });
      c.ssm.config.credentials = async () => credentials;
      const started = Date.now();
      const error = (await c.ssm
        .send(new GetParameterCommand({ Name: '/a/dev/x' }))
        .catch((e: unknown) => e)) as AwsCallError;
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error.message).toMatch(/^GetParameter failed: (TimeoutError|ETIMEDOUT)/);
      expect(c.stats.toJSON()).toMatchObject({ calls: { GetParameter: 3 }, retries: { GetParameter: 2 } });
      expect(connections).toBe(3);
      // Three attempts of about half a second each: bounded, not forever.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('fails fast, naming the endpoint, when nothing listens there', async () => {
    const port = await freePort();
    const onRetry = jest.fn();
    // The default policy (10 retries, up to 20 s apart) would take minutes; a refused connection must not.
    const c = createRegionClients('us-west-2', {
      endpointUrl: `http://127.0.0.1:${port}`,
      concurrency: 1,
      maxRps: 0,
      onRetry,
    });
    c.ssm.config.credentials = async () => credentials;
    const started = Date.now();
    const error = (await c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' })).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      `GetParameter failed: ECONNREFUSED: cannot connect to 127.0.0.1:${port}: check --endpoint-url, AWS_ENDPOINT_URL and the network`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(c.stats.toJSON()).toMatchObject({ calls: { GetParameter: 3 } });
    expect(onRetry.mock.calls[0][0]).toMatchObject({ attempt: 1, maxAttempts: 3, code: 'ECONNREFUSED' });
  });

  it('starts no attempt after an interruption, and ends a backoff wait at once', async () => {
    await withServer(
      () => ({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }),
      async (endpoint, requests) => {
        const controller = new AbortController();
        const c = createRegionClients('us-west-2', {
          endpointUrl: endpoint,
          concurrency: 1,
          maxRps: 0,
          signal: controller.signal,
          // Long waits: only the interruption can end this call quickly.
          retryPolicy: { retries: 10, baseDelayMs: 60_000, maxDelayMs: 60_000 },
          onRetry: () => setTimeout(() => controller.abort(new InterruptedError('SIGINT')), 50),
        });
        c.ssm.config.credentials = async () => credentials;
        const started = Date.now();
        await expect(c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }))).rejects.toBeInstanceOf(
          InterruptedError,
        );
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(requests()).toBe(1);
        await expect(c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }))).rejects.toBeInstanceOf(
          InterruptedError,
        );
        expect(requests()).toBe(1);
      },
    );
  });
});

describe('Dead endpoints: an endpoint that never answered is given up on quickly', () => {
  /** Accepts connections; answers the first `answered` requests, then never answers again. */
  async function halfDeadServer(answered: number, run: (endpoint: string, requests: () => number) => Promise<void>) {
    let requests = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (++requests > answered) return;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ Parameter: { Name: '/a/dev/x', Type: 'String', Value: 'v' } }));
      });
    });
    await onLoopback(server, (endpoint) => run(endpoint, () => requests));
  }

  const settings = (endpoint: string) => ({
    endpointUrl: endpoint,
    concurrency: 1,
    maxRps: 0,
    requestTimeoutSeconds: 0.5,
    // A budget of 1.25 s with 0.5 s timeouts: a third unanswered attempt would end past it. (Short, so
    // that the mutation run, which repeats these tests for every mutant of retry.ts, stays quick.)
    deadEndpointMs: 1_250,
    retryPolicy: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 },
  });

  it('never answered: stops once another attempt would end past the budget, naming the endpoint and timeout', async () => {
    await halfDeadServer(0, async (endpoint, requests) => {
      const c = createRegionClients('us-west-2', settings(endpoint));
      c.ssm.config.credentials = async () => credentials;
      const error = await c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeadEndpointError);
      expect((error as Error).message).toContain(`no answer from ${endpoint}/ within the 0.5 s request timeout`);
      expect((error as Error).message).toMatch(/no request of this run has ever been answered there/);
      // Not the policy's 4 attempts.
      expect(requests()).toBe(2);
    });
  });

  it('answered before (a stall mid-run): keeps the full retry budget', async () => {
    await halfDeadServer(1, async (endpoint, requests) => {
      const c = createRegionClients('us-west-2', { ...settings(endpoint), liveness: new Liveness() });
      c.ssm.config.credentials = async () => credentials;
      await c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }));
      const error = await c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).not.toBeInstanceOf(DeadEndpointError);
      expect(requests()).toBe(1 + 4);
    });
  });

  it("an answer in another region's clients of the same run counts (one Liveness per run)", async () => {
    await halfDeadServer(1, async (endpoint, requests) => {
      const liveness = new Liveness();
      const first = createRegionClients('us-west-2', { ...settings(endpoint), liveness });
      const second = createRegionClients('us-east-1', { ...settings(endpoint), liveness });
      for (const c of [first, second]) c.ssm.config.credentials = async () => credentials;
      await first.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }));
      await expect(second.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }))).rejects.not.toBeInstanceOf(
        DeadEndpointError,
      );
      expect(requests()).toBe(1 + 4);
    });
  });
});

describe('Dead endpoints: the two-minute budget, on an injected clock', () => {
  /** Every attempt times out after 30 s of the fake clock; returns how many were sent and the error. */
  async function deadRun(liveness = new Liveness()) {
    // The run started five minutes ago: the budget counts from the first attempt, not the epoch.
    let clock = 300_000;
    let attempts = 0;
    const ssm = injectedClient(
      async () => {
        attempts++;
        clock += 30_000;
        throw Object.assign(new Error('no answer'), { name: 'TimeoutError' });
      },
      {
        policy: { retries: 10, baseDelayMs: 1, maxDelayMs: 1 },
        sleep: async () => {},
        now: () => clock,
        liveness,
        requestTimeoutMs: 30_000,
      },
    );
    const error = await ssm.send(new GetParameterCommand({ Name: '/a/dev/x' })).catch((e: unknown) => e);
    return { attempts, error: error as Error, seconds: (clock - 300_000) / 1000 };
  }

  it('with 30 s timeouts, gives up after the third attempt (90 s): a fourth would end at 120 s', async () => {
    const { attempts, error, seconds } = await deadRun();
    expect(error).toBeInstanceOf(DeadEndpointError);
    expect(attempts).toBe(3);
    expect(seconds).toBe(90);
    expect(error.message).toMatch(/within the 30 s request timeout.*gave up after 90 s/);
  });

  it('an answer that was an error is an answer: the timeouts after it get the whole retry budget', async () => {
    const liveness = new Liveness();
    const refused = injectedClient(
      async () => {
        throw Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      },
      { policy: { retries: 3, baseDelayMs: 1, maxDelayMs: 1 }, liveness },
    );
    await expect(refused.send(new GetParameterCommand({ Name: '/a/dev/x' }))).rejects.toThrow(/ValidationException/);
    expect(liveness.answered).toBe(true);
    const { attempts, error } = await deadRun(liveness);
    expect(error).not.toBeInstanceOf(DeadEndpointError);
    expect(attempts).toBe(11);
  });

  it('once the service has answered, the same timeouts get the whole retry budget', async () => {
    const answered = new Liveness();
    answered.answered = true;
    const { attempts, error } = await deadRun(answered);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(attempts).toBe(11);
  });
});

describe('Interrupted in flight', () => {
  /** Answers every request after `ms`, so a signal can come while one is on the wire. */
  async function slowServer(ms: number, run: (endpoint: string) => Promise<void>) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ Version: 7, Parameter: { Name: '/a/dev/x', Type: 'String', Value: 'v' } }));
        }, ms),
      );
    });
    await onLoopback(server, run);
  }

  function interruptible(endpoint: string, signal: AbortSignal) {
    const c = createRegionClients('us-west-2', { endpointUrl: endpoint, concurrency: 2, maxRps: 0, signal });
    c.ssm.config.credentials = async () => credentials;
    return c;
  }

  it('a write already sent is waited for and returns its real answer (restore counts it)', async () => {
    await slowServer(300, async (endpoint) => {
      const controller = new AbortController();
      const c = interruptible(endpoint, controller.signal);
      const write = c.ssm.send(new PutParameterCommand({ Name: '/a/dev/x', Value: 'v', Type: 'String' }));
      setTimeout(() => controller.abort(new InterruptedError('SIGTERM')), 50);
      await expect(write).resolves.toMatchObject({ Version: 7 });
    });
  });

  it('a read in flight is abandoned at once with the interruption', async () => {
    await slowServer(2_000, async (endpoint) => {
      const controller = new AbortController();
      const c = interruptible(endpoint, controller.signal);
      const read = c.ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }));
      setTimeout(() => controller.abort(new InterruptedError('SIGTERM')), 50);
      await expect(read).rejects.toBeInstanceOf(InterruptedError);
    });
  });
});

describe('Function: replayableBody', () => {
  it('sends the whole streamed body again on a retried upload', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        received.push(Buffer.concat(parts).toString());
        res.writeHead(received.length === 1 ? 503 : 200, { 'content-type': 'application/xml' });
        res.end(
          received.length === 1
            ? '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
            : '',
        );
      });
    });
    await onLoopback(server, async (endpoint) => {
      const c = createRegionClients('us-west-2', {
        endpointUrl: endpoint,
        concurrency: 1,
        maxRps: 0,
        retryPolicy: fastPolicy,
      });
      c.s3.config.credentials = async () => credentials;
      const chunks = [Buffer.from('{"a":'), Buffer.from('1}')];
      await c.s3.send(
        new PutObjectCommand({
          Bucket: 'b',
          Key: 'k',
          Body: replayableBody(chunks),
          ContentLength: 7,
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: createHash('sha256').update('{"a":1}').digest('base64'),
        }),
      );
      expect(received).toEqual(['{"a":1}', '{"a":1}']);
      expect(c.stats.toJSON()).toMatchObject({ calls: { PutObject: 2 }, retries: { PutObject: 1 }, throttled: 1 });
    });
  });
});

describe('Back-off: full jitter under a doubling ceiling, on an injected sleep', () => {
  /** A client whose every attempt fails with `failure()` until `failures` have failed; returns the waits. */
  async function waits(
    failure: () => Error,
    failures: number,
    random: () => number,
    interrupt?: AbortController,
    kind: 'read' | 'write' = 'read',
  ) {
    let attempts = 0;
    const slept: number[] = [];
    const ssm = injectedClient(
      async () => {
        if (++attempts <= failures) throw failure();
        throw Object.assign(new Error('stop'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      },
      {
        policy: { retries: 6, baseDelayMs: 100, maxDelayMs: 1_000 },
        sleep: async (ms) => {
          slept.push(ms);
          interrupt?.abort(new InterruptedError('SIGTERM'));
        },
        random,
        ...(interrupt ? { signal: interrupt.signal } : {}),
      },
    );
    const command =
      kind === 'read'
        ? new GetParameterCommand({ Name: '/a/dev/x' })
        : new PutParameterCommand({ Name: '/a/dev/x', Value: 'v', Type: 'String' });
    const error = await ssm.send(command as GetParameterCommand).catch((e: unknown) => e);
    return { slept, attempts, error };
  }
  // Not throttling: that would also slow the pacer, with real waits.
  const failed = () =>
    Object.assign(new Error('failure'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });

  it('waits up to base * 2^attempt, never more than the maximum', async () => {
    expect((await waits(failed, 6, () => 1)).slept).toEqual([200, 400, 800, 1_000, 1_000, 1_000]);
    expect((await waits(failed, 3, () => 0.5)).slept).toEqual([100, 200, 400]);
    expect((await waits(failed, 3, () => 0)).slept).toEqual([0, 0, 0]);
  });

  it('retries an HTTP 500 and a 503 without a known name, as transient', async () => {
    for (const status of [500, 503]) {
      const failure = () =>
        Object.assign(new Error('boom'), { name: 'UnknownError', $metadata: { httpStatusCode: status } });
      const { attempts, error } = await waits(failure, 2, () => 0);
      expect(attempts).toBe(3);
      expect((error as Error).message).toMatch(/ValidationException/);
    }
  });

  it('a refused connection gets its own short policy: two retries, 500 then 1000 ms at most', async () => {
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const { slept, attempts, error } = await waits(refused, 10, () => 1);
    expect(slept).toEqual([500, 1_000]);
    expect(attempts).toBe(3);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('an interruption during the wait ends a read with it: no attempt after the wait', async () => {
    const { attempts, error } = await waits(failed, 6, () => 1, new AbortController());
    expect(attempts).toBe(1);
    expect(error).toBeInstanceOf(InterruptedError);
  });

  it('an interrupted write that had no answer (a timeout) ends with the interruption', async () => {
    const timedOut = () => Object.assign(new Error('no answer'), { name: 'TimeoutError' });
    const { attempts, error } = await waits(timedOut, 6, () => 1, new AbortController(), 'write');
    expect(attempts).toBe(1);
    expect(error).toBeInstanceOf(InterruptedError);
  });

  it('a throttle slows its operation in the pacer; another transient failure does not', async () => {
    const throttledOnce = () =>
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    for (const [failure, learned] of [
      [throttledOnce, { GetParameter: 2 }],
      [failed, {}],
    ] as const) {
      const pacer = new Pacer({ maxInFlight: 1 });
      let attempts = 0;
      const ssm = injectedClient(
        async () => {
          if (++attempts === 1) throw failure();
          throw Object.assign(new Error('stop'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
        },
        { policy: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {}, pacer },
      );
      await ssm.send(new GetParameterCommand({ Name: '/a/dev/x' })).catch(() => {});
      expect(attempts).toBe(2);
      expect(pacer.learnedRates()).toEqual(learned);
    }
  });

  it('an interrupted write reports the answer its last attempt had, not the interruption', async () => {
    const { attempts, error } = await waits(failed, 6, () => 1, new AbortController(), 'write');
    expect(attempts).toBe(1);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toMatch(/^PutParameter failed: InternalFailure/);
  });

  it('an interruption while the pacer held the attempt back: the attempt is never sent', async () => {
    const controller = new AbortController();
    let sent = 0;
    const pacer = new Pacer({ maxInFlight: 1 });
    // The signal comes as the pacer lets the attempt go.
    const run = pacer.run.bind(pacer);
    pacer.run = (operation, attempt, signal) =>
      run(
        operation,
        () => {
          controller.abort(new InterruptedError('SIGINT'));
          return attempt();
        },
        signal,
      );
    const ssm = injectedClient(async () => ++sent, { policy: fastPolicy, pacer, signal: controller.signal });
    await expect(ssm.send(new GetParameterCommand({ Name: '/a/dev/x' }))).rejects.toBeInstanceOf(InterruptedError);
    expect(sent).toBe(0);
  });
});
