import { z } from 'zod';
import { StartApprovalRequest } from '../../domain/approval.js';
import { ChannelKind } from '../../domain/channel.js';
import { EventName } from '../../domain/notice.js';
import { ApprovalMode } from '../../domain/policy.js';
import { checkRule, RuleSpec } from '../../domain/rule.js';

export const RuleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,47}$/, 'lower-case letters, digits, ".", "_" or "-" (max 48)');
export const RuleVersionParam = z.coerce.number().int().min(1).max(1_000_000);

/** Body of POST /v1/rules: a rule, with the id it should get (generated when left out). */
export const CreateRuleRequest = RuleSpec.extend({ id: RuleId.optional() }).superRefine(checkRule);
export type CreateRuleRequest = z.infer<typeof CreateRuleRequest>;

/** Body of PUT /v1/rules/:id: the whole rule, and the version it was read at (or send If-Match). */
export const UpdateRuleRequest = RuleSpec.extend({
  version: z.number().int().min(1).optional().meta({ description: 'The version this edit is based on (or If-Match)' }),
}).superRefine(checkRule);
export type UpdateRuleRequest = z.infer<typeof UpdateRuleRequest>;

export const RuleView = RuleSpec.extend({
  id: RuleId,
  version: z.number().int(),
  ruleVersion: z.string().meta({ description: 'What approvals following this version record, e.g. rule-1@v3' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().meta({ description: 'When this version was written' }),
});
export type RuleView = z.infer<typeof RuleView>;

export const RuleList = z.object({ rules: z.array(RuleView) });
export type RuleList = z.infer<typeof RuleList>;

/**
 * Body of POST /v1/rules/dry-run: a ticket as a ticket system would send it, the event to try (default: its approval
 * being requested), and optionally a draft rule.
 */
export const DryRunRequest = z
  .object({
    ticket: StartApprovalRequest.pick({ tenant: true, ticketType: true, requester: true }).extend({
      ticketId: StartApprovalRequest.shape.ticketId
        .optional()
        .meta({ description: 'A ticket whose approval names the `approvers` a rule tells (else see `approvers`)' }),
    }),
    /** The event to try; default the draft rule's, else pending_approval. */
    event: EventName.optional(),
    /** Who the relative `approvers` are, to try a rule that tells them (else read from `ticket.ticketId`'s approval). */
    approvers: z.array(z.string().min(1).max(128)).max(500).optional(),
    /** Try this rule instead of the stored one (nothing is saved). */
    rule: RuleSpec.superRefine(checkRule).optional(),
    /** Look platform ids up (through the cache) like a real approval does; false checks only what is stored. */
    resolve: z.boolean().default(true),
  })
  .superRefine((body, ctx) => {
    if (body.rule && body.event !== undefined && body.rule.match.event !== body.event) {
      const message = `the draft rule matches "${body.rule.match.event}", not "${body.event}"`;
      ctx.addIssue({ code: 'custom', path: ['event'], message });
    }
  });
export type DryRunRequest = z.infer<typeof DryRunRequest>;

const At = z.object({ afterMs: z.number().int(), at: z.iso.datetime() });
const Unreachable = z.object({ userId: z.string(), kind: ChannelKind.optional(), reason: z.string() });
const Reached = z.object({
  userId: z.string(),
  name: z.string(),
  channels: z.array(z.object({ kind: ChannelKind, platformUserId: z.string().optional() })),
});

/** Who is told of the event (for pending_approval: of the request, beside the approvers asked), and how. */
export const NoticeDryRun = z.object({
  deliverTo: z.enum(['one-channel', 'every-channel']),
  recipients: z.array(Reached).meta({ description: 'Each with the channels that reach them, in the order tried' }),
  optedOut: z.array(Unreachable),
  unreachable: z.array(Unreachable),
  groupChats: z.array(z.object({ kind: ChannelKind, chatId: z.string(), mode: z.enum(['also', 'instead']) })),
});
export type NoticeDryRun = z.infer<typeof NoticeDryRun>;

export const DryRunResult = z.object({
  source: z.enum(['rule', 'draft']),
  ruleVersion: z.string().optional(),
  event: EventName,
  mode: ApprovalMode.optional().meta({ description: 'pending_approval only, as are the fields below' }),
  requiredApprovals: z.number().int().optional(),
  levels: z
    .array(
      At.extend({
        level: z.number().int(),
        recipients: z.array(Reached),
        unreachable: z.array(Unreachable),
      }),
    )
    .optional(),
  reminders: z.array(At.extend({ reminder: z.number().int() })).optional(),
  deadline: At.extend({ outcome: z.enum(['expired', 'rejected']) }).optional(),
  notice: NoticeDryRun.optional().meta({ description: 'Who is told and how; absent when the rule tells nobody' }),
});
export type DryRunResult = z.infer<typeof DryRunResult>;
