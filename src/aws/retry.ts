import pRetry from 'p-retry';
import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, MetadataBearer, Pluggable } from '@smithy/types';
import type { CallStats } from './callStats';
import { isThrottling, isTransient, toToolError } from './errorKinds';
import type { Pacer } from './pacer';
import { withFreshBody } from './replayableBody';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Backoff base and cap in milliseconds: the n-th retry waits random(0, min(cap, base * 2^n)) (full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Generous on purpose: a nightly job under sustained throttling should finish slowly rather than fail.
 * With full jitter the expected total wait before giving up is about half the sum of the caps (~60 s).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 10, baseDelayMs: 100, maxDelayMs: 20_000 };

export interface RetryEvent {
  operation: string;
  attempt: number;
  throttled: boolean;
  code: string;
  delayMs: number;
}

export interface RetryPlugOptions {
  policy: RetryPolicy;
  pacer: Pacer;
  stats: CallStats;
  onRetry?: (event: RetryEvent) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * The one retry mechanism of the tool, installed on every SDK client as middleware.
 *
 * How it combines with the SDK's own retries: the clients are built with `maxAttempts: 1`, so the
 * SDK's retry middleware stays in the stack but makes exactly one attempt; this middleware sits at
 * the very start of the stack (initialize step) and does all retrying with p-retry, each attempt
 * serialized, signed and sent afresh. Attempts therefore never multiply (no SDK
 * retries inside p-retry retries), and the SDK's retry-token quota, which drains under long
 * throttling and then refuses to retry at all, never applies. Every attempt goes through the
 * region's pacer (rate cap, adaptive in-flight limit) and is counted.
 */
export function retryPlugin(options: RetryPlugOptions): Pluggable<object, MetadataBearer> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const { policy, pacer, stats } = options;

  const middleware =
    (next: InitializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
    async (args: InitializeHandlerArguments<object>) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      return pRetry(
        async () => {
          stats.recordAttempt(operation);
          const output = await pacer.run(() => next(withFreshBody(args)));
          pacer.onSuccess();
          return output;
        },
        {
          retries: policy.retries,
          // p-retry's own delay is off: the full-jitter wait happens in shouldRetry, the one hook
          // that runs only when another attempt will really be made.
          minTimeout: 0,
          shouldRetry: async ({ error, attemptNumber }) => {
            if (!isTransient(error)) return false;
            const throttled = isThrottling(error);
            if (throttled) pacer.onThrottled();
            stats.recordRetry(operation, throttled);
            const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attemptNumber);
            const delayMs = Math.round(random() * ceiling);
            options.onRetry?.({ operation, attempt: attemptNumber, throttled, code: (error as Error).name, delayMs });
            await sleep(delayMs);
            return true;
          },
        },
      ).catch((error: unknown) => {
        throw toToolError(operation, error);
      });
    };

  return {
    applyToStack(stack) {
      // Credential resolution and signing happen later in the stack, so their failures pass
      // through here too and are wrapped like any other.
      stack.add(middleware, { step: 'initialize', priority: 'high', name: 'ssmBackupRetryMiddleware', override: true });
    },
  };
}
