import { sql, type Kysely } from 'kysely';

/** Channels, users, rules with their versions, API tokens, resolved platform ids. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`create table channels (
      kind text primary key,
      enabled boolean not null default false,
      config jsonb not null,
      secrets jsonb not null,
      version integer not null,
      updated_at timestamptz not null default now()
    )`,
    sql`create table users (
      id text primary key,
      name text not null,
      email text,
      mobile text,
      roles text[] not null default '{}',
      channels jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create index users_roles on users using gin (roles)`,
    sql`create table platform_ids (
      kind text not null,
      contact text not null,
      platform_user_id text not null,
      resolved_at timestamptz not null,
      primary key (kind, contact)
    )`,
    sql`create table rules (
      id text primary key,
      tenant text not null,
      ticket_type text not null,
      event text not null,
      enabled boolean not null,
      current_version integer not null,
      deleted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    // One live rule per tenant, ticket type and event: the lookup never has to choose.
    sql`create unique index rules_match on rules (tenant, ticket_type, event) where deleted_at is null`,
    sql`create table rule_versions (
      rule_id text not null references rules (id),
      version integer not null,
      body jsonb not null,
      created_at timestamptz not null default now(),
      primary key (rule_id, version)
    )`,
    sql`create table api_tokens (
      id text primary key,
      token_hash text not null unique,
      role text not null,
      user_id text not null,
      label text,
      created_at timestamptz not null default now()
    )`,
    sql`create table meta (
      key text primary key,
      value text not null,
      created_at timestamptz not null default now()
    )`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['meta', 'api_tokens', 'rule_versions', 'rules', 'platform_ids', 'users', 'channels']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
