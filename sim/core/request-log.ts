import type { SimRequest } from './route.js';
import type { SimClock, SimPlatform } from './types.js';

export interface SimRequestRecord {
  seq: number;
  at: number;
  platform: SimPlatform | 'control';
  method: string;
  path: string;
  status: number;
  /** Set by the platform module once it knows them (see `RequestLog.tag`). */
  appId?: string;
  /** API kind, e.g. `token`, `send`, `update`, `reply`, `resolve_user`. */
  api?: string;
  /** The vendor code of the answer (`code`, `errcode`, DingTalk string `code`) when there is one. */
  vendorCode?: string | number;
  durationMs: number;
}

export interface RequestFilter {
  platform?: string;
  appId?: string;
  api?: string;
  /** Only records with seq greater than this (poll for "what happened since"). */
  sinceSeq?: number;
}

/** Every request the simulator answered, with counters per app and API kind. */
export class RequestLog {
  private records: SimRequestRecord[] = [];
  private seq = 0;
  private readonly tags = new WeakMap<SimRequest, { appId?: string; api?: string }>();

  constructor(private readonly clock: SimClock) {}

  /** Platform modules call this while handling a request; the server writes the record when it answers. */
  tag(req: SimRequest, tag: { appId?: string; api?: string }): void {
    this.tags.set(req, { ...this.tags.get(req), ...tag });
  }

  tagOf(req: SimRequest): { appId?: string; api?: string } {
    return this.tags.get(req) ?? {};
  }

  record(entry: Omit<SimRequestRecord, 'seq' | 'at'>): SimRequestRecord {
    const record = { ...entry, seq: ++this.seq, at: this.clock.now() };
    this.records.push(record);
    // Bounded so a long-running sandbox doesn't grow without limit.
    if (this.records.length > 10_000) this.records = this.records.slice(-5_000);
    return record;
  }

  list(filter: RequestFilter = {}): SimRequestRecord[] {
    return this.records.filter(
      (r) =>
        (!filter.platform || r.platform === filter.platform) &&
        (!filter.appId || r.appId === filter.appId) &&
        (!filter.api || r.api === filter.api) &&
        (filter.sinceSeq === undefined || r.seq > filter.sinceSeq),
    );
  }

  count(filter: RequestFilter = {}): number {
    return this.list(filter).length;
  }

  /** `{ "<platform>/<appId>/<api>": n }` for every request that was tagged. */
  counters(platform?: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.list(platform ? { platform } : {})) {
      const k = `${r.platform}/${r.appId ?? '-'}/${r.api ?? '-'}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.records = [];
  }
}
