/**
 * Paces one worker's channel activities so that no 1-second span starts more than `limit` of them.
 *
 * The task queue's server-side limit (maxTaskQueueActivitiesPerSecond) holds the average across every worker, but
 * it hands out tasks in bursts: a burst straddling a platform's fixed 1-s quota window lets through more than the
 * limit, which the platform answers with 429 (the benchmark saw 2.5 % of sends refused at 50/s). A sliding window
 * here is stricter than any fixed window, so the platform sees at most `limit` per window from this worker while
 * the server still bounds the whole fleet.
 */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class SlidingWindowPacer {
  /** Ring of the last `limit` admission times: `starts[next]` is the oldest once the ring is full. */
  private readonly starts: number[] = [];
  private next = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 1_000,
    private readonly clock: PacerClock = realClock,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`pacer limit must be an integer ≥ 1, got ${limit}`);
  }

  /** Resolves when one more start fits in the window; callers are admitted in order. */
  admit(): Promise<void> {
    const turn = this.queue.then(() => this.waitForRoom());
    this.queue = turn;
    return turn;
  }

  private async waitForRoom(): Promise<void> {
    const oldest = this.starts.length < this.limit ? undefined : this.starts[this.next];
    if (oldest !== undefined) {
      const wait = oldest + this.windowMs - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
    }
    this.starts[this.next] = this.clock.now();
    this.next = (this.next + 1) % this.limit;
  }
}

/** Wraps every function of an activities object so each call first waits for the pacer. */
export function pacedActivities<T extends object>(activities: T, pacer: SlidingWindowPacer): T {
  const paced = Object.entries(activities as Record<string, (...args: unknown[]) => Promise<unknown>>).map(
    ([name, fn]) =>
      [
        name,
        async (...args: unknown[]) => {
          await pacer.admit();
          return fn(...args);
        },
      ] as const,
  );
  return Object.fromEntries(paced) as T;
}
