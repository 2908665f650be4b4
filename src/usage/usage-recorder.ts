import type { PlatformCallEvent, PlatformCallObserver } from '../channels/call-observer.js';
import { isBilled } from './billing.js';
import type { UsageStore } from './usage.js';

export interface UsageRecorder {
  /** Give this to the channel registry (`onCall`): every platform call is counted, billed or not. */
  readonly observer: PlatformCallObserver;
  /** Resolves once every call observed so far is stored (tests, shutdown). */
  flush(): Promise<void>;
}

/**
 * Counts platform calls in the background: the platform call never waits for, or fails because of, the
 * bookkeeping. A store failure loses one count and is reported through `onError`.
 */
export function createUsageRecorder(store: UsageStore, onError: (err: unknown) => void = () => {}): UsageRecorder {
  const pending = new Set<Promise<void>>();
  const observer: PlatformCallObserver = (event: PlatformCallEvent) => {
    const write = store
      .record({ kind: event.kind, appId: event.appId, api: event.api, at: event.at, billed: isBilled(event) })
      .catch(onError)
      .finally(() => pending.delete(write));
    pending.add(write);
  };
  return {
    observer,
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
