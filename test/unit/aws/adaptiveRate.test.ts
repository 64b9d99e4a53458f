import { AdaptiveRate } from '../../../src/aws/adaptiveRate';
import { fakeTime } from '../support/time';

/** `count` successes spread evenly over the second before now: the service accepted `count` a second. */
function accept(rate: AdaptiveRate, time: ReturnType<typeof fakeTime>, count: number): void {
  for (let i = 0; i < count; i++) {
    time.clock.now += 1000 / count;
    rate.onSuccess();
  }
}

describe('Class: AdaptiveRate', () => {
  it('does not limit anything but the cap until the first throttle', async () => {
    const time = fakeTime();
    expect(new AdaptiveRate({ ...time }).rate).toBe(Infinity);
    const capped = new AdaptiveRate({ ...time, cap: 20 });
    expect(capped.rate).toBe(20);
    for (let i = 0; i < 21; i++) await capped.acquire();
    // 21 sends at 20 a second: the 21st waits until one second has passed.
    expect(time.clock.now).toBe(1000);
    expect(capped.learnedRate).toBeUndefined();
  });

  it('cuts to 0.7 of the rate the service accepted, once per burst of throttles, then grows back along a cubic', () => {
    // The curve moves with the calls: at 10 a second, at half the speed of seconds (reference 20).
    const time = fakeTime();
    const rate = new AdaptiveRate({ ...time });
    accept(rate, time, 10);
    // Ten successes in the last second: the service was accepting 10 per second.
    rate.onThrottled();
    rate.onThrottled();
    rate.onThrottled();
    expect(rate.rate).toBeCloseTo(7, 5);
    // Back at the throttled rate after the cubic's window, cbrt(10 * 0.3 / 0.4) of its units.
    time.clock.now += Math.cbrt(7.5) * 2000;
    expect(rate.rate).toBeCloseTo(10, 5);
    // Slowly past it at first, then faster: probing for more.
    time.clock.now += 2000;
    expect(rate.rate).toBeCloseTo(10.4, 5);
    time.clock.now += 2000;
    expect(rate.rate).toBeCloseTo(13.2, 5);
    // The summary reports the limit it learned, not how far it has probed past it.
    expect(rate.learnedRate).toBe(10);
  });

  it('moves along its curve in proportion to the rate: probing costs the same share of calls at any rate', () => {
    const at = (limit: number, seconds: number) => {
      const time = fakeTime();
      const rate = new AdaptiveRate({ ...time });
      accept(rate, time, limit);
      rate.onThrottled();
      time.clock.now += seconds * 1000;
      return rate.rate / limit;
    };
    // Back at the limit after twice as long at half the rate.
    expect(at(16, (Math.cbrt(12) * 20) / 16)).toBeCloseTo(1, 5);
    expect(at(8, (Math.cbrt(6) * 20) / 8)).toBeCloseTo(1, 5);
  });

  it('follows a quota that halves: a later throttle cuts from the lower accepted rate', () => {
    const time = fakeTime();
    const rate = new AdaptiveRate({ ...time });
    accept(rate, time, 10);
    rate.onThrottled();
    time.clock.now += 3000;
    // Another application now takes half of the quota: 5 accepted in the last second.
    accept(rate, time, 5);
    rate.onThrottled();
    expect(rate.rate).toBeCloseTo(3.5, 5);
  });

  it('never goes below two sends per second (a backup keeps moving), nor above its cap', () => {
    const time = fakeTime();
    const rate = new AdaptiveRate({ ...time, cap: 12 });
    rate.onThrottled();
    expect(rate.rate).toBe(2);
    // Throttled again and again with nothing accepted: still two a second.
    for (let i = 0; i < 5; i++) {
      time.clock.now += 600;
      rate.onThrottled();
    }
    expect(rate.rate).toBe(2);
    time.clock.now += 120_000;
    expect(rate.rate).toBe(12);
  });

  it('keeps the rate a deadline needs, counting the share throttled up to a half, never past its cap', () => {
    const time = fakeTime();
    let needed = 0;
    const rate = new AdaptiveRate({ ...time, cap: 12, needed: () => needed });
    // Throttled whatever the rate (3 of 10 calls): the learned curve sits on its floor.
    for (let i = 0; i < 7; i++) rate.onSuccess();
    for (let i = 0; i < 3; i++) {
      time.clock.now += 600;
      rate.onThrottled();
    }
    expect(rate.rate).toBe(2);
    // The work left needs 4.2 successes a second; with 30% of sends throttled that takes 6 sends.
    needed = 4.2;
    expect(rate.rate).toBeCloseTo(6, 5);
    needed = 100;
    expect(rate.rate).toBe(12);
    // Most sends throttled (a quota spent): never more than twice the need, however many come back.
    for (let i = 0; i < 20; i++) rate.onThrottled();
    needed = 4.2;
    expect(rate.rate).toBeCloseTo(8.4, 5);
    // Nothing left to do: back to what it learned.
    needed = 0;
    expect(rate.rate).toBe(2);
  });

  it('spaces sends 1/rate apart once it has learned a rate', async () => {
    const time = fakeTime();
    const rate = new AdaptiveRate({ ...time });
    accept(rate, time, 4);
    rate.onThrottled();
    // 4 accepted a second, cut to 2.8: sends 357 ms apart.
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await rate.acquire();
      starts.push(time.clock.now);
    }
    expect(starts[1] - starts[0]).toBeCloseTo(1000 / 2.8, 0);
  });
});

describe('Class: AdaptiveRate, at the edges of its windows', () => {
  it('a success exactly a second old still counts toward the accepted rate', () => {
    const time = fakeTime();
    const rate = new AdaptiveRate({ ...time });
    time.clock.now = 10_000;
    for (let i = 0; i < 4; i++) rate.onSuccess();
    time.clock.now = 11_000;
    rate.onThrottled();
    expect(rate.learnedRate).toBe(4);
  });

  it('a throttle exactly half a second after a cut cuts again; one just before does not', () => {
    const time = fakeTime();
    const rate = new AdaptiveRate({ ...time });
    time.clock.now = 10_000;
    for (let i = 0; i < 20; i++) rate.onSuccess();
    rate.onThrottled();
    expect(rate.learnedRate).toBe(20);
    time.clock.now = 10_499;
    rate.onThrottled();
    expect(rate.learnedRate).toBe(20);
    time.clock.now = 10_500;
    rate.onThrottled();
    // Cut again: from the lower of the curve (grown back from 14 since the first cut) and the 20 accepted.
    expect(rate.learnedRate).toBeLessThan(20);
  });

  it('waits only when a send would come early: the first send of a learned rate goes at once', async () => {
    const time = fakeTime();
    const sleeps: number[] = [];
    const rate = new AdaptiveRate({
      ...time,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        time.clock.now += ms;
      },
    });
    accept(rate, time, 10);
    rate.onThrottled();
    await rate.acquire();
    expect(sleeps).toEqual([]);
    await rate.acquire();
    expect(sleeps).toHaveLength(1);
  });

  it('a negative cap is no cap', () => {
    expect(new AdaptiveRate({ ...fakeTime(), cap: -1 }).rate).toBe(Infinity);
  });
});
