import { z } from 'zod';
import { ChannelKind } from './channel.js';
import { EventName, RelativeRecipient } from './notice.js';
import type { NoticeSpec } from './notice-state.js';
import { ApprovalMode, ApprovalPolicy, GroupChat } from './policy.js';

const Millis = z
  .number()
  .int()
  .positive()
  .max(366 * 24 * 3600 * 1000);
const UserIds = z.array(z.string().min(1).max(128)).max(500).default([]);
const Roles = z.array(z.string().min(1).max(64)).max(20).default([]);

/**
 * The event a rule matches: `pending_approval` (an approval is requested: the rule says who is asked and how the
 * approval runs), another approval transition, a documented ticket state, or a state the tenant defined.
 */
export const RuleEvent = EventName;
export type RuleEvent = z.infer<typeof RuleEvent>;

/** Business type a rule applies to, or `*` for the tenant's fallback rule. */
export const RuleTicketType = z
  .string()
  .regex(/^(\*|[a-z0-9][a-z0-9._-]{0,63})$/, 'a lower-case dotted ticket type (e.g. ticket.data_export) or *');

export const RuleRecipients = z.object({
  /** Members of these roles: asked to decide (pending_approval) or told (every other event). */
  roles: Roles,
  /** Named users: asked to decide (pending_approval) or told. */
  users: UserIds,
  /** Additional notification users: told, never asked. */
  additionalUsers: UserIds,
  /** Told, relative to the ticket: its `requester`; its `approvers` (those asked, or the ones who decided). */
  relative: z.array(RelativeRecipient).max(2).default([]),
});

export const EscalationLevel = z.object({
  /** Time after the approval started when this level is asked. */
  afterMs: Millis,
  recipients: RuleRecipients.pick({ roles: true, users: true }),
  /** Channels for this level; empty means the rule's channels. */
  channels: z.array(ChannelKind).max(4).default([]),
});

const approvalOnly = '(pending_approval rules only)';

/**
 * A notification rule: which tickets and which event it matches, who is asked or told, on which channels, and, for
 * `pending_approval`, how the approval runs (approval mode, reminders, escalations, deadline).
 */
export const RuleSpec = z.object({
  name: z.string().min(1).max(200),
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
    .default('default'),
  match: z.object({ ticketType: RuleTicketType, event: RuleEvent.default('pending_approval') }),
  recipients: RuleRecipients,
  /** Channels to notify on, in order of preference; empty means each user's enabled channels. */
  channels: z.array(ChannelKind).max(4).default([]),
  /**
   * Notices (everything but the approval card itself): `one-channel` (default) tells each person once, on the first of
   * the channels that reaches them, falling back to the next when it fails; `every-channel` tells them on each.
   */
  deliverTo: z.enum(['one-channel', 'every-channel']).optional(),
  /**
   * Whether people's own notice settings count. Default: honoured for notices; for the approvers a pending_approval
   * rule asks, ignored (an approval request reaches its approvers) unless this says `respect`.
   */
  userSettings: z.enum(['respect', 'ignore']).optional(),
  approval: z
    .object({
      mode: ApprovalMode.default('any'),
      /** Distinct approvals needed in `quorum` mode. */
      quorum: z.number().int().min(1).max(100).optional(),
    })
    .optional()
    .meta({ description: `How the approval is decided; required ${approvalOnly}` }),
  reminders: z
    .object({ everyMs: Millis, max: z.number().int().min(0).max(50) })
    .optional()
    .meta({ description: `Reminders to undecided approvers ${approvalOnly}` }),
  escalations: z
    .array(EscalationLevel)
    .max(9)
    .default([])
    .meta({ description: `Further levels asked in time ${approvalOnly}` }),
  deadline: z
    .object({ afterMs: Millis, outcome: z.enum(['expired', 'rejected']).default('expired') })
    .optional()
    .meta({ description: `When an undecided approval ends, and how; required ${approvalOnly}` }),
  /** Group chats that also (or instead) get the approval card or the notice, one message per chat; see GroupChat. */
  groupChats: z.array(GroupChat).max(4).optional(),
  enabled: z.boolean().default(true),
});
export type RuleSpec = z.infer<typeof RuleSpec>;
export type RuleSpecInput = z.input<typeof RuleSpec>;

/** Whether a rule asks for approvals (`pending_approval`) rather than telling people about an event. */
export function isApprovalRule(rule: Pick<RuleSpec, 'match'>): boolean {
  return rule.match.event === 'pending_approval';
}

/** `<rule id>@v<version>`: what an approval records as the rule version it follows. */
export function ruleVersionTag(ruleId: string, version: number): string {
  return `${ruleId}@v${version}`;
}

/**
 * The approval policy a `pending_approval` rule stands for: its roles and users are asked (additional users and the
 * relative recipients are told, see ruleToNoticeSpec). Pure: the worker and the dry run use the same conversion.
 */
