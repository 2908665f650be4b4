import { sql, type Kysely } from 'kysely';

/**
 * Notifications for every ticket event: each user's notice settings (per event, per channel), and the ticket states
 * a tenant defines beside the documented ones (its ticket system may report them; its rules may match them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column notices jsonb not null default '{}'`.execute(db);
  await sql`create table event_states (
    tenant text not null,
    state text not null,
    label text not null,
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant, state)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists event_states`.execute(db);
  await sql`alter table users drop column if exists notices`.execute(db);
}
