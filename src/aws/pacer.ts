import PQueue from 'p-queue';
import { AdaptiveRate } from './adaptiveRate';

export interface PacerOptions {
  /** Most requests in flight at once, all operations together. */
  maxInFlight: number;
  /** Cap on each read operation's sends per second (`--max-rps`); 0 or undefined for no cap. */
  maxRps?: number;
  /** Cap on each write operation's sends per second (restore's `--write-rps`); 0 or undefined for no cap. */
  maxWriteRps?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A deadline the pacer keeps to: successes per second an operation needs to finish its work in time. */
export interface Deadline {
  needed(operation: string): number;
}

/**
 * The name an operation goes by in the pacer, the statistics and a deadline: the SDK command's name
 * without `Command` (`GetParametersCommand` is GetParameters), as the middleware sees it in its context.
 */
export function operationOf(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

/**
 * Writes have their own quotas on AWS (PutParameter's is about 3 a second), far below the reads', so
 * they have their own cap (`maxWriteRps`, restore's `--write-rps`) instead of the read cap (`--max-rps`);
 * like reads, they learn their rate from throttling.
 */
const WRITE_OPERATIONS = new Set(['PutParameter', 'AddTagsToResource', 'RemoveTagsFromResource']);

/** The SSM operations that change parameters: capped on their own, and never abandoned once sent. */
export const isWriteOperation = (operation: string): boolean => WRITE_OPERATIONS.has(operation);

/**
 * Paces one region's requests. AWS quotas are per API (GetParameters shares its quota with every
 * application of the account; DescribeParameters has its own, lower one), so each operation has its
 * own rate, learned from its own throttles (adaptiveRate.ts): a throttled listing does not slow the
 * fetches. A send waits for its operation's turn first, and only then for a place among the calls in
 * flight, so a slowed operation never holds places that another could use.
 */
export class Pacer {
  private readonly inFlight: PQueue;
  private readonly rates = new Map<string, AdaptiveRate>();
  private deadline?: Deadline;

  constructor(private readonly options: PacerOptions) {
    this.inFlight = new PQueue({ concurrency: Math.max(1, options.maxInFlight) });
  }

  async run<T>(operation: string, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.rateOf(operation).acquire(signal);
    return this.inFlight.add(attempt);
  }

  /** From now on each operation's rate stays at what the deadline says it needs to finish in time. */
  finishBy(deadline: Deadline): void {
    this.deadline = deadline;
  }

  onThrottled(operation: string): void {
    this.rateOf(operation).onThrottled();
  }

  onSuccess(operation: string): void {
    this.rateOf(operation).onSuccess();
  }

  /** The rate each operation has learned (sends per second), for the summary; none until throttled. */
  learnedRates(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [operation, rate] of this.rates) {
      const learned = rate.learnedRate;
      if (learned !== undefined) out[operation] = learned;
    }
    return out;
  }

  private rateOf(operation: string): AdaptiveRate {
    let rate = this.rates.get(operation);
    if (!rate) {
      const cap = (isWriteOperation(operation) ? this.options.maxWriteRps : this.options.maxRps) ?? 0;
      rate = new AdaptiveRate({
        cap,
        needed: () => this.deadline?.needed(operation) ?? 0,
        now: this.options.now,
        sleep: this.options.sleep,
      });
      this.rates.set(operation, rate);
    }
    return rate;
  }
}
