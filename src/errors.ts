import { count } from './count';
/**
 * Every failure the tool can end in. The class decides the exit code (README, "Exit codes");
 * the message is written for the operator and never carries a parameter value.
 */

export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  NeedsAttention: 3,
  /** 128 + the signal's number, as shells report a process ended by it. */
  Interrupted: 130,
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class SsmBackupError extends Error {
  abstract readonly exitCode: ExitCode;
  /** No `cause`: the SDK error behind a failure may echo a value in its message, so it is not carried. */
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad option, bad region name, malformed input: the user can fix it by changing the command. */
export class UsageError extends SsmBackupError {
  readonly exitCode = ExitCode.Usage;
}

/** Missing bucket key, missing credentials, environment mismatch: the setup needs fixing. */
export class ConfigurationError extends SsmBackupError {
  readonly exitCode = ExitCode.Usage;
}

/** An AWS call that still failed after retries. Wrapped once, at the edge, with a scrubbed message. */
export class AwsCallError extends SsmBackupError {
  readonly exitCode = ExitCode.Failed;
  constructor(
    readonly operation: string,
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(`${operation} failed: ${code}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${message}`);
  }
}

/**
 * An endpoint that accepts connections but has never answered a request of this run: given up on
 * within two minutes (not after the full retry budget), naming the endpoint and the timeout.
 */
export class DeadEndpointError extends SsmBackupError {
  readonly exitCode = ExitCode.Failed;
  constructor(
    readonly operation: string,
    readonly endpoint: string,
    timeoutSeconds: number,
    afterSeconds: number,
  ) {
    super(
      `${operation}: no answer from ${endpoint} within the ${timeoutSeconds} s request timeout, and no request ` +
        `of this run has ever been answered there (gave up after ${afterSeconds} s): check --endpoint-url, ` +
        'AWS_ENDPOINT_URL, the proxy and the network',
    );
  }
}

/** Some SecureStrings could not be decrypted: the backup would be incomplete. */
export class IncompleteCaptureError extends SsmBackupError {
  readonly exitCode = ExitCode.Failed;
  constructor(
    readonly region: string,
    readonly undecryptable: readonly { name: string; code: string }[],
  ) {
    super(
      `incomplete capture in ${region}: ${undecryptable.length} could not be decrypted: ` +
        `${preview(undecryptable.map((u) => `${u.name} (${u.code})`))}`,
    );
  }
}

/** A bucket holds no backup yet (no latest.txt, or no object at or before a time): nothing to read. */
export class NoBackupError extends SsmBackupError {
  readonly exitCode = ExitCode.Failed;
}

/** A reviewed restore plan no longer describes the world: the backup or a planned parameter moved. */
export class StalePlanError extends SsmBackupError {
  readonly exitCode = ExitCode.Failed;
}

/** SIGINT or SIGTERM: no new calls were started, latest.txt was left alone. */
export class InterruptedError extends SsmBackupError {
  readonly exitCode: ExitCode;
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}: no new calls were started and latest.txt was left alone`);
    this.exitCode = signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated;
  }

  /** The interruption an aborted signal carries (SIGTERM if it carries none). */
  static of(signal: AbortSignal): InterruptedError {
    return signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError('SIGTERM');
  }

  /** Stops here, before starting anything new, once the run has been interrupted. */
  static throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw InterruptedError.of(signal);
  }
}

/** The stored object does not match what was uploaded, or a stored backup is damaged. */
export class IntegrityError extends SsmBackupError {
  readonly exitCode = ExitCode.Failed;
}

/** Restore wrote some parameters but not all. */
export class RestoreFailedError extends SsmBackupError {
  readonly exitCode = ExitCode.Failed;
  constructor(readonly failures: readonly { name: string; code: string }[]) {
    super(
      `${count(failures.length, 'parameter')} could not be restored: ` +
        preview(failures.map((f) => `${f.name} (${f.code})`)),
    );
  }
}

function preview(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof SsmBackupError ? error.exitCode : ExitCode.Failed;
}
