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

/** Feishu / Lark group chat id as the IM API returns it (`oc_` + 32 hex on the real platforms). */
export const FeishuChatId = z
  .string()
  .regex(/^oc_[A-Za-z0-9]{8,64}$/, 'a Feishu / Lark group chat id: "oc_" followed by letters and digits');

/**
 * DingTalk group chat id: the group's `openConversationId` (the IM_GROUP space id of card/instances/createAndDeliver),
 * e.g. `cidzJ4ssfff…8I1nhtTmg==`: "cid" followed by base64-like text.
 */
export const DingtalkChatId = z
  .string()
  .regex(
    /^cid[A-Za-z0-9+/=_-]{6,120}$/,
    'a DingTalk group chat id (openConversationId): "cid" followed by 6 to 120 letters, digits or + / = _ -',
  );

/** The platforms that can show an approval card in a group chat, and the chat id each one takes. */
export const GroupChatKind = z.enum(['feishu', 'lark', 'dingtalk', 'dingtalk-exclusive']);
export type GroupChatKind = z.infer<typeof GroupChatKind>;
const CHAT_ID_BY_KIND = {
  feishu: FeishuChatId,
  lark: FeishuChatId,
  dingtalk: DingtalkChatId,
  'dingtalk-exclusive': DingtalkChatId,
} satisfies Record<GroupChatKind, z.ZodString>;

/**
 * One approvers' group chat that gets one shared card per approval (sent at level 1, updated once with the outcome):
 * two counted calls whatever the number of approvers. The bot (DingTalk: the app's robot) must be a member of the
 * chat. Clicks count only from eligible approvers (matched by their platform user id on that kind); anyone else is
 * told they are not an approver. `chatId` is a Feishu / Lark `oc_…` chat id or a DingTalk `cid…` openConversationId.
 * - `also`: the group card and every approver's one-to-one card on that kind.
 * - `instead`: no one-to-one cards on that kind, at any level (escalated approvers must be in the chat too); if the
 *   group card cannot be delivered, the approvers get one-to-one cards after all.
 */
export const GroupChat = z
  .object({
    kind: GroupChatKind,
    chatId: z
      .string()
      .min(1)
      .max(128)
      .meta({ description: "Feishu / Lark: the `oc_…` chat id; DingTalk: the group's openConversationId (`cid…`)" }),
    mode: z.enum(['also', 'instead']).default('also'),
  })
  .superRefine((chat, ctx) => {
    const parsed = CHAT_ID_BY_KIND[chat.kind].safeParse(chat.chatId);
    if (parsed.success) return;
    const message = parsed.error.issues[0]?.message ?? `not a ${chat.kind} group chat id`;
    ctx.addIssue({ code: 'custom', path: ['chatId'], message });
  });
export type GroupChat = z.infer<typeof GroupChat>;

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
    /** Approvers' group chats that get one shared card per approval (absent: one-to-one cards only). */
    groupChats: z.array(GroupChat).max(4).optional(),
    /**
     * Approvers who switched approval requests (`pending_approval`) off in their notice settings are not asked. Off by
     * default: an approval request reaches its approvers whatever their settings.
     */
    respectUserSettings: z.boolean().optional(),
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
    checkGroupChats(p.groupChats ?? [], ctx);
  });
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;
export type ApprovalPolicyInput = z.input<typeof ApprovalPolicy>;

/** At most one group chat per platform: one shared card per approval and kind is what keeps the call count flat. */
function checkGroupChats(chats: readonly GroupChat[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  chats.forEach((chat, i) => {
    if (seen.has(chat.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['groupChats', i, 'kind'],
        message: `only one group chat per platform (${chat.kind} is listed twice)`,
      });
    }
    seen.add(chat.kind);
  });
}
