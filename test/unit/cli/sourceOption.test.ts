import { parsePointInTime, parseSource } from '../../../src/cli/sourceOption';
import { UsageError } from '../../../src/errors';

describe('Function: parseSource', () => {
  it('reads latest, keys and files', () => {
    expect(parseSource(undefined)).toEqual({ kind: 'latest' });
    expect(parseSource('latest')).toEqual({ kind: 'latest' });
    expect(parseSource('2026-11-29/x.json')).toEqual({ kind: 'key', key: '2026-11-29/x.json' });
    expect(parseSource('file:/tmp/b.json')).toEqual({ kind: 'file', path: '/tmp/b.json' });
    expect(() => parseSource('file:')).toThrow(UsageError);
    expect(() => parseSource('../etc')).toThrow(UsageError);
  });
});

describe('Function: parsePointInTime', () => {
  it('reads a date as the end of that UTC day, and a time without a zone as UTC', () => {
    expect(parsePointInTime('2026-11-29')?.toISOString()).toBe('2026-11-29T23:59:59.999Z');
    expect(parsePointInTime('2026-11-29T13:00')?.toISOString()).toBe('2026-11-29T13:00:00.000Z');
    expect(parsePointInTime('2026-11-29 13:00:05Z')?.toISOString()).toBe('2026-11-29T13:00:05.000Z');
    expect(parsePointInTime('2026-11-29T22:00+09:00')?.toISOString()).toBe('2026-11-29T13:00:00.000Z');
    expect(parsePointInTime('latest')).toBeUndefined();
    expect(() => parsePointInTime('2026-13-45')).toThrow(UsageError);
  });

  it('makes parseSource tell times, keys and files apart', () => {
    expect(parseSource('2026-11-29')).toMatchObject({ kind: 'at', text: '2026-11-29' });
    expect(parseSource('2026-11-29/ssm-backup-dev-20261129_130000-abcd1234.json')).toEqual({
      kind: 'key',
      key: '2026-11-29/ssm-backup-dev-20261129_130000-abcd1234.json',
    });
    expect(() => parseSource('yesterday', '--to')).toThrow(/--to 'yesterday' is not latest, a date or time/);
  });
});
