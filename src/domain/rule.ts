import { z } from 'zod';
import { ChannelKind } from './channel.js';
import { ApprovalMode, ApprovalPolicy, GroupChat } from './policy.js';

const Millis = z
  .number()
  .int()
  .positive()
  .max(366 * 24 * 3600 * 1000);
const UserIds = z.array(z.string().min(1).max(128)).max(500).default([]);
const Roles = z.array(z.string().min(1).max(64)).max(20).default([]);

/** The events a rule can match; an approval becoming pending is the only one so far. */
export const RuleEvent = z.enum(['pending_approval']);
export type RuleEvent = z.infer<typeof RuleEvent>;

/** Business type a rule applies to, or `*` for the tenant's fallback rule. */
export const RuleTicketType = z
  .string()
  .regex(/^(\*|[a-z0-9][a-z0-9._-]{0,63})$/, 'a lower-case dotted ticket type (e.g. ticket.data_export) or *');

export const RuleRecipients = z.object({
  /** Members of these roles are asked. */
  roles: Roles,
  /** Named approvers (our user ids). */
  users: UserIds,
  /** Additional notification users: asked with the first level, beside the named users. */
  additionalUsers: UserIds,
});

export const EscalationLevel = z.object({
  /** Time after the approval started when this level is asked. */
  afterMs: Millis,
  recipients: RuleRecipients.omit({ additionalUsers: true }),
  /** Channels for this level; empty means the rule's channels. */
  channels: z.array(ChannelKind).max(4).default([]),
});

/** A notification rule: which tickets it matches, who is asked, how, and what happens in time. */
export const RuleSpec = z.object({
  name: z.string().min(1).max(200),
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
    .default('default'),
  match: z.object({ ticketType: RuleTicketType, event: RuleEvent.default('pending_approval') }),
  recipients: RuleRecipients,
  /** Channels to notify on; empty means each user's enabled channels. */
  channels: z.array(ChannelKind).max(4).default([]),
  approval: z.object({
    mode: ApprovalMode.default('any'),
    /** Distinct approvals needed in `quorum` mode. */
    quorum: z.number().int().min(1).max(100).optional(),
  }),
  reminders: z.object({ everyMs: Millis, max: z.number().int().min(0).max(50) }).optional(),
  escalations: z.array(EscalationLevel).max(9).default([]),
  deadline: z.object({ afterMs: Millis, outcome: z.enum(['expired', 'rejected']).default('expired') }),
  /** Approvers' group chats that also (or instead) get one shared card per approval; see GroupChat. */
  groupChats: z.array(GroupChat).max(4).optional(),
  enabled: z.boolean().default(true),
});
export type RuleSpec = z.infer<typeof RuleSpec>;
export type RuleSpecInput = z.input<typeof RuleSpec>;

/** `<rule id>@v<version>`: what an approval records as the rule version it follows. */
export function ruleVersionTag(ruleId: string, version: number): string {
  return `${ruleId}@v${version}`;
}

/** The approval policy a rule version stands for. Pure: the worker and the dry run use the same conversion. */
export function ruleToPolicy(rule: RuleSpec, ruleVersion?: string): ApprovalPolicy {
  const first = {
    approvers: [...new Set([...rule.recipients.users, ...rule.recipients.additionalUsers])],
    roles: rule.recipients.roles,
    channels: rule.channels,
    afterMs: 0,
  };
  const escalations = rule.escalations.map((e) => ({
    approvers: e.recipients.users,
    roles: e.recipients.roles,
    channels: e.channels.length > 0 ? e.channels : rule.channels,
    afterMs: e.afterMs,
  }));
  return {
    mode: rule.approval.mode,
    ...(rule.approval.quorum !== undefined ? { quorum: rule.approval.quorum } : {}),
    levels: [first, ...escalations],
    ...(rule.reminders ? { reminders: rule.reminders } : {}),
    deadlineMs: rule.deadline.afterMs,
    onDeadline: rule.deadline.outcome,
    ...(ruleVersion !== undefined ? { ruleVersion } : {}),
    ...(rule.groupChats ? { groupChats: rule.groupChats } : {}),
  };
}

/** Where a policy problem sits in the rule the admin wrote. */
function rulePath(path: readonly PropertyKey[]): PropertyKey[] {
  const [head, index, ...rest] = path;
  if (head === 'levels' && typeof index === 'number') {
    return index === 0 ? ['recipients', ...rest] : ['escalations', index - 1, ...rest];
  }
  if (head === 'deadlineMs') return ['deadline', 'afterMs'];
  if (head === 'quorum') return ['approval', 'quorum'];
  return [...path];
}

/** Checks a rule as the policy it becomes (quorum set, escalations in order, before the deadline), on rule paths. */
export function checkRule(rule: RuleSpec, ctx: z.RefinementCtx): void {
  if (rule.recipients.roles.length + rule.recipients.users.length + rule.recipients.additionalUsers.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'name at least one role or user to ask' });
  }
  const checked = ApprovalPolicy.safeParse(ruleToPolicy(rule));
  if (checked.success) return;
  for (const issue of checked.error.issues) {
    ctx.addIssue({ code: 'custom', path: rulePath(issue.path), message: issue.message });
  }
}

/** A valid rule: its spec, checked as the policy it becomes. */
export const Rule = RuleSpec.superRefine(checkRule);
export type Rule = z.infer<typeof Rule>;
