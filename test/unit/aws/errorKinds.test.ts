import {
  errorCodeOf,
  isAwsError,
  isConnectFailure,
  isThrottling,
  isTransient,
  toToolError,
} from '../../../src/aws/errorKinds';
import { scrubServiceMessage } from '../../../src/aws/redact';
import { AwsCallError, ConfigurationError, IntegrityError } from '../../../src/errors';
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
  it('a name with digits in it is still a name; only a bare number is a status', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 500 } });
    expect(errorCodeOf(named('Http500Error'))).toBe('Http500Error');
    expect(errorCodeOf(named('S3Error500'))).toBe('S3Error500');
    expect(errorCodeOf(named('500Internal'))).toBe('500Internal');
    expect(errorCodeOf(named('500'))).toBe('HTTP 500');
  });
});

describe('Every name and code the tool knows, one by one', () => {
  /** A 400 with a neutral message: only the name can make it throttling or transient. */
  const named = (name: string) => awsError(name, 'neutral', 400);

  it.each([
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
  ])('%s is throttling (and transient)', (name) => {
    expect(isThrottling(named(name))).toBe(true);
    expect(isTransient(named(name))).toBe(true);
  });

  it.each([
    'InternalServerError',
    'InternalFailure',
    'InternalError',
    'ServiceUnavailable',
    'ServiceUnavailableException',
    'RequestTimeout',
    'RequestTimeoutException',
    'TimeoutError',
  ])('%s is transient, not throttling', (name) => {
    expect(isThrottling(named(name))).toBe(false);
    expect(isTransient(named(name))).toBe(true);
  });

  it.each([
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'ENOTFOUND',
    'ECONNABORTED',
    'UND_ERR_SOCKET',
  ])('%s is transient by code, by name or in the message, and is its code', (code) => {
    const byCode = Object.assign(new Error('neutral'), { code });
    expect(isTransient(byCode)).toBe(true);
    expect(errorCodeOf(byCode)).toBe(code);
    expect(isTransient(Object.assign(new Error('neutral'), { name: code }))).toBe(true);
    const inMessage = new Error(`request failed: ${code} somewhere`);
    if (code.startsWith('E')) expect(errorCodeOf(inMessage)).toBe(code);
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])(
    '%s is a connect failure, by code or in the message',
    (code) => {
      expect(isConnectFailure(Object.assign(new Error('x'), { code }))).toBe(true);
      expect(isConnectFailure(new Error(`connect ${code} host`))).toBe(true);
      expect(errorCodeOf(new Error(`connect ${code} host`))).toBe(code);
    },
  );

  it('is no connect failure: a reset, a timeout, an unknown E-word, nothing', () => {
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'EPIPE'])
      expect(isConnectFailure(Object.assign(new Error('x'), { code }))).toBe(false);
    expect(isConnectFailure(new Error('EWHATEVER happened'))).toBe(false);
    expect(errorCodeOf(new Error('EWHATEVER happened'))).toBe('UnknownError');
    expect(isConnectFailure(undefined)).toBe(false);
  });

  it('statuses: 500 and above are transient, 499 is not; 429 throttles; the status is read from $response too', () => {
    expect(isTransient(awsError('X', 'neutral', 500))).toBe(true);
    expect(isTransient(awsError('X', 'neutral', 503))).toBe(true);
    expect(isTransient(awsError('X', 'neutral', 499))).toBe(false);
    expect(isThrottling(awsError('X', 'neutral', 429))).toBe(true);
    expect(isThrottling(awsError('X', 'neutral', 430))).toBe(false);
    const fromResponse = Object.assign(new Error('neutral'), { name: 'X', $response: { statusCode: 502 } });
    expect(isTransient(fromResponse)).toBe(true);
    expect(errorCodeOf(Object.assign(new Error(''), { $response: { statusCode: 502 } }))).toBe('HTTP 502');
  });

  it('messages: throttling and network words make an unnamed error transient; nothing else does', () => {
    for (const message of ['Rate exceeded', 'request was throttled', 'THROTTLING'])
      expect(isThrottling(new Error(message))).toBe(true);
    for (const message of ['socket hang up', 'read ECONNRESET', 'write EPIPE', 'Network is down'])
      expect(isTransient(new Error(message))).toBe(true);
    expect(isTransient(new Error('Parameter not found'))).toBe(false);
    expect(isThrottling(new Error('Parameter not found'))).toBe(false);
    for (const nothing of [undefined, null]) {
      expect(isThrottling(nothing)).toBe(false);
      expect(isTransient(nothing)).toBe(false);
    }
    expect(isTransient({})).toBe(false);
  });

  it("errorCodeOf: the name, unless it is 'Error' or a bare number; then the code, then the status", () => {
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ERR_SOMETHING' }))).toBe('ERR_SOMETHING');
    expect(errorCodeOf(Object.assign(new Error('x'), { name: '404', $metadata: { httpStatusCode: 404 } }))).toBe(
      'HTTP 404',
    );
    expect(errorCodeOf(Object.assign(new Error('x'), { name: 'E404x' }))).toBe('E404x');
    expect(errorCodeOf(new Error('x'))).toBe('UnknownError');
    expect(errorCodeOf(undefined)).toBe('UnknownError');
    expect(errorCodeOf({ name: 'NotAnError' })).toBe('NotAnError');
  });
});

describe('Function: toToolError, every branch', () => {
  it('missing credentials, by code or by either message, with what to set', () => {
    for (const error of [
      awsError('CredentialsProviderError', 'neutral'),
      new Error('Could not load credentials from any providers'),
      new Error('Unable to find valid credentials'),
    ]) {
      const wrapped = toToolError('GetParameters', error);
      expect(wrapped).toBeInstanceOf(ConfigurationError);
      expect(wrapped.message).toBe(
        'no usable AWS credentials for GetParameters: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ' +
          'or run on an instance role',
      );
    }
    expect(toToolError('X', new Error('Unable to find the bucket'))).not.toBeInstanceOf(ConfigurationError);
  });

  it('names where it could not connect: address and port, address, host name, the message, else the endpoint', () => {
    const target = (extra: object, message = 'connect failed ECONNREFUSED') =>
      toToolError('X', Object.assign(new Error(message), { code: 'ECONNREFUSED', ...extra })).message;
    expect(target({ address: '10.0.0.1', port: 443 })).toContain('cannot connect to 10.0.0.1:443:');
    expect(target({ address: '10.0.0.1' })).toContain('cannot connect to 10.0.0.1:');
    expect(target({ hostname: 'ssm.example' })).toContain('cannot connect to ssm.example:');
    expect(target({}, 'getaddrinfo ENOTFOUND ssm.example')).toContain('cannot connect to ssm.example:');
    expect(target({}, 'refused: ECONNREFUSED')).toContain('cannot connect to the endpoint:');
    expect(target({ address: '10.0.0.1' })).toBe(
      'X failed: ECONNREFUSED: cannot connect to 10.0.0.1: check --endpoint-url, AWS_ENDPOINT_URL and the network',
    );
  });

  it('an error with no message still wraps, with its code', () => {
    const wrapped = toToolError('X', { name: 'Weird' });
    expect(wrapped).toBeInstanceOf(AwsCallError);
    expect(wrapped.message).toMatch(/^X failed: Weird/);
  });
});
