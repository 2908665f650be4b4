import type { PlatformApiKind, PlatformCallEvent } from '../channels/call-observer.js';
import type { ChannelKind } from '../domain/channel.js';

/**
 * Free calls: DingTalk's quota-exempt list has the token and getbymobile (通讯录); Feishu / Lark do not bill
 * authentication and contacts. Card sends, updates, reminders and callback registration are billed.
 */
const UNBILLED: ReadonlySet<PlatformApiKind> = new Set(['token', 'lookup']);

/**
 * Whether a call counts against the monthly quota. Calls that got no answer or an HTTP error are not counted:
 * Lark documents that failed 4xx/5xx calls don't count, DingTalk that QPS-limited calls don't (both answer 4xx).
 */
export function isBilled(call: Pick<PlatformCallEvent, 'api' | 'status'>): boolean {
  return !UNBILLED.has(call.api) && call.status !== undefined && call.status < 400;
}

/**
 * Monthly call quotas of the free editions: DingTalk Standard 5,000 per natural month (since 2025-11-19); Feishu
 * Basic and Lark Standard 10,000. DingTalk Exclusive has no documented number (contracts differ): 5,000 until the
 * channel says otherwise. Override per channel with `monthlyQuota` in its config.
 */
export const DEFAULT_MONTHLY_QUOTA = {
  dingtalk: 5_000,
  'dingtalk-exclusive': 5_000,
  feishu: 10_000,
  lark: 10_000,
} as const satisfies Record<ChannelKind, number>;

/** Usage past this share of the quota is flagged (users stop getting cards when the quota runs out). */
export const QUOTA_WARNING_PERCENT = 80;

/** The channel config's `monthlyQuota` when it is a positive integer, else the platform default. */
export function monthlyQuotaOf(kind: ChannelKind, config: unknown): number {
  const configured = (config as { monthlyQuota?: unknown } | undefined)?.monthlyQuota;
  return typeof configured === 'number' && Number.isInteger(configured) && configured > 0
    ? configured
    : DEFAULT_MONTHLY_QUOTA[kind];
}

/** The app's identity on its platform: Feishu / Lark `appId`, DingTalk `appKey` (what the providers report). */
export function usageAppIdOf(kind: ChannelKind, config: unknown): string | undefined {
  const c = config as { appId?: unknown; appKey?: unknown } | undefined;
  const id = kind === 'dingtalk' || kind === 'dingtalk-exclusive' ? c?.appKey : c?.appId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

// Quotas reset on the 1st in the platforms' time zone: China Standard Time for DingTalk and Feishu, and Lark's
// Singapore time is the same UTC+8 (neither has daylight saving).
const PLATFORM_UTC_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM` of an instant in the platforms' calendar (UTC+8). */
export function usageMonth(at: Date): string {
  return new Date(at.getTime() + PLATFORM_UTC_OFFSET_MS).toISOString().slice(0, 7);
}
