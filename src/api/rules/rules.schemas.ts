import { z } from 'zod';
import { StartApprovalRequest } from '../../domain/approval.js';
import { ChannelKind } from '../../domain/channel.js';
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

/** Body of POST /v1/rules/dry-run: a ticket as a ticket system would send it, and optionally a draft rule. */
export const DryRunRequest = z.object({
  ticket: StartApprovalRequest.pick({ tenant: true, ticketType: true, requester: true }),
  /** Try this rule instead of the stored one (nothing is saved). */
  rule: RuleSpec.superRefine(checkRule).optional(),
  /** Look platform ids up (through the cache) like a real approval does; false checks only what is stored. */
  resolve: z.boolean().default(true),
});
export type DryRunRequest = z.infer<typeof DryRunRequest>;

const At = z.object({ afterMs: z.number().int(), at: z.iso.datetime() });
const Unreachable = z.object({ userId: z.string(), kind: ChannelKind.optional(), reason: z.string() });

export const DryRunResult = z.object({
  source: z.enum(['rule', 'draft']),
  ruleVersion: z.string().optional(),
  mode: ApprovalMode,
  requiredApprovals: z.number().int(),
  levels: z.array(
    At.extend({
      level: z.number().int(),
      recipients: z.array(
        z.object({
          userId: z.string(),
          name: z.string(),
          channels: z.array(z.object({ kind: ChannelKind, platformUserId: z.string().optional() })),
        }),
      ),
      unreachable: z.array(Unreachable),
    }),
  ),
  reminders: z.array(At.extend({ reminder: z.number().int() })),
  deadline: At.extend({ outcome: z.enum(['expired', 'rejected']) }),
});
export type DryRunResult = z.infer<typeof DryRunResult>;
