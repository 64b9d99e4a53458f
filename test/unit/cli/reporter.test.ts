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
  it('never prints the same progress numbers twice for a region, even with the interval passed', () => {
    const sink = new PassThrough();
    const lines: string[] = [];
    sink.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
    // Every event is past the interval (0 ms): only a change of numbers may print.
    const reporter = createReporter(createLogger('pretty', 'info', sink), 0);
    const at = (listed: number, fetched: number, listingDone = false) =>
      reporter({ type: 'progress', region: 'us-west-2', listed, listPages: 1, fetched, listingDone });
    at(10, 0);
    at(10, 0); // an empty filtered page: nothing moved
    at(20, 10);
    at(20, 10);
    at(20, 20, true);
    at(20, 20, true);
    // Another region with the same numbers is news.
    reporter({ type: 'progress', region: 'us-east-1', listed: 10, listPages: 1, fetched: 0, listingDone: false });
    expect(lines.map((l) => l.replace(/^\[[^\]]+\] INFO: /, ''))).toEqual([
      '[us-west-2] described 10 so far, fetched 0/10',
      '[us-west-2] described 20 so far, fetched 10/20',
      '[us-west-2] described 20, fetched 20/20',
      '[us-east-1] described 10 so far, fetched 0/10',
    ]);
  });

  it('warns, naming the key it looked for, when there is no regions key and the home region is backed up alone', () => {
    const { reporter, lines } = capture();
    reporter({
      type: 'regions-resolved',
      regions: ['ap-northeast-1'],
      source: 'home-region',
      lookedFor: '/jenkins/dev/backup/regions in ap-northeast-1',
    });
    expect(lines[0]).toMatch(
      /WARN: regions: ap-northeast-1 alone: \/jenkins\/dev\/backup\/regions in ap-northeast-1 does not exist there/,
    );
  });

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
