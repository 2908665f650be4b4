import { sql, type Generated, type Kysely } from 'kysely';
import { PLATFORM_API_KINDS, type PlatformApiKind } from '../channels/call-observer.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { ChannelKind } from '../domain/channel.js';
import { usageMonth } from './billing.js';
import { emptyMonth, type MonthUsage, type UsageRecord, type UsageStore } from './usage.js';

/** The `platform_usage` table (migration 002-platform-usage). */
interface PlatformUsageTable {
  kind: string;
  app_id: string;
  month: string;
  api_kind: string;
  calls: number;
  billed_calls: number;
  updated_at: Generated<Date>;
}

type UsageDb = Kysely<DB & { platform_usage: PlatformUsageTable }>;

/**
 * Counts in the database, so the API (and every replica) reports what every worker counted. One counter row per
 * app, month and API kind, incremented in place: a write costs one upsert (the recorder merges calls made meanwhile), a report one small read.
 */
export class DbUsageStore implements UsageStore {
  private readonly db: UsageDb;

  // The table is declared here, beside the only code that uses it.
  constructor(db: Database) {
    this.db = db.withTables<{ platform_usage: PlatformUsageTable }>();
  }

  async record(call: UsageRecord): Promise<void> {
    const calls = call.count ?? 1;
    const billed = call.billed ? calls : 0;
    await this.db
      .insertInto('platform_usage')
      .values({
        kind: call.kind,
        app_id: call.appId,
        month: usageMonth(call.at),
        api_kind: call.api,
        calls,
        billed_calls: billed,
      })
      .onConflict((oc) =>
        oc.columns(['kind', 'app_id', 'month', 'api_kind']).doUpdateSet({
          calls: sql<number>`platform_usage.calls + ${calls}`,
          billed_calls: sql<number>`platform_usage.billed_calls + ${billed}`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute();
  }

  async monthTotal(kind: ChannelKind, appId: string, month: string): Promise<MonthUsage> {
    const rows = await this.db
      .selectFrom('platform_usage')
      .select(['api_kind', 'calls', 'billed_calls'])
      .where('kind', '=', kind)
      .where('app_id', '=', appId)
      .where('month', '=', month)
      .execute();
    const total = emptyMonth();
    for (const row of rows) {
      const api = isApiKind(row.api_kind) ? row.api_kind : 'send';
      const count = (total.byApi[api] ??= { calls: 0, billedCalls: 0 });
      count.calls += Number(row.calls);
      count.billedCalls += Number(row.billed_calls);
      total.calls += Number(row.calls);
      total.billedCalls += Number(row.billed_calls);
    }
    return total;
  }
}

function isApiKind(value: string): value is PlatformApiKind {
  return (PLATFORM_API_KINDS as readonly string[]).includes(value);
}
