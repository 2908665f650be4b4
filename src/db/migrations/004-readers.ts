import { sql, type Kysely } from 'kysely';

/**
 * Who reads what: each user's language and time zone, and each tenant's defaults for users who chose none (issue
 * 20). Nullable: a user or tenant without a choice falls back to the next level, then to en-US / UTC.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column locale text`.execute(db);
  await sql`alter table users add column time_zone text`.execute(db);
  await sql`create table tenant_settings (
    tenant text primary key,
    locale text,
    time_zone text,
    updated_at timestamptz not null default now()
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists tenant_settings`.execute(db);
  await sql`alter table users drop column if exists time_zone`.execute(db);
  await sql`alter table users drop column if exists locale`.execute(db);
}
