import {
  AwsCallError,
  ConfigurationError,
  DeadEndpointError,
  ExitCode,
  exitCodeOf,
  IncompleteCaptureError,
  IntegrityError,
  InterruptedError,
  NoBackupError,
  RestoreFailedError,
  StalePlanError,
  UsageError,
} from '../../src/errors';

describe('Function: exitCodeOf (the exit codes of SPEC, by error class)', () => {
  it('2 for usage and configuration errors, found before anything is written', () => {
    expect(exitCodeOf(new UsageError('--region is required'))).toBe(2);
    expect(exitCodeOf(new ConfigurationError('missing bucket key'))).toBe(2);
  });

  it('1 for every failure of the operation, and for anything unexpected', () => {
    for (const error of [
      new AwsCallError('GetParameters', 'AccessDenied', 'no', 403),
      new DeadEndpointError('GetParameters', 'http://x/', 30, 90),
      new IncompleteCaptureError('us-west-2', [{ name: '/a', code: 'AccessDenied' }]),
      new NoBackupError('none'),
      new StalePlanError('moved'),
      new IntegrityError('damaged'),
      new RestoreFailedError([{ name: '/a', code: 'AccessDenied' }]),
      new Error('a bug'),
      'thrown string',
    ])
      expect(exitCodeOf(error)).toBe(ExitCode.Failed);
  });

  it('130 for SIGINT, 143 for SIGTERM, and SIGTERM when a signal carries no interruption', () => {
    expect(exitCodeOf(new InterruptedError('SIGINT'))).toBe(130);
    expect(exitCodeOf(new InterruptedError('SIGTERM'))).toBe(143);
    const controller = new AbortController();
    controller.abort();
    expect(InterruptedError.of(controller.signal).signal).toBe('SIGTERM');
    expect(() => InterruptedError.throwIfAborted(controller.signal)).toThrow(InterruptedError);
    expect(() => InterruptedError.throwIfAborted(new AbortController().signal)).not.toThrow();
    expect(() => InterruptedError.throwIfAborted(undefined)).not.toThrow();
  });
});

describe('Messages name what failed and never more than twenty names', () => {
  it('names what is missing from an incomplete capture', () => {
    const error = new IncompleteCaptureError('us-west-2', [
      { name: '/a/dev/locked', code: 'KMSAccessDeniedException' },
    ]);
    expect(error.message).toBe(
      'incomplete capture in us-west-2: 1 could not be decrypted: /a/dev/locked (KMSAccessDeniedException)',
    );
    expect(error.name).toBe('IncompleteCaptureError');
  });

  it('names the class, the operation, the code and the HTTP status', () => {
    const error = new AwsCallError('PutParameter', 'ThrottlingException', 'Rate exceeded', 400);
    expect(error.name).toBe('AwsCallError');
    expect(error.message).toBe('PutParameter failed: ThrottlingException (HTTP 400): Rate exceeded');
    expect(new AwsCallError('PutParameter', 'ECONNRESET', 'reset').message).toBe(
      'PutParameter failed: ECONNRESET: reset',
    );
  });

  it('lists up to twenty parameters, then how many more', () => {
    const failures = Array.from({ length: 22 }, (_, i) => ({ name: `/p${i}`, code: 'AccessDenied' }));
    const message = new RestoreFailedError(failures).message;
    expect(message).toMatch(/^22 parameters could not be restored: \/p0 \(AccessDenied\), /);
    expect(message).toMatch(/\/p19 \(AccessDenied\) and 2 more$/);
    expect(message).not.toContain('/p20');
    expect(new RestoreFailedError(failures.slice(0, 20)).message).not.toContain('more');
    expect(new IncompleteCaptureError('eu-west-1', failures.slice(0, 1)).message).toBe(
      'incomplete capture in eu-west-1: 1 could not be decrypted: /p0 (AccessDenied)',
    );
  });
});
