import PQueue from 'p-queue';

export interface PacerOptions {
  /** Most requests in flight at once. */
  maxInFlight: number;
  /** Cap on requests started per second; 0 or undefined for no cap. */
  maxRps?: number;
  now?: () => number;
}

/** Throttles that arrive together answer one burst: the limit is cut at most once per window. */
const DECREASE_WINDOW_MS = 1_000;

/**
 * Writes have their own quota on AWS and their own pace (restore's `--write-rps`), so the read cap
 * (`--max-rps`) must not hold them back: they pass the pacer untouched.
 */
const WRITE_OPERATIONS = new Set(['PutParameter', 'AddTagsToResource', 'RemoveTagsFromResource']);

/**
 * Paces one region's requests: a hard cap on the start rate (so applications reading SSM at the same
 * time keep their share of the account quota), and an in-flight limit that halves on throttling and
 * creeps back up on success (additive increase, multiplicative decrease).
 */
export class Pacer {
  private readonly queue: PQueue;
  private readonly maxInFlight: number;
  private successesSinceChange = 0;
  private lastDecreaseAt = -Infinity;
  private readonly now: () => number;

  constructor(options: PacerOptions) {
    this.maxInFlight = Math.max(1, options.maxInFlight);
    this.now = options.now ?? Date.now;
    this.queue = new PQueue({
      concurrency: this.maxInFlight,
      ...(options.maxRps ? { intervalCap: options.maxRps, interval: 1000, strict: true } : {}),
    });
  }

  get inFlightLimit(): number {
    return this.queue.concurrency;
  }

  run<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    return WRITE_OPERATIONS.has(operation) ? attempt() : this.queue.add(attempt);
  }

  onThrottled(operation?: string): void {
    if (operation && WRITE_OPERATIONS.has(operation)) return;
    this.successesSinceChange = 0;
    const now = this.now();
    if (now - this.lastDecreaseAt < DECREASE_WINDOW_MS) return;
    this.lastDecreaseAt = now;
    this.queue.concurrency = Math.max(1, Math.floor(this.queue.concurrency / 2));
  }

  onSuccess(operation?: string): void {
    if (operation && WRITE_OPERATIONS.has(operation)) return;
    if (this.queue.concurrency >= this.maxInFlight) return;
    if (++this.successesSinceChange >= 5) {
      this.queue.concurrency += 1;
      this.successesSinceChange = 0;
    }
  }
}
