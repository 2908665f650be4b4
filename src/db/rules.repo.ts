import { randomBytes } from 'node:crypto';
import { RuleSpec, type Rule } from '../domain/rule.js';
import type { Database } from './database.js';
import { inTransaction } from './transaction.js';
import type { Transaction } from 'kysely';
import type { DB, RuleRow } from './schema.js';
import { isUniqueViolation, StoreError } from './store-error.js';

/** One version of a rule, as stored: never changed once written. */
export interface RuleRecord {
  id: string;
  version: number;
  rule: Rule;
  createdAt: Date;
  updatedAt: Date;
}

type Tx = Transaction<DB>;

function newRuleId(): string {
  return `rule-${randomBytes(6).toString('hex')}`;
}

/**
 * Notification rules with every version kept. A change writes the next version and moves `current_version`, in one
 * transaction, only when the caller's expected version is still current (optimistic concurrency).
 */
export class RuleRepository {
  constructor(private readonly db: Database) {}

  async create(rule: Rule, id = newRuleId()): Promise<RuleRecord> {
    try {
      return await inTransaction(this.db, async (trx) => {
        await trx
          .insertInto('rules')
          .values({ id, ...matchColumns(rule), current_version: 1 })
          .execute();
        return this.writeVersion(trx, id, 1, rule);
      });
    } catch (err) {
      throw duplicate(err, rule, id);
    }
  }

  async update(id: string, rule: Rule, expectedVersion: number): Promise<RuleRecord> {
    try {
      return await inTransaction(this.db, async (trx) => {
        const row = await this.lockLive(trx, id);
        if (row.current_version !== expectedVersion) {
          throw new StoreError(
            'VERSION_CONFLICT',
            `rule ${id} is at version ${row.current_version}, not ${expectedVersion}`,
          );
        }
        const version = row.current_version + 1;
        await trx
          .updateTable('rules')
          .set({ ...matchColumns(rule), current_version: version, updated_at: new Date() })
          .where('id', '=', id)
          .execute();
        return this.writeVersion(trx, id, version, rule);
      });
    } catch (err) {
      throw duplicate(err, rule, id);
    }
  }

