import type { PlatformCallEvent, PlatformCallObserver } from '../channels/call-observer.js';
import { isBilled, usageMonth } from './billing.js';
import type { UsageRecord, UsageStore } from './usage.js';

export interface UsageRecorder {
  /** Give this to the channel registry (`onCall`): every platform call is counted, billed or not. */
  readonly observer: PlatformCallObserver;
  /** Resolves once every call observed so far is stored (tests, shutdown). */
  flush(): Promise<void>;
}

/** Calls of one counter row (app × month × API kind × billed) waiting for the write in flight to finish. */
interface Counter {
  waiting?: UsageRecord;
  writing: boolean;
}

/**
 * Counts platform calls in the background: the platform call never waits for, or fails because of, the
 * bookkeeping. One write per counter row is in flight at a time; calls made meanwhile are merged into the next
 * write (`count`), so a burst of 500 sends costs a handful of upserts instead of 500 on one hot row. A store
 * failure loses that write's count and is reported through `onError`.
 */
export function createUsageRecorder(store: UsageStore, onError: (err: unknown) => void = () => {}): UsageRecorder {
  const counters = new Map<string, Counter>();
  const pending = new Set<Promise<void>>();

  const drain = async (key: string, counter: Counter): Promise<void> => {
    counter.writing = true;
    while (counter.waiting) {
      const record = counter.waiting;
      counter.waiting = undefined;
      await store.record(record).catch(onError);
    }
    counter.writing = false;
    counters.delete(key);
  };

  const observer: PlatformCallObserver = (event: PlatformCallEvent) => {
    const billed = isBilled(event);
    const key = [event.kind, event.appId, event.api, billed, usageMonth(event.at)].join('\n');
    const counter = counters.get(key) ?? { writing: false };
    counters.set(key, counter);
    const waiting = counter.waiting;
    counter.waiting = waiting
      ? { ...waiting, count: (waiting.count ?? 1) + 1 }
      : { kind: event.kind, appId: event.appId, api: event.api, at: event.at, billed, count: 1 };
    if (counter.writing) return;
    const write = drain(key, counter).finally(() => pending.delete(write));
    pending.add(write);
  };
  return {
    observer,
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
