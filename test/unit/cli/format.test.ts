import {
  formatApplied,
  formatDuration,
  formatListing,
  formatRunSummary,
  formatVerifyFailures,
  formatVerifyVerdict,
} from '../../../src/cli/format';
import { duration } from '../../../src/cli/options';
import type { VerifyReport } from '../../../src/run/verifyRun';

describe('Function: formatDuration', () => {
  it.each([
    ['1m', '1m'],
    ['26h', '26h'],
    ['90m', '90m'],
    ['1.5h', '90m'],
    ['2d', '2d'],
    ['45s', '45s'],
  ])('prints --max-age %s as %s, not as a fraction of hours', (input, printed) => {
    expect(formatDuration(duration(input))).toBe(printed);
  });
});

describe('Function: formatVerifyFailures', () => {
  const report: VerifyReport = {
    mode: 'content',
    origin: 's3://b/k',
    parameterCount: 1,
    bytes: 1,
    sha256: 'x',
    checksum: 'matched',
    backupTime: 't',
    strict: false,
    age: { newestKey: 'k', ageMs: 3 * 60_000, maxAgeMs: 60_000 },
    drift: { missing: [], extra: ['/a/dev/new'], changed: [{ name: '/a/dev/c', differences: ['value'] }] },
    failures: ['too-old', 'drift'],
  };
  it('says what failed, in the units the operator used', () => {
    expect(formatVerifyFailures(report, 'us-west-2')).toEqual([
      'the newest backup (k) is 3m old; at most 1m allowed',
      'drift against live SSM in us-west-2: 0 missing, 1 extra, 1 changed (extra parameters alone do not fail without --strict)',
    ]);
  });
});

describe('Function: formatRunSummary', () => {
  it('ends a run with one line per region: ok, failed (why), not started', () => {
    const api = { calls: {}, retries: {}, total: 0, totalRetries: 0, throttled: 0, operations: {} };
    const lines = formatRunSummary({
      tool: { name: 'ssm-backup', version: '1' },
      environment: 'dev',
      dryRun: false,
      status: 'failed',
      startedAt: 't',
      durationMs: 1,
      regions: [
        {
          status: 'ok',
          region: 'ap-northeast-1',
          bucket: 'b',
          encryption: { kind: 'AES256', source: 'default' },
          key: 'k.json',
          parameterCount: 3,
          listed: 3,
          vanished: [],
          durationMs: 1,
          api,
          bytes: 1,
          sha256: 'x',
          latest: 'moved',
          metrics: { status: 'published' },
        },
        {
          status: 'failed',
          region: 'us-west-2',
          bucket: 'b',
          durationMs: 1,
          api,
          error: { name: 'AwsCallError', code: 'AccessDeniedException', message: 'GetParameters failed' },
        },
        { status: 'not-started', region: 'us-east-1', bucket: 'b', reason: 'an earlier region failed' },
      ],
    });
    expect(lines).toEqual([
      'dev: failed',
      '  ap-northeast-1: ok, 3 parameters -> s3://b/k.json',
      '  us-west-2: FAILED (AccessDeniedException: GetParameters failed)',
      '  us-east-1: not started (an earlier region failed)',
    ]);
  });
});

describe('Function: formatListing', () => {
  const backups = [
    { key: '2026-11-29/b.json', size: 2048, lastModified: new Date('2026-11-29T13:00:00Z'), parameterCount: 3 },
    { key: '2026-11-28/a.json', size: 10, parameterCount: 1 },
  ];

  it('marks the backup latest.txt points at, newest first, with size and count', () => {
    expect(formatListing({ bucket: 'b', latest: '2026-11-29/b.json', backups })).toEqual([
      's3://b (2 backups)',
      '* 2026-11-29/b.json  2026-11-29T13:00:00Z     2.0 KiB  3 parameters',
      '  2026-11-28/a.json  -        10 B  1 parameter',
    ]);
  });

  it('says when latest.txt names an object the bucket does not hold', () => {
    expect(formatListing({ bucket: 'b', latest: 'gone.json', backups: [] })).toEqual([
      's3://b (0 backups)',
      '! latest.txt points at gone.json, which is not in the bucket',
    ]);
  });
});

describe('Function: formatVerifyVerdict', () => {
  const report = { mode: 'content', origin: 's3://b/k' } as VerifyReport;

  it('names every problem when it fails', () => {
    expect(formatVerifyVerdict(report, ['a', 'b'])).toBe('FAILED: a; b');
  });

  it('says what was checked, and the extra parameters that do not fail without --strict', () => {
    expect(formatVerifyVerdict(report, [])).toBe('OK: s3://b/k checks out');
    expect(formatVerifyVerdict({ ...report, mode: 'metadata' }, [])).toBe(
      "OK: s3://b/k checks out in S3's record (not read)",
    );
    const drift = { missing: [], changed: [], extra: ['/x', '/y'] };
    expect(formatVerifyVerdict({ ...report, drift }, [])).toBe(
      'OK: s3://b/k checks out, no missing or changed parameter, 2 extra (not failing without --strict)',
    );
  });
});

describe('Function: formatApplied', () => {
  it('counts what was written, skipped and failed', () => {
    const applied = { created: ['a', 'b'], updated: ['c'], skipped: ['d'], failed: [], notSent: [] };
    expect(formatApplied(applied)).toBe('2 created, 1 updated, 1 update skipped (no --overwrite), 0 failed');
  });
});
