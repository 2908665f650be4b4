import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChannelKind } from '../domain/channel.js';
import type { PlatformApiKind, PlatformCallTally } from '../domain/platform-calls.js';

export { PLATFORM_API_KINDS } from '../domain/platform-calls.js';
export type { PlatformApiKind, PlatformCallCounts, PlatformCallTally } from '../domain/platform-calls.js';

/** One HTTP exchange as a platform client saw it; `status` is missing when no answer came (network, timeout). */
export interface PlatformCall {
  api: PlatformApiKind;
  status?: number;
}

/** A call as its provider reports it: bound to the channel kind and the app that made it. */
export interface PlatformCallEvent extends PlatformCall {
  kind: ChannelKind;
  /** Feishu / Lark `appId`, DingTalk `appKey`: the app whose quota the call counts against. */
  appId: string;
  at: Date;
}

/** Told about every platform call (usage accounting). Must not throw or block: it runs inside the client. */
export type PlatformCallObserver = (event: PlatformCallEvent) => void;

/** Binds an observer to one app, for its client; observer failures never reach the platform call. */
export function observerFor(
  observer: PlatformCallObserver | undefined,
  kind: ChannelKind,
  appId: string,
  now: () => number = Date.now,
): ((call: PlatformCall) => void) | undefined {
  if (!observer) return undefined;
  return (call) => {
    try {
      observer({ ...call, kind, appId, at: new Date(now()) });
    } catch {
      // Accounting must never break delivery.
    }
  };
}

const tallies = new AsyncLocalStorage<PlatformCallTally>();

/**
 * Runs `body` with a tally of its own: every platform call made inside it (through a registry's providers, in any
 * async continuation of `body`) is counted there. Tallies nest nowhere: the innermost one counts.
 */
export async function countingCalls<T>(body: () => Promise<T>): Promise<{ result: T; calls: PlatformCallTally }> {
  const calls: PlatformCallTally = {};
  const result = await tallies.run(calls, body);
  return { result, calls };
}

/** Adds one call to the tally of the activity it is made in; nothing outside one. */
export function countCall(event: Pick<PlatformCallEvent, 'kind' | 'api'>): void {
  const tally = tallies.getStore();
  if (!tally) return;
  const counts = (tally[event.kind] ??= {});
  counts[event.api] = (counts[event.api] ?? 0) + 1;
}

/** The registry's observer: counts into the running activity's tally, then tells `observer` (usage accounting). */
export function countingObserver(observer?: PlatformCallObserver): PlatformCallObserver {
  return (event) => {
    countCall(event);
    observer?.(event);
  };
}