export function ruleToPolicy(rule: RuleSpec, ruleVersion?: string): ApprovalPolicy {
  const first = {
    approvers: [...new Set(rule.recipients.users)],
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
  const approval = rule.approval ?? { mode: 'any' as const };
  return {
    mode: approval.mode,
    ...(approval.quorum !== undefined ? { quorum: approval.quorum } : {}),
    levels: [first, ...escalations],
    ...(rule.reminders ? { reminders: rule.reminders } : {}),
    deadlineMs: rule.deadline?.afterMs ?? 0,
    onDeadline: rule.deadline?.outcome ?? 'expired',
    ...(ruleVersion !== undefined ? { ruleVersion } : {}),
    ...(rule.groupChats ? { groupChats: rule.groupChats } : {}),
    ...(rule.userSettings === 'respect' ? { respectUserSettings: true } : {}),
  };
}

/**
 * Who a rule tells about its event, and how. For a `pending_approval` rule these are the ones told of the request
 * (its additional users and the requester), not the approvers it asks; undefined when it tells nobody.
 */
export function ruleToNoticeSpec(rule: RuleSpec, ruleVersion?: string): NoticeSpec | undefined {
  const approval = isApprovalRule(rule);
  const { roles, users, additionalUsers, relative } = rule.recipients;
  const spec: NoticeSpec = {
    ...(ruleVersion !== undefined ? { ruleVersion } : {}),
    roles: approval ? [] : roles,
    users: [...new Set(approval ? additionalUsers : [...users, ...additionalUsers])],
    relative: approval ? relative.filter((r) => r === 'requester') : relative,
    channels: rule.channels,
    deliverTo: rule.deliverTo ?? 'one-channel',
    groupChats: approval ? [] : (rule.groupChats ?? []),
    respectUserSettings: rule.userSettings !== 'ignore',
  };
  const anyone = spec.roles.length + spec.users.length + spec.relative.length + spec.groupChats.length > 0;
  return anyone ? spec : undefined;
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

/**
 * Checks a rule for its kind of event: a `pending_approval` rule as the policy it becomes (someone to ask, quorum set,
 * escalations in order, before the deadline), any other rule as a notice (someone to tell, no approval settings).
 */
export function checkRule(rule: RuleSpec, ctx: z.RefinementCtx): void {
  if (isApprovalRule(rule)) checkApprovalRule(rule, ctx);
  else checkNoticeRule(rule, ctx);
}

function checkApprovalRule(rule: RuleSpec, ctx: z.RefinementCtx): void {
  if (rule.recipients.roles.length + rule.recipients.users.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'name at least one role or user to ask' });
  }
  if (rule.recipients.relative.includes('approvers')) {
    const message = 'the approvers are asked by this rule (they get the approval card): tell them in another event';
    ctx.addIssue({ code: 'custom', path: ['recipients', 'relative'], message });
  }
  if (!rule.approval)
    ctx.addIssue({ code: 'custom', path: ['approval'], message: 'an approval rule needs `approval`' });
  if (!rule.deadline)
    ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'an approval rule needs `deadline`' });
  if (!rule.approval || !rule.deadline) return;
  const checked = ApprovalPolicy.safeParse(ruleToPolicy(rule));
  if (checked.success) return;
  for (const issue of checked.error.issues) {
    ctx.addIssue({ code: 'custom', path: rulePath(issue.path), message: issue.message });
  }
}

function checkNoticeRule(rule: RuleSpec, ctx: z.RefinementCtx): void {
  const { roles, users, additionalUsers, relative } = rule.recipients;
  if (roles.length + users.length + additionalUsers.length + relative.length + (rule.groupChats?.length ?? 0) === 0) {
    const message = 'name someone to tell: a role, a user, an additional user, requester / approvers or a group chat';
    ctx.addIssue({ code: 'custom', path: ['recipients'], message });
  }
  const only = `only a pending_approval rule has this (this rule tells people about "${rule.match.event}")`;
  for (const field of ['approval', 'reminders', 'deadline'] as const) {
    if (rule[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: only });
  }
  if (rule.escalations.length > 0) ctx.addIssue({ code: 'custom', path: ['escalations'], message: only });
  checkGroupChatsOnce(rule.groupChats ?? [], ctx);
}

/** At most one group chat per platform, as in an approval policy. */
function checkGroupChatsOnce(chats: readonly GroupChat[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  chats.forEach((chat, i) => {
    if (seen.has(chat.kind)) {
      const message = `only one group chat per platform (${chat.kind} is listed twice)`;
      ctx.addIssue({ code: 'custom', path: ['groupChats', i, 'kind'], message });
    }
    seen.add(chat.kind);
  });
}

/** A valid rule: its spec, checked for its kind of event. */
export const Rule = RuleSpec.superRefine(checkRule);
export type Rule = z.infer<typeof Rule>;
