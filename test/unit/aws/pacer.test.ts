import { Pacer } from '../../../src/aws/pacer';
import { fakeTime } from '../support/time';

describe('Class: Pacer', () => {
  it('learns each operation on its own: a throttled listing does not slow the fetches', async () => {
    const time = fakeTime();
    const pacer = new Pacer({ maxInFlight: 4, ...time });
    pacer.onThrottled('DescribeParameters');
    expect(pacer.learnedRates()).toEqual({ DescribeParameters: 2 });
    expect(time.clock.now).toBe(0);
    const before = time.clock.now;
    for (let i = 0; i < 10; i++) await pacer.run('GetParameters', async () => undefined);
    expect(time.clock.now).toBe(before);
  });

  it('keeps at most the limit in flight, all operations together', async () => {
    const pacer = new Pacer({ maxInFlight: 2 });
    let inFlight = 0;
    let peak = 0;
    const call = () =>
      pacer.run(Math.random() < 0.5 ? 'GetParameters' : 'DescribeParameters', async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
      });
    await Promise.all(Array.from({ length: 8 }, call));
    expect(peak).toBe(2);
  });

  it('keeps each operation at the rate its deadline asks for, once one is set', async () => {
    const time = fakeTime();
    const pacer = new Pacer({ maxInFlight: 4, ...time });
    // Fetches: 9 accepted, then throttled (a tenth of their sends); the listing: throttled only.
    for (let i = 0; i < 9; i++) pacer.onSuccess('GetParameters');
    pacer.onThrottled('GetParameters');
    pacer.onThrottled('DescribeParameters');
    const spacing = async (operation: string) => {
      const starts: number[] = [];
      for (let i = 0; i < 2; i++) await pacer.run(operation, async () => starts.push(time.clock.now));
      return starts[1] - starts[0];
    };
    // Learned: 6.3 a second for fetches (0.7 of 9), the floor of 2 for the listing.
    expect(await spacing('GetParameters')).toBeCloseTo(1000 / 6.3, 0);
    pacer.finishBy({ needed: (operation) => (operation === 'GetParameters' ? 7 : 0) });
    // 7 successes a second with a tenth of sends throttled: 7.78 sends a second. The listing needs nothing more.
    expect(await spacing('GetParameters')).toBeCloseTo(1000 / (7 / 0.9), 0);
    expect(await spacing('DescribeParameters')).toBeCloseTo(500, 0);
  });

  it('caps reads at --max-rps and writes at their own cap (--write-rps), each operation on its own', async () => {
    const time = fakeTime();
    const pacer = new Pacer({ maxInFlight: 1, maxRps: 1, maxWriteRps: 4, ...time });
    for (let i = 0; i < 3; i++) await pacer.run('PutParameter', async () => undefined);
    expect(time.clock.now).toBe(500);
    // The tag calls have the write cap too, each its own turns: they waited on no PutParameter.
    for (const operation of ['AddTagsToResource', 'RemoveTagsFromResource']) {
      const before = time.clock.now;
      for (let i = 0; i < 2; i++) await pacer.run(operation, async () => undefined);
      expect(time.clock.now - before).toBe(250);
    }
    const before = time.clock.now;
    for (let i = 0; i < 3; i++) await pacer.run('GetParameters', async () => undefined);
    expect(time.clock.now - before).toBe(2000);
  });

  it('without a write cap, writes are not held by the read cap', async () => {
    const time = fakeTime();
    const pacer = new Pacer({ maxInFlight: 1, maxRps: 1, ...time });
    for (let i = 0; i < 3; i++) await pacer.run('PutParameter', async () => undefined);
    expect(time.clock.now).toBe(0);
  });
});
