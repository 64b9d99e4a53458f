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
    for (let fetched = 10; fetched <= 100; fetched += 10) reporter({ type: 'progress', region: 'us-west-2', listed: fetched + 10, fetched, listingDone: false });
    reporter({ type: 'progress', region: 'us-west-2', listed: 500, fetched: 100, listingDone: true });
    for (let fetched = 110; fetched <= 500; fetched += 10) reporter({ type: 'progress', region: 'us-west-2', listed: 500, fetched, listingDone: true });
    expect(lines.map((l) => l.replace(/^\[[\d:]+\] /, ''))).toEqual([
      'INFO: [us-west-2] described 20 so far, fetched 10/20',
      'INFO: [us-west-2] described 500, fetched 100/500',
      'INFO: [us-west-2] described 500, fetched 500/500',
    ]);
  });

  it('names the region, the bucket and the key in its lines', () => {
    const { reporter, lines } = capture();
    reporter({ type: 'would-upload', region: 'us-west-2', bucket: 'b', key: '2026-11-29/k.json', count: 3, bytes: 2048 });
    expect(lines[0]).toMatch(/\[us-west-2\] dry run: would upload s3:\/\/b\/2026-11-29\/k\.json \(3 parameters, 2\.0 KiB\)/);
  });
});
