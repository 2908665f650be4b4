import { sql, type Kysely } from 'kysely';

/**
 * Platform API calls per app, month and API kind (src/usage/): the worker counts, the API reports against the
 * monthly quota. `month` is `YYYY-MM` in the platforms' calendar (UTC+8); one row per counter, updated in place.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table platform_usage (
    kind text not null,
    app_id text not null,
    month text not null,
    api_kind text not null,
    calls integer not null default 0,
    billed_calls integer not null default 0,
    updated_at timestamptz not null default now(),
    primary key (kind, app_id, month, api_kind)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists platform_usage`.execute(db);
}
