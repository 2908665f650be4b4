/**
 * Totals of the platform calls an approval spent, fed by what each activity reports (`calls`). Pure: results
 * recorded before calls were counted carry none and add nothing.
 */
import type { PlatformCallTally } from '../channels/call-observer.js';
import type { ChannelKind } from '../domain/channel.js';
import type { ApprovalState, PlatformCalls } from '../domain/state.js';

export function noPlatformCalls(): PlatformCalls {
  return { total: 0, byApi: {}, byKind: {} };
}

/** Adds one activity's tally to the approval's totals. */
export function addPlatformCalls(state: ApprovalState, tally: PlatformCallTally | undefined): void {
  if (!tally) return;
  const totals = (state.platformCalls ??= noPlatformCalls());
  for (const [kind, counts] of Object.entries(tally) as [ChannelKind, Record<string, number>][]) {
    const perKind = (totals.byKind[kind] ??= { total: 0, byApi: {} });
    for (const [api, n] of Object.entries(counts) as [keyof PlatformCalls['byApi'], number][]) {
      if (!Number.isFinite(n) || n <= 0) continue;
      totals.total += n;
      totals.byApi[api] = (totals.byApi[api] ?? 0) + n;
      perKind.total += n;
      perKind.byApi[api] = (perKind.byApi[api] ?? 0) + n;
    }
  }
}