  /** Retires a rule; its versions stay, so approvals that follow one keep their record. */
  async delete(id: string, expectedVersion?: number): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const row = await this.lockLive(trx, id);
      if (expectedVersion !== undefined && row.current_version !== expectedVersion) {
        throw new StoreError(
          'VERSION_CONFLICT',
          `rule ${id} is at version ${row.current_version}, not ${expectedVersion}`,
        );
      }
      await trx.updateTable('rules').set({ deleted_at: new Date() }).where('id', '=', id).execute();
    });
  }

  async get(id: string, version?: number): Promise<RuleRecord | undefined> {
    const row = await this.db.selectFrom('rules').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.deleted_at !== null && version === undefined)) return undefined;
    return this.versionOf(row, version ?? row.current_version);
  }

  async list(): Promise<RuleRecord[]> {
    const rows = await this.currentVersions().where('rules.deleted_at', 'is', null).orderBy('rules.id').execute();
    return rows.map(recordOf);
  }

  /**
   * The rule an event of a ticket type follows: the ticket type's own live rule for that event, else the tenant's `*`
   * rule for it. A disabled rule of the ticket type's own switches the event off for that type (it does not fall back
   * to `*`). Undefined when no enabled rule applies.
   */
  async forTicket(tenant: string, ticketType: string, event = 'pending_approval'): Promise<RuleRecord | undefined> {
    return (await this.match(tenant, ticketType, event)).rule;
  }

  /** The rule an event follows (see forTicket), or why none does, in words an admin acts on. */
  async match(tenant: string, ticketType: string, event: string): Promise<{ rule?: RuleRecord; reason?: string }> {
    const matched = (await this.matchMany(tenant, ticketType, [event])).get(event);
    return matched ?? { reason: `no rule for ${ticketType} × ${event} (nor a * rule) in tenant ${tenant}` };
  }

  /**
   * forTicket for several events of one ticket type in one query (an approval pins the notices of all seven of its
   * transitions when it starts): event → its rule at its current version, or why it has none.
   */
  async matchMany(
    tenant: string,
    ticketType: string,
    events: readonly string[],
  ): Promise<Map<string, { rule?: RuleRecord; reason?: string }>> {
    const found = new Map<string, { rule?: RuleRecord; reason?: string }>();
    if (events.length === 0) return found;
    const rows = await this.currentVersions()
      .where('rules.tenant', '=', tenant)
      .where('rules.event', 'in', [...events])
      .where('rules.deleted_at', 'is', null)
      .where('rules.ticket_type', 'in', [ticketType, '*'])
      .execute();
    for (const event of events) {
      const own = rows.find((r) => r.event === event && r.ticket_type === ticketType);
      const row = own ?? rows.find((r) => r.event === event && r.ticket_type === '*');
      if (!row) continue;
      if (!row.enabled) {
        const which = row === own ? `${ticketType} × ${event}` : `* × ${event}`;
        found.set(event, { reason: `the rule for ${which} in tenant ${tenant} (${row.id}) is disabled` });
        continue;
      }
      found.set(event, { rule: recordOf(row) });
    }
    return found;
  }

  /** Live rules of a tenant that match `event` (a tenant's own state is in use while one does). */
  async matching(tenant: string, event: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('rules')
      .select('id')
      .where('tenant', '=', tenant)
      .where('event', '=', event)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Every rule with its current version's body (callers add the filters). */
  private currentVersions() {
    return this.db
      .selectFrom('rules')
      .innerJoin('rule_versions', (j) =>
        j.onRef('rule_versions.rule_id', '=', 'rules.id').onRef('rule_versions.version', '=', 'rules.current_version'),
      )
      .select([
        'rules.id',
        'rules.event',
        'rules.ticket_type',
        'rules.enabled',
        'rules.current_version',
        'rules.created_at',
        'rule_versions.body',
        'rule_versions.created_at as version_at',
      ]);
  }

  private async lockLive(trx: Tx, id: string): Promise<RuleRow> {
    const row = await trx.selectFrom('rules').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row || row.deleted_at !== null) throw new StoreError('NOT_FOUND', `no rule ${id}`);
    return row;
  }

  private async writeVersion(trx: Tx, id: string, version: number, rule: Rule): Promise<RuleRecord> {
    const row = await trx
      .insertInto('rule_versions')
      .values({ rule_id: id, version, body: JSON.stringify(rule) })
      .returning(['created_at'])
      .executeTakeFirstOrThrow();
    const at = new Date(row.created_at);
    const created = await trx.selectFrom('rules').select('created_at').where('id', '=', id).executeTakeFirstOrThrow();
    return { id, version, rule, createdAt: new Date(created.created_at), updatedAt: at };
  }

  private async versionOf(row: RuleRow, version: number): Promise<RuleRecord | undefined> {
    const v = await this.db
      .selectFrom('rule_versions')
      .selectAll()
      .where('rule_id', '=', row.id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!v) return undefined;
    return {
      id: row.id,
      version,
      rule: RuleSpec.parse(v.body),
      createdAt: new Date(row.created_at),
      updatedAt: new Date(v.created_at),
    };
  }
}

/** A rule at its current version, from a row of `currentVersions()`. */
function recordOf(row: { id: string; current_version: number; body: unknown; created_at: Date; version_at: Date }) {
  return {
    id: row.id,
    version: row.current_version,
    rule: RuleSpec.parse(row.body),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.version_at),
  } satisfies RuleRecord;
}

function matchColumns(rule: Rule) {
  return { tenant: rule.tenant, ticket_type: rule.match.ticketType, event: rule.match.event, enabled: rule.enabled };
}

function duplicate(err: unknown, rule: Rule, id: string): unknown {
  if (!isUniqueViolation(err)) return err;
  const { ticketType, event } = rule.match;
  return new StoreError(
    'DUPLICATE',
    `rule ${id} or another rule for ${rule.tenant} / ${ticketType} / ${event} already exists`,
    [{ path: 'match.ticketType', message: 'another rule already matches this tenant, ticket type and event' }],
  );
}
