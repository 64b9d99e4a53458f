import {
  backupObjectKey,
  backupTimestamps,
  belongsToEnvironment,
  compareBackupKeysNewestFirst,
  isRunnerKey,
  parseBackupObjectKey,
  timestampToDate,
} from '../../src/contract';

describe('Function: belongsToEnvironment', () => {
  it.each([
    ['/jenkins/dev/a', 'dev', true],
    ['/app/dev/x/y', 'dev', true],
    ['/prod/device-id', 'dev', false],
    ['/jenkins/develop/x', 'dev', false],
    ['/jenkins/mydev/x', 'dev', false],
    ['/jenkins/dev', 'dev', false],
    ['dev/x', 'dev', false],
    ['/jenkins/prod/dev-notes', 'prod', true],
    ['/a/dev.1/b', 'dev.1', true],
    ['/a/devX1/b', 'dev.1', false],
  ])('%s in %s -> %s', (name, env, expected) => {
    expect(belongsToEnvironment(name, env)).toBe(expected);
  });
});

describe('Function: isRunnerKey', () => {
  it.each([
    ['/jenkins/dev/backup/regions', true],
    ['/jenkins/dev/backup/s3-bucket-name', true],
    ['/jenkins/dev/backup/us-west-2/s3-bucket-name', true],
    ['/jenkins/dev/backup/eu-central-1/kms-key-arn', true],
    // Only a valid region name in the region position makes it the stack's key.
    ['/jenkins/dev/backup/reports/s3-bucket-name', false],
    ['/jenkins/dev/backup/us-west/s3-bucket-name', false],
    ['/jenkins/dev/backup/us-west-2/other', false],
    ['/jenkins/dev/backup/a/b/s3-bucket-name', false],
    ['/jenkins/dev/backup/us-west-2/s3-bucket-name/x', false],
    ['/jenkins/prod/backup/regions', false],
    ['/jenkins/dev/app/regions', false],
  ])('%s -> %p', (name, expected) => {
    expect(isRunnerKey(name, 'dev')).toBe(expected);
  });
});

describe('Function: backupObjectKey', () => {
  const at = new Date('2026-11-29T13:00:05.123Z');

  it('is {date}/ssm-backup-{env}-{timestamp}-{suffix}.json in UTC', () => {
    expect(backupObjectKey({ env: 'prod', takenAt: at, suffix: 'a1b2c3d4' })).toBe(
      '2026-11-29/ssm-backup-prod-20261129_130005-a1b2c3d4.json',
    );
    expect(backupTimestamps(new Date('2026-01-02T23:59:59Z'))).toEqual({
      date: '2026-01-02',
      timestamp: '20260102_235959',
    });
  });

  it('parses its own keys and the older keys without a suffix, for environments with dashes', () => {
    expect(parseBackupObjectKey('2026-11-29/ssm-backup-pre-prod-20261129_130005-a1b2c3d4.json')).toEqual({
      key: '2026-11-29/ssm-backup-pre-prod-20261129_130005-a1b2c3d4.json',
      env: 'pre-prod',
      date: '2026-11-29',
      timestamp: '20261129_130005',
      suffix: 'a1b2c3d4',
      takenAt: new Date('2026-11-29T13:00:05Z'),
    });
    expect(parseBackupObjectKey('2026-11-29/ssm-backup-dev-20261129_130005.json')).toMatchObject({
      env: 'dev',
      takenAt: new Date('2026-11-29T13:00:05Z'),
    });
    for (const bad of [
      'latest.txt',
      '2026-11-29/other.json',
      '2026-11-29/ssm-backup-dev-2026_1.json',
      'x/ssm-backup-dev-20261129_130005.json',
    ]) {
      expect(parseBackupObjectKey(bad)).toBeUndefined();
    }
  });

  it('orders keys newest first by the time they hold, across both forms', () => {
    const keys = [
      '2026-11-28/ssm-backup-dev-20261128_130000.json',
      '2026-11-29/ssm-backup-dev-20261129_130000-0000aaaa.json',
      '2026-11-29/ssm-backup-dev-20261129_125959-ffffffff.json',
    ].map((k) => parseBackupObjectKey(k)!);
    expect(keys.sort(compareBackupKeysNewestFirst).map((k) => k.timestamp)).toEqual([
      '20261129_130000',
      '20261129_125959',
      '20261128_130000',
    ]);
  });

  it('reads a timestamp back (timestampToDate), refusing malformed ones', () => {
    expect(timestampToDate(backupTimestamps(new Date('2026-01-02T23:59:59Z')).timestamp)?.toISOString()).toBe(
      '2026-01-02T23:59:59.000Z',
    );
    expect(timestampToDate('2026-01-02')).toBeUndefined();
    expect(timestampToDate(undefined)).toBeUndefined();
  });
});
