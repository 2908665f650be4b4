import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** One encrypted secret: AES-256-GCM under the key `kid`; every part base64. */
export interface SealedSecret {
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb columns are written as JSON text (pg and PGlite parse it alike) and read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface ChannelsTable {
  kind: string;
  enabled: boolean;
  /** The platform config without its secret fields. */
  config: Json<Record<string, unknown>>;
  /** Secret fields, each sealed on its own. */
  secrets: Json<Record<string, SealedSecret>>;
  version: number;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  name: string;
  email: string | null;
  mobile: string | null;
  roles: ColumnType<string[], string[], string[]>;
  channels: Json<Record<string, boolean>>;
  /** Per-event notice settings (NoticeSettings). */
  notices: ColumnType<Record<string, unknown>, string | undefined, string>;
  locale: string | null;
  time_zone: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A tenant's defaults for readers who chose no language or time zone. */
export interface TenantSettingsTable {
  tenant: string;
  locale: string | null;
  time_zone: string | null;
  updated_at: Timestamp;
}

/** Ticket states a tenant defined beside the documented ones. */
export interface EventStatesTable {
  tenant: string;
  state: string;
  label: string;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Platform user ids resolved from a contact (mobile / email), with when they were resolved. */
export interface PlatformIdsTable {
  kind: string;
  contact: string;
  platform_user_id: string;
  resolved_at: Timestamp;
}

export interface RulesTable {
  id: string;
  tenant: string;
  ticket_type: string;
  event: string;
  enabled: boolean;
  current_version: number;
  deleted_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Every version of every rule, never changed once written: running approvals name theirs. */
export interface RuleVersionsTable {
  rule_id: string;
  version: number;
  body: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  /** SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  role: string;
  user_id: string;
  label: string | null;
  created_at: Timestamp;
}

/** Small facts about the database itself (e.g. whether the sandbox seed ran). */
export interface MetaTable {
  key: string;
  value: string;
  created_at: Generated<Date>;
}

export interface DB {
  channels: ChannelsTable;
  users: UsersTable;
  tenant_settings: TenantSettingsTable;
  platform_ids: PlatformIdsTable;
  rules: RulesTable;
  rule_versions: RuleVersionsTable;
  api_tokens: ApiTokensTable;
  meta: MetaTable;
  event_states: EventStatesTable;
}

export type ChannelRow = Selectable<ChannelsTable>;
export type UserRow = Selectable<UsersTable>;
export type RuleRow = Selectable<RulesTable>;
export type RuleVersionRow = Selectable<RuleVersionsTable>;
export type NewUserRow = Insertable<UsersTable>;
export type EventStateRow = Selectable<EventStatesTable>;
