import { sql } from 'kysely';
import type { ChannelKind } from '../domain/channel.js';
import { User, type UserInput } from '../domain/user.js';
import type { Database } from './database.js';
import type { UserRow } from './schema.js';

/** A user as stored, with when it was created and last changed. */
export interface UserRecord extends User {
  createdAt: Date;
  updatedAt: Date;
}

/** A platform user id resolved from the user's contact, and when. */
export interface PlatformIdRecord {
  kind: ChannelKind;
  platformUserId: string;
  resolvedAt: Date;
}

/** The key resolved ids are cached under: the contact they were resolved from, so a new mobile resolves anew. */
export function contactKey(contact: { mobile?: string | undefined; email?: string | undefined }): string {
  return `m:${contact.mobile ?? ''}|e:${contact.email?.toLowerCase() ?? ''}`;
}

/** A user's columns, as written. */
function columns(user: User) {
  return {
    name: user.name,
    email: user.email ?? null,
    mobile: user.mobile ?? null,
    roles: user.roles,
    channels: JSON.stringify(user.channels),
    notices: JSON.stringify(user.notices),
    locale: user.locale ?? null,
    time_zone: user.timeZone ?? null,
  };
}

function toUser(row: UserRow): UserRecord {
  return {
    ...User.parse({
      id: row.id,
      name: row.name,
      ...(row.email !== null ? { email: row.email } : {}),
      ...(row.mobile !== null ? { mobile: row.mobile } : {}),
      roles: row.roles,
      channels: row.channels,
      notices: row.notices,
      ...(row.locale !== null ? { locale: row.locale } : {}),
      ...(row.time_zone !== null ? { timeZone: row.time_zone } : {}),
    }),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export class UserRepository {
  constructor(private readonly db: Database) {}

  async get(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('id').execute()).map(toUser);
  }

  async membersOf(role: string): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where(sql<boolean>`${role} = any(roles)`)
      .orderBy('id')
      .execute();
    return rows.map(toUser);
  }

  /** Creates or replaces a user; `created` tells which. */
  async put(input: UserInput): Promise<{ user: UserRecord; created: boolean }> {
    const now = new Date();
    const user = User.parse(input);
    const values = { ...columns(user), updated_at: now };
    // `xmax = 0` holds only for a row this statement inserted: one round trip tells created from replaced.
    const row = await this.db
      .insertInto('users')
      .values({ id: user.id, ...values, created_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .returningAll()
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .executeTakeFirstOrThrow();
    return { user: toUser(row), created: row.inserted };
  }

  /** Seeds a user unless one with that id exists (never overwrites an admin's edits). */
  async insertIfMissing(input: UserInput): Promise<void> {
    const user = User.parse(input);
    await this.db
      .insertInto('users')
      .values({ id: user.id, ...columns(user) })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Platform ids resolved for the user's current contact, freshest first. */
  async platformIds(user: User): Promise<PlatformIdRecord[]> {
    const rows = await this.db
      .selectFrom('platform_ids')
      .selectAll()
      .where('contact', '=', contactKey(user))
      .orderBy('kind')
      .execute();
    return rows.map((r) => ({
      kind: r.kind as ChannelKind,
      platformUserId: r.platform_user_id,
      resolvedAt: new Date(r.resolved_at),
    }));
  }
}

/** Resolved platform ids by (kind, contact), shared by every user with that contact. */
export class PlatformIdRepository {
  constructor(private readonly db: Database) {}

  async get(kind: ChannelKind, contact: string): Promise<{ platformUserId: string; resolvedAt: Date } | undefined> {
    const row = await this.db
      .selectFrom('platform_ids')
      .select(['platform_user_id', 'resolved_at'])
      .where('kind', '=', kind)
      .where('contact', '=', contact)
      .executeTakeFirst();
    return row ? { platformUserId: row.platform_user_id, resolvedAt: new Date(row.resolved_at) } : undefined;
  }

  async put(kind: ChannelKind, contact: string, platformUserId: string, resolvedAt: Date): Promise<void> {
    await this.db
      .insertInto('platform_ids')
      .values({ kind, contact, platform_user_id: platformUserId, resolved_at: resolvedAt })
      .onConflict((oc) =>
        oc.columns(['kind', 'contact']).doUpdateSet({ platform_user_id: platformUserId, resolved_at: resolvedAt }),
      )
      .execute();
  }
}
