import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { operationOf, Pacer } from '../../../src/aws/pacer';
import { RegionDeadline } from '../../../src/run/regionDeadline';

function clock(startMs = 0) {
  const time = { now: startMs };
  return { time, now: () => time.now };
}

describe('Class: RegionDeadline', () => {
  it('asks the fetches for what is left of the expected count, in nine tenths of the time', () => {
    const { time, now } = clock();
    const deadline = new RegionDeadline(100_000, 0, now);
    deadline.expect(10_000);
    deadline.onProgress({ listingDone: false, listed: 2_000, listPages: 40, fetched: 1_000 });
    time.now = 30_000;
    // 9,000 names left = 900 calls, in 90 - 30 = 60 seconds.
    expect(deadline.needed('GetParameters')).toBeCloseTo(15, 5);
    expect(deadline.summary).toEqual({ seconds: 100, expectedParameters: 10_000 });
  });

  it('before any progress, the listing has the whole expected count to list, at a full page a call', () => {
    const { now } = clock();
    const deadline = new RegionDeadline(100_000, 0, now);
    deadline.expect(1_000);
    // 1,000 names at 50 a page: 20 calls in 90 seconds.
    expect(deadline.needed('DescribeParameters')).toBeCloseTo(20 / 90, 5);
    expect(deadline.needed('GetParameters')).toBeCloseTo(100 / 90, 5);
  });

  it('asks the listing for its pages left, at the names per page seen so far', () => {
    const { time, now } = clock();
    const deadline = new RegionDeadline(100_000, 0, now);
    deadline.expect(10_000);
    // 99 pages brought 990 names: with one full page of 50 counted in, 10.4 names a page.
    deadline.onProgress({ listingDone: false, listed: 990, listPages: 99, fetched: 0 });
    time.now = 45_000;
    expect(deadline.needed('DescribeParameters')).toBeCloseTo(Math.ceil(9_010 / 10.4) / 45, 5);
    deadline.onProgress({ listingDone: true, listed: 10_000, listPages: 1_000, fetched: 9_000 });
    expect(deadline.needed('DescribeParameters')).toBe(0);
    // Other operations are one call each: the deadline asks nothing of them.
    expect(deadline.needed('PutObject')).toBe(0);
  });

  it('without a last count, asks only for the names already listed, and nothing of the listing', () => {
    const { now } = clock();
    const deadline = new RegionDeadline(60_000, 0, now);
    deadline.onProgress({ listingDone: false, listed: 200, listPages: 20, fetched: 100 });
    expect(deadline.needed('GetParameters')).toBeCloseTo(10 / 54, 5);
    expect(deadline.needed('DescribeParameters')).toBe(0);
    expect(deadline.summary).toEqual({ seconds: 60 });
  });

  it('when more is listed than expected, the listing still has a page to go until it ends', () => {
    const { now } = clock();
    const deadline = new RegionDeadline(100_000, 0, now);
    deadline.expect(100);
    deadline.onProgress({ listingDone: false, listed: 150, listPages: 3, fetched: 100 });
    expect(deadline.needed('DescribeParameters')).toBeCloseTo(1 / 90, 5);
    expect(deadline.needed('GetParameters')).toBeCloseTo(5 / 90, 5);
  });

  it('past its time, asks for as much as the cap allows', () => {
    const { time, now } = clock(1_000);
    const deadline = new RegionDeadline(10_000, 1_000, now);
    deadline.expect(50);
    time.now = 1_000 + 9_500;
    expect(deadline.needed('GetParameters')).toBe(Infinity);
    deadline.onProgress({ listingDone: true, listed: 50, listPages: 5, fetched: 50 });
    expect(deadline.needed('GetParameters')).toBe(0);
  });
});

describe('Function: RegionDeadline.attach', () => {
  it("sets the deadline on the region's pacer, keyed by the names the SDK middleware gives operations", () => {
    const pacer = new Pacer({ maxInFlight: 1 });
    const finishBy = jest.spyOn(pacer, 'finishBy');
    const deadline = RegionDeadline.attach(pacer, 60_000, 0, () => 0);
    expect(finishBy).toHaveBeenCalledWith(deadline);
    deadline.onProgress({ listingDone: true, listed: 100, listPages: 2, fetched: 0 });
    expect(deadline.needed(operationOf(GetParametersCommand.name))).toBeGreaterThan(0);
    expect(operationOf(GetParametersCommand.name)).toBe('GetParameters');
    expect(operationOf(undefined)).toBe('Unknown');
  });
});

describe('Class: RegionDeadline, when it is missed', () => {
  it('is not missed up to its time exactly; past it, by tenths of a second, in the summary too', () => {
    const { time, now } = clock(5_000);
    const deadline = new RegionDeadline(10_000, 5_000, now);
    time.now = 15_000;
    expect(deadline.overBySeconds).toBeUndefined();
    expect(deadline.summary).toEqual({ seconds: 10 });
    time.now = 15_000 + 2_345;
    expect(deadline.overBySeconds).toBe(2.3);
    expect(deadline.summary).toEqual({ seconds: 10, missedBySeconds: 2.3 });
    time.now = 15_000 + 60_000;
    expect(deadline.overBySeconds).toBe(60);
  });

  it('at the end of its nine tenths exactly, with calls left, it is already late', () => {
    const { time, now } = clock();
    const deadline = new RegionDeadline(10_000, 0, now);
    deadline.onProgress({ listingDone: true, listed: 10, listPages: 1, fetched: 0 });
    time.now = 9_000;
    expect(deadline.needed('GetParameters')).toBe(Infinity);
    time.now = 8_000;
    expect(deadline.needed('GetParameters')).toBe(1);
  });

  it('asks nothing of an operation it does not pace, and nothing of the listing once it is done', () => {
    const { now } = clock();
    const deadline = new RegionDeadline(10_000, 0, now);
    deadline.expect(100);
    deadline.onProgress({ listingDone: false, listed: 0, listPages: 0, fetched: 0 });
    expect(deadline.needed('ListTagsForResource')).toBe(0);
    expect(deadline.needed('DescribeParameters')).toBeGreaterThan(0);
    deadline.onProgress({ listingDone: true, listed: 100, listPages: 2, fetched: 0 });
    expect(deadline.needed('DescribeParameters')).toBe(0);
  });
});
