/** One operation's figures for the summary: what was sent, throttled, retried, and the rate learned. */
interface OperationCounts {
  calls: number;
  throttled: number;
  retries: number;
  /** Sends per second learned from throttling; absent when the operation was never throttled. */
  learnedRate?: number;
}

/** What a region's client made, in total and per operation: the summary's `api`. */
export interface CallCounts {
  calls: Record<string, number>;
  retries: Record<string, number>;
  total: number;
  totalRetries: number;
  throttled: number;
  /** Per operation: calls, throttled, retries and the rate learned from throttling. */
  operations: Record<string, OperationCounts>;
}

/** Counts every HTTP attempt and retry the tool makes, per operation, for the summary and the benchmark. */
export class CallStats {
  readonly attempts = new Map<string, number>();
  readonly retries = new Map<string, number>();
  readonly throttledBy = new Map<string, number>();
  throttled = 0;

  /** Where the learned rates come from (the region's pacer). */
  constructor(private readonly learnedRates: () => Record<string, number> = () => ({})) {}

  recordAttempt(operation: string): void {
    this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1);
  }

  recordRetry(operation: string, throttled: boolean): void {
    this.retries.set(operation, (this.retries.get(operation) ?? 0) + 1);
    if (throttled) {
      this.throttled++;
      this.throttledBy.set(operation, (this.throttledBy.get(operation) ?? 0) + 1);
    }
  }

  get totalAttempts(): number {
    return sum(this.attempts);
  }

  get totalRetries(): number {
    return sum(this.retries);
  }

  toJSON(): CallCounts {
    const rates = this.learnedRates();
    const operations: Record<string, OperationCounts> = {};
    for (const [operation, calls] of this.attempts) {
      const learnedRate = rates[operation];
      operations[operation] = {
        calls,
        throttled: this.throttledBy.get(operation) ?? 0,
        retries: this.retries.get(operation) ?? 0,
        ...(learnedRate !== undefined ? { learnedRate } : {}),
      };
    }
    return {
      calls: Object.fromEntries(this.attempts),
      retries: Object.fromEntries(this.retries),
      total: this.totalAttempts,
      totalRetries: this.totalRetries,
      throttled: this.throttled,
      operations,
    };
  }
}

function sum(map: Map<string, number>): number {
  let total = 0;
  for (const n of map.values()) total += n;
  return total;
}
