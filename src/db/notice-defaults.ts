import { sql } from 'kysely';
import { Rule, type RuleSpecInput } from '../domain/rule.js';
import type { Database } from './database.js';
import { RuleRepository } from './rules.repo.js';
import { inTransaction } from './transaction.js';

/** The outcomes a requester (and a ticket type's additional users) hear of by default. */
const OUTCOMES = ['approved', 'rejected', 'expired'] as const;
/** The ticket system's results a requester hears of by default. */
const RESULTS = ['executed', 'execution_failed'] as const;

/** `notice-approved`, `notice-ticket-data_export-approved` (another tenant's: `notice-<tenant>-…`): stable ids. */
export function defaultNoticeRuleId(tenant: string, ticketType: string, event: string): string {
  const owner = tenant === 'default' ? '' : `${tenant}-`;
  const type = ticketType === '*' ? '' : `${ticketType.replace(/[^a-z0-9_-]/g, '-')}-`;
  return `notice-${owner}${type}${event}`.slice(0, 48);
}

/**
 * The notices every tenant gets on its first start (and databases from before notices on their next): the requester
 * hears the outcome of their approval (approved / rejected / expired) and whether their ticket executed; a ticket
 * type whose approval rule names additional users tells them the outcome too. Only cells without a rule of their own
 * are filled, once (a marker row), so an admin's later changes and deletions stay.
 */
export async function seedNoticeDefaults(db: Database, tenant = 'default'): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const marker = await trx
      .insertInto('meta')
      .values({ key: `seed:notice-defaults:${tenant}`, value: new Date().toISOString() })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!marker) return false;
    const rules = new RuleRepository(trx);
    const wanted: RuleSpecInput[] = [
      ...OUTCOMES.map((event) => tellRequester('*', event, [])),
      ...RESULTS.map((event) => tellRequester('*', event, [])),
    ];
    for (const approval of await rules.list()) {
      const { rule } = approval;
      if (rule.tenant !== tenant || rule.match.event !== 'pending_approval') continue;
      if (rule.match.ticketType === '*' || rule.recipients.additionalUsers.length === 0) continue;
      for (const event of OUTCOMES) {
        wanted.push(tellRequester(rule.match.ticketType, event, rule.recipients.additionalUsers));
      }
    }
    for (const spec of wanted) {
      const taken = await trx
        .selectFrom('rules')
        .select(sql<number>`1`.as('one'))
        .where('tenant', '=', tenant)
        .where('ticket_type', '=', spec.match.ticketType)
        .where('event', '=', spec.match.event ?? 'pending_approval')
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (taken) continue;
      const rule = Rule.parse({ ...spec, tenant });
      await rules.create(rule, defaultNoticeRuleId(tenant, rule.match.ticketType, rule.match.event));
    }
    return true;
  });
}

function tellRequester(ticketType: string, event: string, additionalUsers: string[]): RuleSpecInput {
  const who = additionalUsers.length > 0 ? 'the requester and the additional users' : 'the requester';
  return {
    name: `Tell ${who}: ${event.replace(/_/g, ' ')}`,
    match: { ticketType, event },
    recipients: { relative: ['requester'], additionalUsers },
  };
}
