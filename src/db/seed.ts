import type { StoredChannel } from '../channels/registry.js';
import type { ApprovalPolicy } from '../domain/policy.js';
import { z } from 'zod';
import { checkRule, Rule, RuleSpec, type RuleSpecInput } from '../domain/rule.js';
import type { User } from '../domain/user.js';
import { ChannelRepository } from './channels.repo.js';
import type { Database } from './database.js';
import { RuleRepository } from './rules.repo.js';
import type { SecretBox } from './secret-box.js';
import { inTransaction } from './transaction.js';
import { UserRepository } from './users.repo.js';

export interface SeedData {
  channels: StoredChannel[];
  users: User[];
  /** `{ "<ticketType>" | "default": policy }`, as config/policies.json holds them. */
  policies: Record<string, ApprovalPolicy>;
  /** Further rules (notices), as config/notice-rules.json holds them: each with the id it gets. */
  rules?: (Rule & { id: string })[];
}

/** A file of rules to seed: each a rule with its id. */
export const RulesFile = z.array(
  RuleSpec.extend({ id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,47}$/) }).superRefine(checkRule),
);

/** The rule equivalent to a policy of the policy file (`default` becomes the `*` fallback rule). */
export function policyToRule(ticketType: string, policy: ApprovalPolicy): Rule {
  const [first, ...rest] = policy.levels;
  const input: RuleSpecInput = {
    name: ticketType === 'default' ? 'Default approval' : `Approval of ${ticketType}`,
    match: { ticketType: ticketType === 'default' ? '*' : ticketType, event: 'pending_approval' },
    recipients: { roles: first?.roles ?? [], users: first?.approvers ?? [], additionalUsers: [] },
    channels: first?.channels ?? [],
    approval: { mode: policy.mode, ...(policy.quorum !== undefined ? { quorum: policy.quorum } : {}) },
    ...(policy.reminders ? { reminders: policy.reminders } : {}),
    escalations: rest.map((l) => ({
      afterMs: l.afterMs,
      recipients: { roles: l.roles, users: l.approvers },
      channels: l.channels,
    })),
    deadline: { afterMs: policy.deadlineMs, outcome: policy.onDeadline },
    ...(policy.groupChats ? { groupChats: policy.groupChats } : {}),
    enabled: true,
  };
  return Rule.parse(input);
}

/** A stable id for a seeded rule: `seed-ticket-data_export`, `seed-default`. */
export function seededRuleId(ticketType: string): string {
  return `seed-${ticketType.replace(/[^a-z0-9_-]/g, '-')}`;
}

/**
 * Fills an empty database once (sandbox mode: the simulator's channels, the directory's users, the policy file's
 * rules). A marker row makes it idempotent and race-free: a second process starting at the same time waits on
 * the marker's key, then finds it taken and seeds nothing. What an admin changed later is never overwritten.
 */
export async function seedOnce(db: Database, box: SecretBox, name: string, data: SeedData): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const marker = await trx
      .insertInto('meta')
      .values({ key: `seed:${name}`, value: new Date().toISOString() })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!marker) return false;
    const channels = new ChannelRepository(trx, box);
    for (const c of data.channels) await channels.put(c.kind, c.config as Record<string, unknown>, c.enabled);
    const users = new UserRepository(trx);
    for (const u of data.users) await users.insertIfMissing(u);
    const rules = new RuleRepository(trx);
    for (const [ticketType, policy] of Object.entries(data.policies)) {
      await rules.create(policyToRule(ticketType, policy), seededRuleId(ticketType));
    }
    for (const { id, ...rule } of data.rules ?? []) await rules.create(rule, id);
    return true;
  });
}
