import type { SimClock } from './types.js';

/** Remembers the result of a request by key for a while (Feishu `uuid`: 1 hour; DingTalk outTrackId: forever). */
export class IdempotencyStore {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(private readonly clock: SimClock) {}

  get<T>(scope: string, key: string): T | undefined {
    const entry = this.entries.get(`${scope}\u0000${key}`);
    if (!entry || entry.expiresAt <= this.clock.now()) return undefined;
    return entry.value as T;
  }

  put(scope: string, key: string, value: unknown, ttlMs = Number.POSITIVE_INFINITY): void {
    this.entries.set(`${scope}\u0000${key}`, { value, expiresAt: this.clock.now() + ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
