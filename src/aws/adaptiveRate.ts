import { abortableSleep } from './sleep';

/**
 * The send rate of one operation, learned from throttling: the AWS SDKs' adaptive retry mode (a CUBIC
 * congestion window applied to a rate), written out here so that the clock can be injected, the
 * learned rate read for the summary, and a burst of throttles counted as one event.
 *
 * - Until the first throttle there is no limit but the cap (`--max-rps`, or none).
 * - On throttling the rate is cut to BETA times the rate the service was accepting (the successes of
 *   the last second, or the current rate if lower), at most once per CUT_WINDOW (the calls in flight
 *   when the quota ran out are all throttled together; they are one signal, not several).
 * - Then it grows back along a cubic curve: slowly near the rate that was throttled, faster beyond,
 *   so it probes for more when another application stops using the shared quota. The curve moves with
 *   the calls made rather than the seconds (at REFERENCE_RATE it runs at the SDKs' pace, at half that
 *   rate half as fast): each probe past the limit costs a throttle or two, and this keeps that cost
 *   the same share of the calls at 2.5 calls a second as at 40.
 * - Sends are spaced 1/rate apart (no bursts), which a token-bucket quota admits best.
 * - A deadline may ask for more (`needed`: the successes a second the work left needs in the time
 *   left). The rate is then never below what that takes, counting the share of sends that come back
 *   throttled: a backup slowed by throttling that does not follow its rate still finishes in time.
 *   It counts that share up to one half, so it never sends more than twice what it needs: where the
 *   service accepts no more however much is sent (a quota spent), more sends would only eat quota
 *   that other applications need.
 */
const BETA = 0.7;
const SCALE = 0.4;
const REFERENCE_RATE = 20;
/** Below this rate the curve moves no slower: a rate cut to almost nothing must still recover. */
const SLOWEST_CURVE_RATE = 4;
/**
 * The floor of the learned rate. Throttling that does not follow the rate (a burst of another
 * application, random faults) would otherwise pull it down to nothing and the backup past its stage
 * timeout; two calls a second per operation is a negligible share of any SSM quota, and keeps a
 * backup moving whatever the service answers.
 */
const MIN_RATE = 2;
/** The most of a deadline's sends counted as throttled: it sends at most 1 / (1 - this) of its need. */
const DEADLINE_MAX_THROTTLED_SHARE = 0.5;
const CUT_WINDOW_MS = 500;
const SUCCESS_WINDOW_MS = 1_000;

export interface AdaptiveRateOptions {
  /** Upper bound in sends per second; 0 or undefined for none. */
  cap?: number;
  /** Successes per second the operation needs now to finish in time (a deadline); none by default. */
  needed?: () => number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class AdaptiveRate {
  private learning = false;
  private lastMaxRate = 0;
  private lastCutAt = -Infinity;
  private window = 0;
  private nextSendAt = 0;
  private readonly successes: number[] = [];
  private accepted = 0;
  private throttled = 0;
  private readonly needed: () => number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly cap: number;

  constructor(options: AdaptiveRateOptions = {}) {
    this.cap = options.cap && options.cap > 0 ? options.cap : Infinity;
    this.needed = options.needed ?? (() => 0);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** Sends per second allowed now: the cap until the first throttle, then the learned curve. */
  get rate(): number {
    if (!this.learning) return this.cap;
    // The curve advances with the calls sent, not the seconds: at 2 calls a second it moves a fifth as
    // fast as at 10, so probing costs the same share of calls at every rate.
    const pace = Math.max(this.lastMaxRate, SLOWEST_CURVE_RATE) / REFERENCE_RATE;
    const t = ((this.now() - this.lastCutAt) / 1000) * pace - this.window;
    return Math.min(this.cap, Math.max(MIN_RATE, this.deadlineRate, SCALE * t ** 3 + this.lastMaxRate));
  }

  /** Sends per second that give the successes the deadline needs, at the share throttled so far. */
  private get deadlineRate(): number {
    const needed = this.needed();
    if (!(needed > 0)) return 0;
    const share = this.throttled / Math.max(1, this.accepted + this.throttled);
    const throttledShare = Math.min(DEADLINE_MAX_THROTTLED_SHARE, share);
    return needed / (1 - throttledShare);
  }

  /**
   * For the summary: the rate the service last accepted before it throttled (the limit the curve
   * returns to), or undefined while nothing has been learned. The curve itself may have grown past it
   * by the end of a run, probing.
   */
  get learnedRate(): number | undefined {
    return this.learning ? Math.round(this.lastMaxRate * 100) / 100 : undefined;
  }

  /** Waits for this send's turn: sends are spaced 1/rate apart. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const rate = this.rate;
    if (rate === Infinity) return;
    const now = this.now();
    const at = Math.max(now, this.nextSendAt);
    this.nextSendAt = at + 1000 / rate;
    if (at > now) await this.sleep(at - now, signal);
  }

  onSuccess(): void {
    this.accepted++;
    const now = this.now();
    this.successes.push(now);
    while (this.successes.length && this.successes[0] < now - SUCCESS_WINDOW_MS) this.successes.shift();
  }

  onThrottled(): void {
    this.throttled++;
    const now = this.now();
    if (now - this.lastCutAt < CUT_WINDOW_MS) return;
    while (this.successes.length && this.successes[0] < now - SUCCESS_WINDOW_MS) this.successes.shift();
    const accepted = Math.max(MIN_RATE, this.successes.length * (1000 / SUCCESS_WINDOW_MS));
    const base = this.learning ? Math.min(this.rate, accepted) : accepted;
    this.lastMaxRate = base;
    this.window = Math.cbrt((base * (1 - BETA)) / SCALE);
    this.lastCutAt = now;
    this.learning = true;
    // Sends already scheduled at the old rate keep their turn; new ones are spaced at the new rate.
  }
}
