import type { ChannelKind } from '../domain/channel.js';
import { usageMonth } from './billing.js';
import { emptyMonth, type MonthUsage, type UsageRecord, type UsageStore } from './usage.js';

/** Counts in this process only: for tests and single-process setups without a database. */
export class MemoryUsageStore implements UsageStore {
  private readonly months = new Map<string, MonthUsage>();

  record(call: UsageRecord): Promise<void> {
    const key = keyOf(call.kind, call.appId, usageMonth(call.at));
    const month = this.months.get(key) ?? emptyMonth();
    const api = (month.byApi[call.api] ??= { calls: 0, billedCalls: 0 });
    const calls = call.count ?? 1;
    const billed = call.billed ? calls : 0;
    month.calls += calls;
    month.billedCalls += billed;
    api.calls += calls;
    api.billedCalls += billed;
    this.months.set(key, month);
    return Promise.resolve();
  }

  monthTotal(kind: ChannelKind, appId: string, month: string): Promise<MonthUsage> {
    return Promise.resolve(structuredClone(this.months.get(keyOf(kind, appId, month)) ?? emptyMonth()));
  }
}

function keyOf(kind: ChannelKind, appId: string, month: string): string {
  return `${kind}\n${appId}\n${month}`;
}
