import { DescribeParametersCommand, GetParametersCommand } from '@aws-sdk/client-ssm';
import { type Deadline, operationOf, type Pacer } from '../aws/pacer';
import { FETCH_BATCH_SIZE, LIST_PAGE_SIZE } from '../contract';
import type { CollectProgress } from '../ssm/collect';

/** The two operations a collection paces by its deadline, named as the pacer knows them. */
const LIST = operationOf(DescribeParametersCommand.name);
const FETCH = operationOf(GetParametersCommand.name);

/** Kept for encoding, the upload and latest.txt once the collection is done. */
const RESERVE_SHARE = 0.1;

export interface RegionDeadlineSummary {
  seconds: number;
  expectedParameters?: number;
  /** Present when the region ended after its deadline: by how much. */
  missedBySeconds?: number;
}

/**
 * A region's deadline (`--finish-within`): how many successful calls a second each operation needs
 * for the work left to be done in the time left. The pacer never goes slower than that, whatever it
 * learned from throttling; it still never goes past `--max-rps`.
 *
 * The work left comes from the collection's progress and from the size of the region's last backup
 * (the count kept with latest.txt): until the listing ends, that count is the only sign of how much
 * is still to come. Without it the listing gets no deadline, and the fetches one only for the names
 * already listed. A tenth of the time is kept for the upload.
 */
export class RegionDeadline implements Deadline {
  private expected = 0;
  private progress: CollectProgress = { listingDone: false, listed: 0, listPages: 0, fetched: 0 };

  /** A region's deadline from when its collection starts, set on the region's pacer: the one place it is. */
  static attach(pacer: Pacer, withinMs: number, startedAtMs: number, now?: () => number): RegionDeadline {
    const deadline = new RegionDeadline(withinMs, startedAtMs, now);
    pacer.finishBy(deadline);
    return deadline;
  }

  constructor(
    /** `--finish-within`, as parsed. */
    readonly withinMs: number,
    private readonly startedAtMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get seconds(): number {
    return this.withinMs / 1000;
  }

  /** The parameter count of the last backup: about as many names are expected this time. */
  expect(count: number): void {
    this.expected = count;
  }

  /** Seconds past the deadline now, if it has passed. */
  get overBySeconds(): number | undefined {
    const over = (this.now() - this.startedAtMs - this.withinMs) / 1000;
    return over > 0 ? Math.round(over * 10) / 10 : undefined;
  }

  /** For the region's summary: its time, the count it expected if it knew one, and whether it was missed. */
  get summary(): RegionDeadlineSummary {
    const over = this.overBySeconds;
    return {
      seconds: this.seconds,
      ...(this.expected ? { expectedParameters: this.expected } : {}),
      ...(over !== undefined ? { missedBySeconds: over } : {}),
    };
  }

  onProgress(progress: CollectProgress): void {
    this.progress = progress;
  }

  /** Successes per second `operation` needs now; 0 when it has nothing left, Infinity when late. */
  needed(operation: string): number {
    const calls = this.callsLeft(operation);
    if (calls <= 0) return 0;
    const endsAtMs = this.startedAtMs + this.withinMs * (1 - RESERVE_SHARE);
    const secondsLeft = (endsAtMs - this.now()) / 1000;
    return secondsLeft > 0 ? calls / secondsLeft : Infinity;
  }

  private callsLeft(operation: string): number {
    const { listingDone, listed, listPages, fetched } = this.progress;
    const total = Math.max(this.expected, listed);
    if (operation === FETCH) return Math.ceil(Math.max(0, total - fetched) / FETCH_BATCH_SIZE);
    if (operation !== LIST || listingDone || !this.expected) return 0;
    // Names a page brings, as seen so far (other environments' parameters fill pages too), starting
    // from a full page so that a first empty page does not look like an endless listing.
    const perPage = (listed + LIST_PAGE_SIZE) / (listPages + 1);
    return Math.max(1, Math.ceil((this.expected - listed) / perPage));
  }
}
