import type {
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  MetadataBearer,
  Pluggable,
} from '@smithy/types';
import pRetry from 'p-retry';
import { DeadEndpointError, InterruptedError } from '../errors';
import type { CallStats } from './callStats';
import { errorCodeOf, httpStatusOf, isConnectFailure, isThrottling, isTransient, toToolError } from './errorKinds';
import { isWriteOperation, operationOf, type Pacer } from './pacer';
import { withFreshBody } from './replayableBody';
import { abortableSleep } from './sleep';

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

/**
 * Nothing listening, or a name that does not resolve: a few quick attempts (a blip while a proxy
 * restarts), then give up, well under 5 s in all, instead of a minute of backoff.
 */
const CONNECT_FAILURE_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 1_000 };

/**
 * Whether any request of the run has had an answer (any HTTP status). Until one has, an endpoint whose
 * requests all time out is taken for dead and given up on within `DEAD_ENDPOINT_MS`, not after the full
 * retry budget (10 retries of up to the request timeout each): a service that has answered before and
 * then stalls or throttles keeps that budget. One per run, shared by every region's clients.
 */
export class Liveness {
  answered = false;
  /** When the run's first attempt was sent (ms). */
  firstSentAt?: number;
}

/** How long a run waits on an endpoint that has never answered before it gives up. */
const DEAD_ENDPOINT_MS = 120_000;

export interface RetryEvent {
  operation: string;
  /** The attempt that failed (1 is the first) and the most there will be. */
  attempt: number;
  maxAttempts: number;
  throttled: boolean;
  code: string;
  delayMs: number;
}

export interface RetryPlugOptions {
  policy: RetryPolicy;
  pacer: Pacer;
  stats: CallStats;
  onRetry?: (event: RetryEvent) => void;
  /** Aborted on SIGINT/SIGTERM: no attempt starts after it, and waits end at once. */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Shared by the run's clients; see Liveness. */
  liveness?: Liveness;
  /** The clients' deadline for an answer (`--request-timeout`), for the dead-endpoint budget. */
  requestTimeoutMs?: number;
  /** Give up on an endpoint that never answered when another attempt would end past this; DEAD_ENDPOINT_MS. */
  deadEndpointMs?: number;
  now?: () => number;
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
 * region's pacer (its operation's learned rate and cap, the in-flight limit) and is counted.
 *
 * Every attempt also has a deadline (the clients' connection, request and socket timeouts), so an
 * answer that never comes fails the attempt and is retried like any transient error.
 */
export function retryPlugin(options: RetryPlugOptions): Pluggable<object, MetadataBearer> {
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const { policy, pacer, stats, signal } = options;
  const liveness = options.liveness ?? new Liveness();
  const now = options.now ?? Date.now;
  const deadEndpointMs = options.deadEndpointMs ?? DEAD_ENDPOINT_MS;
  /** Another unanswered attempt on an endpoint that never answered would end past the budget. */
  const givenUp = (error: unknown): boolean =>
    !liveness.answered &&
    httpStatusOf(error) === undefined &&
    !isConnectFailure(error) &&
    now() - (liveness.firstSentAt ?? now()) + (options.requestTimeoutMs ?? 0) >= deadEndpointMs;

  const middleware =
    (next: InitializeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
    async (args: InitializeHandlerArguments<object>) => {
      const operation = operationOf(context.commandName);
      // A write once sent is waited for: its real answer says whether the parameter changed. A read
      // in flight is abandoned at an interruption (its answer changes nothing).
      const write = isWriteOperation(operation);
      let connectFailures = 0;
      return pRetry(
        async () => {
          InterruptedError.throwIfAborted(signal);
          stats.recordAttempt(operation);
          liveness.firstSentAt ??= now();
          const output = await pacer.run(
            operation,
            () => {
              // The pacer may have held the attempt back; a signal in the meantime cancels it.
              InterruptedError.throwIfAborted(signal);
              const sent = next(withFreshBody(args));
              return write ? sent : untilInterrupted(sent, signal);
            },
            signal,
          );
          pacer.onSuccess(operation);
          liveness.answered = true;
          return output;
        },
        {
          retries: policy.retries,
          // p-retry's own delay is off: the full-jitter wait happens in shouldRetry, the one hook
          // that runs only when another attempt will really be made.
          minTimeout: 0,
          shouldRetry: async ({ error, attemptNumber }) => {
            if (httpStatusOf(error) !== undefined) liveness.answered = true;
            if (!isTransient(error) || signal?.aborted || givenUp(error)) return false;
            const connectFailure = isConnectFailure(error);
            if (connectFailure && ++connectFailures > CONNECT_FAILURE_POLICY.retries) return false;
            const throttled = isThrottling(error);
            if (throttled) pacer.onThrottled(operation);
            stats.recordRetry(operation, throttled);
            const { baseDelayMs, maxDelayMs, retries } = connectFailure ? CONNECT_FAILURE_POLICY : policy;
            const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attemptNumber);
            const delayMs = Math.round(random() * ceiling);
            const maxAttempts = (connectFailure ? Math.min(retries, policy.retries) : policy.retries) + 1;
            options.onRetry?.({
              operation,
              attempt: attemptNumber,
              maxAttempts,
              throttled,
              code: errorCodeOf(error),
              delayMs,
            });
            await sleep(delayMs, signal);
            return !signal?.aborted;
          },
        },
      ).catch((error: unknown) => {
        // A write's answer is reported as it is, even after an interruption: it is what happened.
        const answered = write && httpStatusOf(error) !== undefined;
        if (signal?.aborted && !answered) throw InterruptedError.of(signal);
        if (isTransient(error) && givenUp(error)) {
          const seconds = Math.round((now() - (liveness.firstSentAt ?? now())) / 1000);
          throw new DeadEndpointError(
            operation,
            context.endpointV2?.url?.href ?? 'the endpoint',
            (options.requestTimeoutMs ?? 0) / 1000,
            seconds,
          );
        }
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

/** The attempt, or the interruption if it comes first (the request is left to die with the process). */
function untilInterrupted<T>(attempt: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return attempt;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(InterruptedError.of(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    attempt.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
