import { createServer } from 'node:http';
import { createRegionClients } from '../../../src/aws/clients';
import { InterruptedError } from '../../../src/errors';
import { applyPlan } from '../../../src/restore/apply';
import { planRestore } from '../../../src/restore/plan';
import type { BackedUpParameter } from '../../../src/types';
import { onLoopback } from '../support/loopback';

/**
 * applyPlan's pace, which is not its own: `--write-rps` caps the region's pacer, under the SSM client's
 * middleware. So these run on clients made as the CLI makes them (createRegionClients), against a
 * loopback server that answers every write and notes when each arrived. aws-sdk-client-mock would
 * bypass the middleware and with it the pace (and support/mocks.ts installs it when imported).
 */
function writeServer(answerWhen: (arrived: number) => Promise<void> = async () => {}) {
  const arrivals: { operation: string; at: number }[] = [];
  let inFlight = 0;
  let peak = 0;
  let onArrival = (_count: number) => {};
  const server = createServer((req, res) => {
    arrivals.push({ operation: String(req.headers['x-amz-target']).split('.')[1] ?? '', at: Date.now() });
    peak = Math.max(peak, ++inFlight);
    onArrival(arrivals.length);
    const answer = answerWhen(arrivals.length);
    req.resume();
    req.on('end', async () => {
      await answer;
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ Version: 1, Tier: 'Standard' }));
    });
  });
  return {
    arrivals,
    peak: () => peak,
    whenArrived: (handler: (count: number) => void) => {
      onArrival = handler;
    },
    server,
  };
}

const waitMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const credentials = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
const backedUp = (Name: string): BackedUpParameter => ({ Name, Type: 'String', Value: `SECRET-${Name}` });
const names = (n: number) => Array.from({ length: n }, (_, i) => `/dev/p${String(i).padStart(2, '0')}`);

async function applyOnServer(
  server: ReturnType<typeof writeServer>,
  count: number,
  settings: { maxWriteRps: number; concurrency: number; signal?: AbortSignal },
) {
  return onLoopback(server.server, async (endpointUrl) => {
    const clients = createRegionClients('us-west-2', {
      endpointUrl,
      credentials,
      maxRps: 0,
      retryPolicy: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      ...settings,
    });
    const backup = names(count).map((name) => backedUp(name));
    const plan = planRestore({
      environment: 'dev',
      source: 'x',
      from: 'k',
      backupSha256: 'h',
      backup,
      live: [],
      sourceRegion: 'us-west-2',
      targetRegion: 'us-west-2',
      accountId: '123456789012',
    });
    try {
      return await applyPlan({
        ssm: clients.ssm,
        plan,
        backup,
        live: [],
        overwrite: false,
        concurrency: settings.concurrency,
        ...(settings.signal ? { signal: settings.signal } : {}),
      });
    } finally {
      clients.ssm.destroy();
    }
  });
}

describe('Function: applyPlan, paced by the region pacer (--write-rps)', () => {
  it('sends PutParameter at the write cap, whatever the concurrency', async () => {
    const server = writeServer();
    const started = Date.now();
    const result = await applyOnServer(server, 7, { maxWriteRps: 3, concurrency: 4 });
    expect(result.created).toEqual(names(7));
    expect(server.arrivals.every((a) => a.operation === 'PutParameter')).toBe(true);
    // The seventh send's turn is six thirds of a second after the first (which goes at once); a loaded
    // machine can only make it later. Unpaced, all seven arrive within milliseconds.
    expect(Math.max(...server.arrivals.map((a) => a.at)) - started).toBeGreaterThanOrEqual(1_990);
  });

  it('--write-rps 0 does not pace writes: all of them in flight at once, up to the concurrency', async () => {
    // No answer until all eight are in (or two seconds pass, for a pace that would never send them).
    let allIn = () => {};
    const eight = new Promise<void>((resolve) => {
      allIn = resolve;
    });
    const server = writeServer((arrived) => {
      if (arrived === 8) allIn();
      return Promise.race([eight, waitMs(2_000)]);
    });
    const result = await applyOnServer(server, 8, { maxWriteRps: 0, concurrency: 8 });
    expect(result.failed).toEqual([]);
    expect(result.created).toHaveLength(8);
    expect(server.peak()).toBe(8);
  });

  it('an interruption sends none of the writes the pacer holds back: they are not sent, not failed', async () => {
    const server = writeServer(() => waitMs(50));
    const controller = new AbortController();
    // The signal comes while the second write is on the wire; its answer still comes, and counts.
    server.whenArrived((count) => {
      if (count === 2) controller.abort(new InterruptedError('SIGTERM'));
    });
    // One a second: the third turn is a second after the second, far from the signal.
    const result = await applyOnServer(server, 12, { maxWriteRps: 1, concurrency: 4, signal: controller.signal });
    expect(result.interrupted).toBe('SIGTERM');
    expect(result.created).toEqual(names(2));
    expect(result.failed).toEqual([]);
    expect(result.notSent).toEqual(names(12).slice(2));
    // Nothing held back was sent later, after applyPlan returned: the next turn was a second on.
    await waitMs(1_200);
    expect(server.arrivals).toHaveLength(2);
  });
});
