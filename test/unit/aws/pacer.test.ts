import { Pacer } from '../../../src/aws/pacer';

describe('Class: Pacer', () => {
  it('halves the in-flight limit on throttling, once per burst, never below 1', () => {
    let now = 0;
    const pacer = new Pacer({ maxInFlight: 8, now: () => now });
    pacer.onThrottled();
    pacer.onThrottled();
    pacer.onThrottled();
    expect(pacer.inFlightLimit).toBe(4);
    now += 1_000;
    pacer.onThrottled();
    expect(pacer.inFlightLimit).toBe(2);
    for (let i = 0; i < 5; i++) {
      now += 1_000;
      pacer.onThrottled();
    }
    expect(pacer.inFlightLimit).toBe(1);
  });

  it('creeps back up by one per five successes, to the configured limit', () => {
    let now = 0;
    const pacer = new Pacer({ maxInFlight: 3, now: () => now });
    pacer.onThrottled();
    now += 1_000;
    pacer.onThrottled();
    expect(pacer.inFlightLimit).toBe(1);
    for (let i = 0; i < 4; i++) pacer.onSuccess();
    expect(pacer.inFlightLimit).toBe(1);
    pacer.onSuccess();
    expect(pacer.inFlightLimit).toBe(2);
    for (let i = 0; i < 50; i++) pacer.onSuccess();
    expect(pacer.inFlightLimit).toBe(3);
  });

  it('keeps at most the limit in flight and starts no more than maxRps per second', async () => {
    const pacer = new Pacer({ maxInFlight: 2, maxRps: 5 });
    let inFlight = 0;
    let peak = 0;
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, () =>
        pacer.run('GetParameters', async () => {
          starts.push(Date.now());
          peak = Math.max(peak, ++inFlight);
          await new Promise((r) => setTimeout(r, 10));
          inFlight--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(starts[5]! - starts[0]!).toBeGreaterThanOrEqual(950);
  });

  it('lets writes pass the read cap: restore paces them itself (--write-rps)', async () => {
    const pacer = new Pacer({ maxInFlight: 1, maxRps: 1 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => pacer.run('PutParameter', async () => undefined)));
    expect(Date.now() - started).toBeLessThan(500);
    pacer.onThrottled('PutParameter');
    expect(pacer.inFlightLimit).toBe(1);
  });
});
