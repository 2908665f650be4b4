import type { PlatformApiKind } from '../channels/call-observer.js';
import type { ChannelKind } from '../domain/channel.js';

/** One platform call as it is counted: which app, what for, when, and whether the platform bills it. */
export interface UsageRecord {
  kind: ChannelKind;
  appId: string;
  api: PlatformApiKind;
  at: Date;
  /** Counts against the monthly quota (see billing.ts). */
  billed: boolean;
  /** How many such calls this record stands for (the recorder merges calls made while a write is in flight). */
  count?: number;
}

export interface UsageCount {
  calls: number;
  billedCalls: number;
}

/** One app's calls in one month, in total and per API kind. */
export interface MonthUsage extends UsageCount {
  byApi: Partial<Record<PlatformApiKind, UsageCount>>;
}

/**
 * Where platform calls are counted, per app per month. The in-memory store serves one process (tests, plugin
 * users without a database); the database store lets the API report what the worker counted.
 */
export interface UsageStore {
  record(call: UsageRecord): Promise<void>;
  /** `month` is `YYYY-MM` in the platforms' own calendar (see `usageMonth`). */
  monthTotal(kind: ChannelKind, appId: string, month: string): Promise<MonthUsage>;
}

export function emptyMonth(): MonthUsage {
  return { calls: 0, billedCalls: 0, byApi: {} };
}
