/**
 * Answers already given, by event id, for a short while: a replayed callback (or a double click) is answered at
 * once, without a round trip to Temporal. Temporal's own update-id de-duplication still backs it up.
 */
export class AnsweredEvents<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  get(eventId: string, now: number): T | undefined {
    const entry = this.entries.get(eventId);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry.value;
    this.entries.delete(eventId);
    return undefined;
  }

  set(eventId: string, value: T, now: number): void {
    this.entries.delete(eventId);
    this.entries.set(eventId, { value, expiresAt: now + this.ttlMs });
    // Maps iterate in insertion order: the first key is the oldest answer.
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
