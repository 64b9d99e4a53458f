import {
  errorCodeOf,
  isAwsError,
  isConnectFailure,
  isThrottling,
  isTransient,
  toToolError,
} from '../../../src/aws/errorKinds';
import { scrubServiceMessage } from '../../../src/aws/redact';
import {
  AwsCallError,
  ConfigurationError,
  ExitCode,
  exitCodeOf,
  IncompleteCaptureError,
  IntegrityError,
  InterruptedError,
  NoBackupError,
  UsageError,
} from '../../../src/errors';
import { awsError } from '../support/mocks';

describe('Function: isThrottling / isTransient', () => {
  it.each([
    [awsError('ThrottlingException', 'Rate exceeded'), true, true],
    [awsError('SomethingElse', 'Rate exceeded'), true, true],
    [awsError('TooManyRequests', 'slow down', 429), true, true],
    [awsError('InternalServerError', 'oops', 500), false, true],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), false, true],
    [awsError('TimeoutError', 'timed out', 0), false, true],
    [awsError('ParameterNotFound'), false, false],
    [awsError('AccessDeniedException'), false, false],
    [awsError('ValidationException'), false, false],
  ])('%p -> throttling %p, transient %p', (error, throttling, transient) => {
    expect(isThrottling(error)).toBe(throttling);
    expect(isTransient(error)).toBe(transient);
  });
});

describe('Function: toToolError', () => {
  it('keeps code and status and scrubs echoed values', () => {
    const error = toToolError(
      'PutParameter',
      awsError('ValidationException', "Value 'p@ss word' at 'value' failed to satisfy constraint", 400),
    );
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).toBe(
      "PutParameter failed: ValidationException (HTTP 400): Value [redacted] at 'value' failed to satisfy constraint",
    );
    expect(isAwsError(error, 'ValidationException')).toBe(true);
  });
  it('maps missing credentials to a configuration error', () => {
    expect(
      toToolError('X', awsError('CredentialsProviderError', 'Could not load credentials from any providers')),
    ).toBeInstanceOf(ConfigurationError);
  });
  it('names the endpoint it could not connect to, in one line', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 1,
    });
    expect(isConnectFailure(refused)).toBe(true);
    expect(toToolError('GetCallerIdentity', refused).message).toBe(
      'GetCallerIdentity failed: ECONNREFUSED: cannot connect to 127.0.0.1:1: check --endpoint-url, AWS_ENDPOINT_URL and the network',
    );
    const unknownHost = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), {
      code: 'ENOTFOUND',
      hostname: 'nowhere.invalid',
    });
    expect(toToolError('GetParameter', unknownHost).message).toMatch(/ENOTFOUND: cannot connect to nowhere.invalid/);
    expect(isConnectFailure(awsError('ThrottlingException'))).toBe(false);
  });
  it("leaves the tool's own errors alone", () => {
    const own = new IntegrityError('x');
    expect(toToolError('X', own)).toBe(own);
  });
});

describe('Function: scrubServiceMessage', () => {
  it.each([
    ["Value 'abc' at 'value' failed", "Value [redacted] at 'value' failed"],
    ['Parameter value "xyz" is invalid.', 'Parameter value [redacted] is invalid.'],
    ['Parameter /a/dev/x not found.', 'Parameter /a/dev/x not found.'],
  ])('%s', (input, expected) => {
    expect(scrubServiceMessage(input)).toBe(expected);
  });
});

describe('Function: errorCodeOf', () => {
  it("reports the service's code through the tool's wrapper, never the wrapper's class name", () => {
    const wrapped = toToolError('GetParameters', awsError('KMSAccessDeniedException', 'no', 400));
    expect(wrapped.name).toBe('AwsCallError');
    expect(errorCodeOf(wrapped)).toBe('KMSAccessDeniedException');
    expect(errorCodeOf(awsError('ValidationException'))).toBe('ValidationException');
  });
  it('falls back to the network code, then the HTTP status', () => {
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(errorCodeOf(Object.assign(new Error('x'), { name: '403', $metadata: { httpStatusCode: 403 } }))).toBe(
      'HTTP 403',
    );
    expect(errorCodeOf(new Error('x'))).toBe('UnknownError');
  });
});

describe('Function: exitCodeOf', () => {
  it('maps every error class to its exit code', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(ExitCode.Usage);
    expect(exitCodeOf(new ConfigurationError('x'))).toBe(ExitCode.Usage);
    expect(exitCodeOf(new AwsCallError('Op', 'Code', 'm'))).toBe(ExitCode.Failed);
    expect(exitCodeOf(new IncompleteCaptureError('us-west-2', [{ name: '/a', code: 'KMSDisabledException' }]))).toBe(
      ExitCode.Failed,
    );
    expect(exitCodeOf(new NoBackupError('x'))).toBe(ExitCode.Failed);
    expect(exitCodeOf(new InterruptedError('SIGINT'))).toBe(130);
    expect(exitCodeOf(new InterruptedError('SIGTERM'))).toBe(143);
    expect(exitCodeOf(new IntegrityError('x'))).toBe(ExitCode.Failed);
    expect(exitCodeOf(new Error('bug'))).toBe(ExitCode.Failed);
  });
  it('names what is missing from an incomplete capture', () => {
    const error = new IncompleteCaptureError('us-west-2', [
      { name: '/a/dev/locked', code: 'KMSAccessDeniedException' },
    ]);
    expect(error.message).toBe(
      'incomplete capture in us-west-2: 1 could not be decrypted: /a/dev/locked (KMSAccessDeniedException)',
    );
    expect(error.name).toBe('IncompleteCaptureError');
  });
});
