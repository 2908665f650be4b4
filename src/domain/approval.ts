import { z } from 'zod';
import { Locale } from '../i18n/locale-schema.js';
import { ApprovalPolicy } from './policy.js';

const Slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, "-" or "_"');

export const TicketField = z.object({
  label: z.string().min(1).max(64),
  value: z.string().max(500),
});
export type TicketField = z.infer<typeof TicketField>;

/** The ticket's title and fields in one more language (the ticket system's own words; ours are in src/i18n). */
export const TicketTranslation = z.object({
  title: z.string().min(1).max(200).optional(),
  /** The same fields in the same order, in this language (a list of another length is not used). */
  fields: z.array(TicketField).max(20).optional(),
});

/** What a ticket system sends to start an approval. Holds no secrets: it ends up in workflow history. */
export const StartApprovalRequest = z.object({
  tenant: Slug.default('default'),
  ticketId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-" (max 64)'),
  /** Business type, e.g. `ticket.data_export`; selects the approval policy. */
  ticketType: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case dotted name, e.g. ticket.data_export'),
  title: z.string().min(1).max(200),
  requester: z.object({ userId: z.string().min(1).max(128), name: z.string().min(1).max(100).optional() }),
  /** Key fields shown on the card (database, table, row count, reason, ...). */
  fields: z.array(TicketField).max(20).default([]),
  /** The ticket's page in the console (mobile friendly); cards link to it. */
  detailsUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Optional per-language title and fields; each reader sees theirs, else the ones above (shown as sent). */
  translations: z.partialRecord(Locale, TicketTranslation).optional(),
  /** Overrides the stored / configured policy for this ticket type. */
  policy: ApprovalPolicy.optional(),
  /** Where the outcome is POSTed (HMAC-SHA256 signed with the configured webhook secret). */
  callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type StartApprovalRequest = z.infer<typeof StartApprovalRequest>;
export type StartApprovalRequestInput = z.input<typeof StartApprovalRequest>;

/** Workflow input: the validated request. */
export type TicketApprovalInput = StartApprovalRequest;

export function approvalWorkflowId(tenant: string, ticketId: string): string {
  return `approval:${tenant}:${ticketId}`;
}

export const ApprovalStatus = z.enum(['pending', 'approved', 'rejected', 'expired', 'withdrawn']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const DecisionKind = z.enum(['approve', 'reject']);
export type DecisionKind = z.infer<typeof DecisionKind>;

/** One approver's decision as it reaches the workflow (over the API or from a verified card callback). */
export const DecisionRequest = z.object({
  /** Idempotency key: the platform event id, or a client-chosen id for API calls. */
  eventId: z.string().min(1).max(128),
  /** Our user id of the decider, established by authentication, never by the request body of a card. */
  userId: z.string().min(1).max(128),
  decision: DecisionKind,
  comment: z.string().max(1000).optional(),
  /** Where the decision came from. */
  via: z.enum(['api', 'dingtalk', 'dingtalk-exclusive', 'feishu', 'lark']).default('api'),
  /**
   * Card clicks: the clicker's verified platform user id on `via` (Feishu open_id, DingTalk userId). The workflow
   * accepts the decision only if it is `userId`'s id on that channel (group-chat cards carry no per-approver nonce).
   */
  platformUserId: z.string().min(1).max(128).optional(),
  /**
   * Card clicks on platforms that show the callback's answer card in place of the clicked card for everyone who sees
   * it (Feishu / Lark): the API will confirm with `cardAnswered` once its answer went out in time.
   */
  answerShowsCard: z.boolean().optional(),
});
export type DecisionRequest = z.infer<typeof DecisionRequest>;

/** The body of POST /v1/approvals/:ticketId/decisions (the user comes from the bearer token). */
export const DecisionBody = z.object({
  decision: DecisionKind,
  comment: z.string().max(1000).optional(),
  eventId: z.string().min(1).max(128).optional(),
});
export type DecisionBody = z.infer<typeof DecisionBody>;

export const WithdrawBody = z.object({ reason: z.string().max(500).optional() });
export type WithdrawBody = z.infer<typeof WithdrawBody>;
