import type { SimApp } from './apps.js';
import type { SimClock } from './types.js';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Whole seconds until the window resets (at least 1), for headers like `x-ogw-ratelimit-reset`. */
  resetSeconds: number;
  remaining: number;
}

/** Fixed-window counters per key (e.g. `feishu:app:<id>`, `feishu:user:<open_id>`); windows align to the clock. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly clock: SimClock) {}

  hit(key: string, limit: number, windowMs = 1000): RateDecision {
    const now = this.clock.now();
    const start = now - (now % windowMs);
    const w = this.windows.get(key);
    const current = w && w.start === start ? w : { start, count: 0 };
    const resetSeconds = Math.max(1, Math.ceil((start + windowMs - now) / 1000));
    if (current.count >= limit) return { allowed: false, limit, resetSeconds, remaining: 0 };
    current.count++;
    this.windows.set(key, current);
    return { allowed: true, limit, resetSeconds, remaining: limit - current.count };
  }

  clear(): void {
    this.windows.clear();
  }
}

/** Monthly call quota per app (`app.monthlyQuota`); the counter lives on the app and rolls over each month. */
export class QuotaCounter {
  constructor(private readonly clock: SimClock) {}

  private month(): string {
    return new Date(this.clock.now()).toISOString().slice(0, 7);
  }

  private roll(app: SimApp): void {
    const month = this.month();
    if (app.quotaMonth !== month) {
      app.quotaMonth = month;
      app.quotaUsed = 0;
    }
  }

  /** True when the app has no calls left this month. */
  exhausted(app: SimApp): boolean {
    this.roll(app);
    return app.monthlyQuota !== undefined && app.quotaUsed >= app.monthlyQuota;
  }

  /** Count one billed call (platforms count successful calls only). */
  record(app: SimApp): void {
    this.roll(app);
    app.quotaUsed++;
  }
}
