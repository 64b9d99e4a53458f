import { AwsCallError, ConfigurationError, SsmBackupError } from '../errors';
import { scrubServiceMessage } from './redact';

/** Which AWS failures are worth another attempt. One list, used by every call the tool makes. */

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'TooManyUpdates',
]);

const TRANSIENT_NAMES = new Set([
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

export function httpStatusOf(error: unknown): number | undefined {
  const e = error as AwsLikeError;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

export function isThrottling(error: unknown): boolean {
  const e = error as AwsLikeError;
  if (!e) return false;
  return (
    THROTTLING_NAMES.has(e.name ?? '') ||
    httpStatusOf(e) === 429 ||
    /rate exceeded|throttl/i.test(e.message ?? '')
  );
}

export function isTransient(error: unknown): boolean {
  const e = error as AwsLikeError;
  if (!e) return false;
  if (isThrottling(e)) return true;
  const status = httpStatusOf(e);
  if (status !== undefined && status >= 500) return true;
  if (TRANSIENT_NAMES.has(e.name ?? '')) return true;
  if (NETWORK_CODES.has(e.code ?? '') || NETWORK_CODES.has(e.name ?? '')) return true;
  return /socket hang up|ECONNRESET|EPIPE|network/i.test(e.message ?? '');
}

/** The error's code for reports: the service's error name, never its message. */
export function errorCodeOf(error: unknown): string {
  const e = error as AwsLikeError;
  return e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'UnknownError');
}

/**
 * Wraps an SDK failure once, at the edge (the retry middleware), into the tool's own error: the code
 * and status are kept, the service message is scrubbed of echoed input, and the SDK error (whose
 * message or request may hold values) is not kept as a cause.
 */
export function toToolError(operation: string, error: unknown): Error {
  if (error instanceof SsmBackupError) return error;
  const code = errorCodeOf(error);
  if (code === 'CredentialsProviderError' || /Could not load credentials|Unable to find.*credentials/i.test((error as Error)?.message ?? '')) {
    return new ConfigurationError(`no usable AWS credentials for ${operation}: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on an instance role`);
  }
  return new AwsCallError(operation, code, scrubServiceMessage((error as Error)?.message), httpStatusOf(error));
}

/** Matches the wrapped error and, for code that is handed a bare SDK error, the SDK's own. */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  return codes.includes(error instanceof AwsCallError ? error.code : errorCodeOf(error));
}
