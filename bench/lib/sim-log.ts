import type { SimClient, SimRecord } from './sim.js';

/**
 * Follows the simulator's request log from "now" on, polling `sinceSeq`. The log keeps its last 5,000-10,000
 * records, so a short poll interval keeps up with any rate the bench produces; a gap is counted, never hidden.
 */
export class SimLogTail {
  readonly records: SimRecord[] = [];
  /** Records the simulator dropped before we read them (should stay 0). */
  missed = 0;
  private lastSeq = 0;
  /** False while we could not tell where the log stood (it was empty): the first record then sets it. */
  private anchored = false;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  private constructor(
    private readonly sim: SimClient,
    private readonly intervalMs: number,
  ) {}

  /** Starts after the newest record the simulator holds right now. */
  static async start(sim: SimClient, intervalMs = 100): Promise<SimLogTail> {
    const tail = new SimLogTail(sim, intervalMs);
    const existing = await sim.requests(0);
    tail.lastSeq = existing.at(-1)?.seq ?? 0;
    tail.anchored = existing.length > 0;
    tail.timer = setInterval(() => void tail.poll(), intervalMs);
    return tail;
  }

  /** Reads whatever is new (also called by the interval); concurrent calls share one request. */
  poll(): Promise<void> {
    this.polling ??= this.read().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async read(): Promise<void> {
    const fresh = await this.sim.requests(this.lastSeq);
    for (const record of fresh) {
      if (this.anchored && record.seq > this.lastSeq + 1) this.missed += record.seq - this.lastSeq - 1;
      this.anchored = true;
      this.lastSeq = record.seq;
      this.records.push(record);
    }
  }

  /** Stops polling after one last read. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.poll();
  }

  select(filter: { platform?: string; api?: string; status?: number; since?: number }): SimRecord[] {
    return this.records.filter(
      (r) =>
        (filter.platform === undefined || r.platform === filter.platform) &&
        (filter.api === undefined || r.api === filter.api) &&
        (filter.status === undefined || r.status === filter.status) &&
        (filter.since === undefined || r.at >= filter.since),
    );
  }
}
