/** Counts every HTTP attempt and retry the tool makes, per operation, for the summary and the benchmark. */
export class CallStats {
  readonly attempts = new Map<string, number>();
  readonly retries = new Map<string, number>();
  throttled = 0;

  recordAttempt(operation: string): void {
    this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1);
  }

  recordRetry(operation: string, throttled: boolean): void {
    this.retries.set(operation, (this.retries.get(operation) ?? 0) + 1);
    if (throttled) this.throttled++;
  }

  get totalAttempts(): number {
    return sum(this.attempts);
  }

  get totalRetries(): number {
    return sum(this.retries);
  }

  toJSON(): {
    calls: Record<string, number>;
    retries: Record<string, number>;
    total: number;
    totalRetries: number;
    throttled: number;
  } {
    return {
      calls: Object.fromEntries(this.attempts),
      retries: Object.fromEntries(this.retries),
      total: this.totalAttempts,
      totalRetries: this.totalRetries,
      throttled: this.throttled,
    };
  }
}

function sum(map: Map<string, number>): number {
  let total = 0;
  for (const n of map.values()) total += n;
  return total;
}
