import type { ChannelKind } from './channel-constants.js';

/**
 * What a platform API call was for. Monthly quotas bill some of these and not others (DingTalk's token and
 * getbymobile, Feishu / Lark auth and contacts are free), so usage is counted per kind.
 */
export const PLATFORM_API_KINDS = ['token', 'lookup', 'send', 'update', 'reminder', 'callback-registration'] as const;
export type PlatformApiKind = (typeof PLATFORM_API_KINDS)[number];

/** Calls by what they were for. */
export type PlatformCallCounts = Partial<Record<PlatformApiKind, number>>;

/**
 * Calls per channel kind and API kind: what an activity reports about the calls it made, and what a workflow adds up
 * (an approval's or a notice's `platformCalls`).
 */
export type PlatformCallTally = Partial<Record<ChannelKind, PlatformCallCounts>>;

/** Platform API calls one run spent, as its activities counted them; `byKind` splits them per platform. */
export interface PlatformCalls {
  total: number;
  byApi: PlatformCallCounts;
  byKind: Partial<Record<ChannelKind, { total: number; byApi: PlatformCallCounts }>>;
}

export function noPlatformCalls(): PlatformCalls {
  return { total: 0, byApi: {}, byKind: {} };
}

/** Adds one activity's tally to a run's totals (results recorded before calls were counted carry none). */
export function addCallTally(totals: PlatformCalls, tally: PlatformCallTally | undefined): void {
  if (!tally) return;
  for (const [kind, counts] of Object.entries(tally) as [ChannelKind, PlatformCallCounts][]) {
    const perKind = (totals.byKind[kind] ??= { total: 0, byApi: {} });
    for (const [api, n] of Object.entries(counts) as [PlatformApiKind, number][]) {
      if (!Number.isFinite(n) || n <= 0) continue;
      totals.total += n;
      totals.byApi[api] = (totals.byApi[api] ?? 0) + n;
      perKind.total += n;
      perKind.byApi[api] = (perKind.byApi[api] ?? 0) + n;
    }
  }
}
