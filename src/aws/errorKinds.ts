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

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/**
 * Failures to open a connection at all: nothing listens there, or the name does not resolve. They are
 * not worth a minute of backoff; the retry policy gives them a few quick attempts only.
 */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  address?: string;
  port?: number;
  hostname?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** A socket-level code (ECONNREFUSED...), from the error or, where a wrapper hid it, from its message. */
function networkCodeOf(error: AwsLikeError | undefined): string | undefined {
  if (!error) return undefined;
  if (NETWORK_CODES.has(error.code ?? '')) return error.code;
  if (CONNECT_CODES.has(error.code ?? '')) return error.code;
  const named = /\b(E[A-Z_]{4,})\b/.exec(error.message ?? '')?.[1];
  return named && (NETWORK_CODES.has(named) || CONNECT_CODES.has(named)) ? named : undefined;
}

export function isConnectFailure(error: unknown): boolean {
  return CONNECT_CODES.has(networkCodeOf(error as AwsLikeError) ?? '');
}

/** Where a connection failed, for the one line the operator reads: `127.0.0.1:1` or a host name. */
function connectTarget(error: AwsLikeError): string {
  if (error.address) return error.port ? `${error.address}:${error.port}` : error.address;
  return (
    error.hostname ??
    /(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)\s+([^\s)]+)/.exec(error.message ?? '')?.[1] ??
    'the endpoint'
  );
}

/** The HTTP status of a failed call: from the tool's own wrapped error, or from the SDK's. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof AwsCallError) return error.httpStatus;
  const e = error as AwsLikeError;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

export function isThrottling(error: unknown): boolean {
  const e = error as AwsLikeError;
  if (!e) return false;
  return (
    THROTTLING_NAMES.has(e.name ?? '') || httpStatusOf(e) === 429 || /rate exceeded|throttl/i.test(e.message ?? '')
  );
}

export function isTransient(error: unknown): boolean {
  const e = error as AwsLikeError;
  if (!e) return false;
  if (isThrottling(e)) return true;
  const status = httpStatusOf(e);
  if (status !== undefined && status >= 500) return true;
  if (TRANSIENT_NAMES.has(e.name ?? '')) return true;
  if (networkCodeOf(e) || NETWORK_CODES.has(e.name ?? '')) return true;
  return /socket hang up|ECONNRESET|EPIPE|network/i.test(e.message ?? '');
}

/**
 * The error's code for reports: the service's error code (kept through the tool's wrapper), else the
 * HTTP status, never the message.
 */
export function errorCodeOf(error: unknown): string {
  if (error instanceof AwsCallError) return error.code;
  const e = error as AwsLikeError;
  const network = networkCodeOf(e);
  if (network) return network;
  if (e?.name && e.name !== 'Error' && !/^\d+$/.test(e.name)) return e.name;
  if (e?.code) return e.code;
  const status = httpStatusOf(e);
  return status ? `HTTP ${status}` : 'UnknownError';
}

/**
 * Wraps an SDK failure once, at the edge (the retry middleware), into the tool's own error: the code
 * and status are kept, the service message is scrubbed of echoed input, and the SDK error (whose
 * message or request may hold values) is not kept as a cause.
 */
export function toToolError(operation: string, error: unknown): Error {
  if (error instanceof SsmBackupError) return error;
  const code = errorCodeOf(error);
  if (
    code === 'CredentialsProviderError' ||
    /Could not load credentials|Unable to find.*credentials/i.test((error as Error)?.message ?? '')
  ) {
    return new ConfigurationError(
      `no usable AWS credentials for ${operation}: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ` +
        `or run on an instance role`,
    );
  }
  if (isConnectFailure(error)) {
    return new AwsCallError(
      operation,
      code,
      `cannot connect to ${connectTarget(error as AwsLikeError)}: check --endpoint-url, AWS_ENDPOINT_URL and ` +
        `the network`,
    );
  }
  return new AwsCallError(operation, code, scrubServiceMessage((error as Error)?.message), httpStatusOf(error));
}

/** Matches the wrapped error and, for code that is handed a bare SDK error, the SDK's own. */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  return codes.includes(error instanceof AwsCallError ? error.code : errorCodeOf(error));
}
