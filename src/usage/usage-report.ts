import type { ChannelKind } from '../domain/channel.js';
import { monthlyQuotaOf, QUOTA_WARNING_PERCENT, usageAppIdOf, usageMonth } from './billing.js';
import type { MonthUsage, UsageStore } from './usage.js';

/** What `GET /v1/channels/:kind/usage` answers. */
export interface UsageReport {
  kind: ChannelKind;
  appId: string;
  month: string;
  /** Every call this month, billed or not (token fetches and lookups included). */
  calls: number;
  /** The calls the platform counts against the quota. */
  billedCalls: number;
  quota: number;
  /** billedCalls / quota × 100, two decimals (small counts still show). */
  percent: number;
  byApi: MonthUsage['byApi'];
  /** Set from 80 % of the quota on. */
  warning?: string;
}

/** This month's usage of one channel's app against its quota; `undefined` when the config names no app. */
export async function usageReport(
  store: UsageStore,
  channel: { kind: ChannelKind; config: unknown },
  now: Date = new Date(),
): Promise<UsageReport | undefined> {
  const { kind, config } = channel;
  const appId = usageAppIdOf(kind, config);
  if (appId === undefined) return undefined;
  const month = usageMonth(now);
  const usage = await store.monthTotal(kind, appId, month);
  const quota = monthlyQuotaOf(kind, config);
  const percent = Math.round((usage.billedCalls / quota) * 10_000) / 100;
  const report: UsageReport = {
    kind,
    appId,
    month,
    calls: usage.calls,
    billedCalls: usage.billedCalls,
    quota,
    percent,
    byApi: usage.byApi,
  };
  const warning = quotaWarning(report);
  return warning === undefined ? report : { ...report, warning };
}

function quotaWarning(r: UsageReport): string | undefined {
  if (r.percent < QUOTA_WARNING_PERCENT) return undefined;
  const state = r.billedCalls >= r.quota ? 'is used up' : `is ${r.percent}% used`;
  return (
    `The ${r.kind} app's monthly API quota ${state} (${r.billedCalls} of ${r.quota} billed calls in ${r.month}): ` +
    'when it runs out the platform refuses card sends until the 1st, and approvers stop receiving cards. ' +
    "Raise the app's plan, or set monthlyQuota on the channel if your plan allows more."
  );
}
