import { z } from 'zod';
import { ChannelKind } from './channel.js';

const Millis = z
  .number()
  .int()
  .positive()
  .max(366 * 24 * 3600 * 1000);
const UserId = z.string().min(1).max(128);

/** Who is asked at one escalation level, and through which channels. */
export const ApprovalLevel = z.object({
  /** Named approvers (our user ids). */
  approvers: z.array(UserId).max(500).default([]),
  /** Roles whose members are approvers (resolved by the recipients activity). */
  roles: z.array(z.string().min(1).max(64)).max(20).default([]),
  /** Channels to notify on; empty means "each user's enabled channels". */
  channels: z.array(ChannelKind).max(4).default([]),
  /** Time after the approval started when this level is notified; level 1 must be 0 / omitted. */
  afterMs: z
    .number()
    .int()
    .min(0)
    .max(366 * 24 * 3600 * 1000)
    .default(0),
});
export type ApprovalLevel = z.infer<typeof ApprovalLevel>;

export const ApprovalMode = z.enum(['any', 'all', 'quorum']);
export type ApprovalMode = z.infer<typeof ApprovalMode>;

/**
 * How an approval is decided and how long it waits.
 * - `any`: the first approval approves. `quorum`: `quorum` distinct approvals. `all`: every eligible approver
 *   (everyone notified so far) approves. In every mode the first reject rejects.
 * - Reminders go to undecided approvers every `reminders.everyMs`, at most `reminders.max` times.
 * - Levels after the first are escalations, notified at their `afterMs` unless an outcome came first; earlier
 *   approvers stay eligible.
 * - At `deadlineMs` without an outcome the approval ends as `onDeadline`.
 */
export const ApprovalPolicy = z
  .object({
    mode: ApprovalMode.default('any'),
    quorum: z.number().int().min(1).max(100).optional(),
    levels: z.array(ApprovalLevel).min(1).max(10),
    reminders: z.object({ everyMs: Millis, max: z.number().int().min(0).max(50) }).optional(),
    deadlineMs: Millis,
    onDeadline: z.enum(['expired', 'rejected']).default('expired'),
    /** The stored rule version this policy came from, when it came from a rule. */
    ruleVersion: z.string().max(64).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.mode === 'quorum' && p.quorum === undefined) {
      ctx.addIssue({ code: 'custom', path: ['quorum'], message: 'quorum mode needs a quorum count' });
    }
    if ((p.levels[0]?.afterMs ?? 0) !== 0) {
      ctx.addIssue({ code: 'custom', path: ['levels', 0, 'afterMs'], message: 'the first level starts at once (0)' });
    }
    for (let i = 1; i < p.levels.length; i++) {
      const prev = p.levels[i - 1]?.afterMs ?? 0;
      const cur = p.levels[i]?.afterMs ?? 0;
      if (cur <= prev) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'afterMs'],
          message: 'levels must start in increasing order',
        });
      }
      if (cur >= p.deadlineMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'afterMs'],
          message: 'a level must start before the deadline',
        });
      }
    }
  });
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;
export type ApprovalPolicyInput = z.input<typeof ApprovalPolicy>;
