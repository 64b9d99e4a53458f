import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/cli/logger';
import { createReporter } from '../../../src/cli/reporter';

function capture() {
  const sink = new PassThrough();
  const lines: string[] = [];
  sink.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  return { reporter: createReporter(createLogger('pretty', 'info', sink), 60_000), lines };
}

describe('Function: createReporter', () => {
  it('keeps progress to one line per interval plus the end of listing and of fetching', () => {
    const { reporter, lines } = capture();
    for (let fetched = 10; fetched <= 100; fetched += 10)
      reporter({
        type: 'progress',
        region: 'us-west-2',
        listed: fetched + 10,
        listPages: 1,
        fetched,
        listingDone: false,
      });
    reporter({ type: 'progress', region: 'us-west-2', listed: 500, listPages: 1, fetched: 100, listingDone: true });
    for (let fetched = 110; fetched <= 500; fetched += 10)
      reporter({ type: 'progress', region: 'us-west-2', listed: 500, listPages: 1, fetched, listingDone: true });
    expect(lines.map((l) => l.replace(/^\[[\d:]+\] /, ''))).toEqual([
      'INFO: [us-west-2] described 20 so far, fetched 10/20',
      'INFO: [us-west-2] described 500, fetched 100/500',
      'INFO: [us-west-2] described 500, fetched 500/500',
    ]);
  });

  it('names the region, the bucket and the key in its lines', () => {
    const { reporter, lines } = capture();
    reporter({
      type: 'would-upload',
      region: 'us-west-2',
      bucket: 'b',
      key: '2026-11-29/k.json',
      count: 3,
      bytes: 2048,
    });
    expect(lines[0]).toMatch(
      /\[us-west-2\] dry run: would upload s3:\/\/b\/2026-11-29\/k\.json \(3 parameters, 2\.0 KiB\)/,
    );
  });

  it('shows a retry that waits a second or more at warn, with attempt n of m and the wait; shorter ones only at debug', () => {
    const { reporter, lines } = capture();
    const retry = {
      operation: 'GetParameters',
      attempt: 3,
      maxAttempts: 11,
      throttled: true,
      code: 'ThrottlingException',
    };
    reporter({ type: 'retry', region: 'us-west-2', retry: { ...retry, delayMs: 999 } });
    reporter({ type: 'retry', region: 'us-west-2', retry: { ...retry, delayMs: 1_500 } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /WARN: \[us-west-2\] GetParameters ThrottlingException: attempt 3 of 11 failed, retrying in 1500 ms/,
    );
  });

  it('warns about vanished parameters by name, and about a latest.txt left at a newer backup', () => {
    const { reporter, lines } = capture();
    reporter({ type: 'vanished', region: 'us-west-2', names: ['/a/dev/x'] });
    reporter({ type: 'latest-kept', region: 'us-west-2', bucket: 'b', key: 'old.json', current: 'new.json' });
    expect(lines[0]).toMatch(/WARN: \[us-west-2] 1 parameter vanished between listing and fetching .*: \/a\/dev\/x/);
    expect(lines[1]).toMatch(
      /WARN: \[us-west-2\] latest.txt left at new.json: it is at least as new as this run's old.json/,
    );
  });
});
