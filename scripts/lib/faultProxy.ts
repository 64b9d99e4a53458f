import { createServer, request as httpRequest, type Server } from 'node:http';

export interface FaultProxyOptions {
  /** Where real requests go (moto). */
  target: string;
  /** Share of SSM calls answered with ThrottlingException instead of being forwarded (0..1). */
  throttleRate: number;
  /** Which calls may be throttled; default: every SSM call (X-Amz-Target AmazonSSM.*). */
  matches?: (target: string) => boolean;
  /** Seed for the deterministic coin, so a run can be repeated. */
  seed?: number;
  /**
   * AWS-like quotas: sends per second per SSM operation and region, as token buckets whose burst
   * equals the rate; a call past its quota is throttled. The runner is not told them.
   */
  quotas?: Record<string, number>;
  /**
   * AWS-like round trips: every forwarded request waits this long (ms) first, plus or minus up to
   * `jitterMs` (uniform), since moto answers in about a millisecond and hides them.
   */
  latencyMs?: number;
  jitterMs?: number;
}

/** One operation's quota in one region: a token bucket, burst = rate. */
class QuotaBucket {
  private tokens: number;
  private last = Date.now();

  constructor(private rate: number) {
    this.tokens = rate;
  }

  setRate(rate: number): void {
    this.refill();
    this.rate = rate;
    this.tokens = Math.min(this.tokens, rate);
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

export interface FaultProxy {
  endpoint: string;
  /**
   * Runs before a request is forwarded, with its X-Amz-Target (empty for S3), body, method and path: a
   * test's way to change the world mid-run, or to hold a request until something else has happened.
   */
  beforeForward?: (
    amzTarget: string,
    body: Buffer,
    request: { method: string; path: string; headers: Record<string, string | string[] | undefined> },
  ) => Promise<void>;
  /** Whether to leave this request unanswered for good (the connection stays open): a lost answer. */
  stall?: (amzTarget: string, body: Buffer) => boolean;
  /** Rewrites a JSON answer from upstream (SSM), e.g. to report a name as InvalidParameters. */
  rewrite?: (amzTarget: string, requestBody: Buffer, answer: Buffer) => Buffer;
  stats: { forwarded: number; throttled: number; stalled: number };
  /** Changes an operation's quota from now on (another application starts, say), in every region. */
  setQuota(operation: string, rate: number): void;
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG, so the same seed throttles the same calls. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A loopback proxy in front of moto that throttles a share of SSM calls the way SSM does
 * (HTTP 400, `ThrottlingException`, "Rate exceeded"), and forwards everything else untouched.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed ?? 42);
  const matches = options.matches ?? ((amzTarget: string) => amzTarget.startsWith('AmazonSSM.'));
  const stats = { forwarded: 0, throttled: 0, stalled: 0 };

  const quotas = { ...options.quotas };
  const buckets = new Map<string, QuotaBucket>();
  /** Within its quota, or none: false when the call must be throttled. */
  const admit = (amzTarget: string, authorization: string): boolean => {
    const operation = amzTarget.replace(/^AmazonSSM\./, '');
    const rate = quotas[operation];
    if (!amzTarget.startsWith('AmazonSSM.') || rate === undefined) return true;
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization)?.[1] ?? 'unknown';
    const key = `${operation} ${region}`;
    const bucket = buckets.get(key) ?? new QuotaBucket(rate);
    buckets.set(key, bucket);
    return bucket.take();
  };

  const server: Server = createServer((req, res) => {
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    const overQuota = !admit(amzTarget, String(req.headers.authorization ?? ''));
    if (overQuota || (amzTarget && matches(amzTarget) && random() < options.throttleRate)) {
      stats.throttled++;
      req.resume();
      const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': 'ThrottlingException',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    stats.forwarded++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (proxy.stall?.(amzTarget, body)) {
        stats.stalled++;
        return;
      }
      await proxy.beforeForward?.(amzTarget, body, {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
      });
      if (options.latencyMs) {
        const jitter = (options.jitterMs ?? 0) * (random() * 2 - 1);
        await new Promise((r) => setTimeout(r, Math.max(0, (options.latencyMs ?? 0) + jitter)));
      }
      const upstream = httpRequest(
        { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (upstreamRes) => {
          const rewrite = proxy.rewrite;
          if (!rewrite || !amzTarget) {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            upstreamRes.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          upstreamRes.on('data', (d: Buffer) => parts.push(d));
          upstreamRes.on('end', () => {
            const answer = rewrite(amzTarget, body, Buffer.concat(parts));
            const { 'content-length': _length, 'x-amz-crc32': _crc, ...headers } = upstreamRes.headers;
            res.writeHead(upstreamRes.statusCode ?? 502, { ...headers, 'content-length': answer.length });
            res.end(answer);
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const proxy: FaultProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    setQuota: (operation, rate) => {
      quotas[operation] = rate;
      for (const [key, bucket] of buckets) if (key.startsWith(`${operation} `)) bucket.setRate(rate);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
