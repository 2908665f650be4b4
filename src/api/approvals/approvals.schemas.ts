import { z } from 'zod';
import { ApprovalStatus, DecisionKind, StartApprovalRequest } from '../../domain/approval.js';
import { PLATFORM_API_KINDS } from '../../channels/call-observer.js';
import { ChannelKind } from '../../domain/channel.js';
import { ApprovalMode } from '../../domain/policy.js';
import type { ApprovalResult, ApprovalState, DecideResult } from '../../domain/state.js';
import type { TicketApprovalInput } from '../../domain/approval.js';

/** `:ticketId` and `?tenant=` use the same rules as the start request, so every id the API accepts can exist. */
export const TicketIdParam = StartApprovalRequest.shape.ticketId;
export const TenantQuery = StartApprovalRequest.shape.tenant;

/** The workflow's signature, by type only: the API starts it by name and never imports workflow code. */
export type TicketApprovalWorkflow = (input: TicketApprovalInput) => Promise<ApprovalResult>;
export const TICKET_APPROVAL_WORKFLOW = 'ticketApproval';

export const ApprovalLinks = z.object({
  self: z.string().meta({ description: 'This approval in the API' }),
  temporalUi: z.url().meta({ description: 'This run in the Temporal Web UI' }),
});
export type ApprovalLinks = z.infer<typeof ApprovalLinks>;

/** An approval's status as the API shows it: `failed` when its run ended without an outcome (terminated, ...). */
export const ViewStatus = z.enum([...ApprovalStatus.options, 'failed']);
export type ViewStatus = z.infer<typeof ViewStatus>;

export const StartApprovalResponse = z.object({
  workflowId: z.string(),
  runId: z.string(),
  ticketId: z.string(),
  tenant: z.string(),
  status: ViewStatus,
  links: ApprovalLinks,
});
export type StartApprovalResponse = z.infer<typeof StartApprovalResponse>;

// Response documents of the workflow's own types (src/domain/state.ts); the `satisfies` checks below keep them
// from drifting apart from the interfaces.
const DecisionRecordDoc = z.object({
  eventId: z.string(),
  userId: z.string(),
  name: z.string(),
  decision: DecisionKind,
  comment: z.string().optional(),
  via: z.string(),
  at: z.string(),
});
const PersonDoc = z.object({ userId: z.string(), name: z.string() });
const OutcomeDoc = z.object({
  status: ApprovalStatus.exclude(['pending']),
  by: PersonDoc.optional(),
  at: z.string(),
  reason: z.string().optional(),
});
const DeliveryDoc = z.object({
  userId: z.string(),
  kind: ChannelKind,
  level: z.number(),
  status: z.enum(['pending', 'sent', 'failed', 'updated', 'update_failed']),
  cardRef: z.string().optional(),
  idempotencyKey: z.string(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  remindersSent: z.number(),
  shared: z.boolean().optional().meta({ description: 'One view of a card instance shared by every recipient' }),
  contentHash: z.string().optional().meta({ description: 'Hash of the content the card last showed' }),
  shownByClickAnswer: z
    .boolean()
    .optional()
    .meta({ description: "Not updated: the settling click's answer already showed this card the outcome" }),
});
const CallsByApi = z.partialRecord(z.enum(PLATFORM_API_KINDS), z.number());
export const PlatformCallsDoc = z
  .object({
    total: z.number(),
    byApi: CallsByApi,
    byKind: z.partialRecord(ChannelKind, z.object({ total: z.number(), byApi: CallsByApi })),
  })
  .meta({ description: 'Platform API calls the approval spent, by kind of call and by platform' });
const UnreachableDoc = z.object({ userId: z.string(), kind: ChannelKind.optional(), reason: z.string() });
const RecipientDoc = z.object({
  userId: z.string(),
  name: z.string(),
  level: z.number(),
  channels: z.array(z.object({ kind: ChannelKind, platformUserId: z.string() })),
});

const GroupCardDoc = z
  .object({
    kind: ChannelKind,
    chatId: z.string(),
    mode: z.enum(['also', 'instead']),
    level: z.number(),
    status: DeliveryDoc.shape.status,
    cardRef: z.string().optional(),
    idempotencyKey: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    shownByClickAnswer: z
      .boolean()
      .optional()
      .meta({ description: "Not updated: the settling click's answer already showed this card the outcome" }),
  })
  .meta({ description: "The one card posted to an approvers' group chat (policy `groupChats`)" });

export const ApprovalStateDoc = z.object({
  workflowId: z.string(),
  tenant: z.string(),
  ticketId: z.string(),
  ticketType: z.string(),
  title: z.string(),
  requester: z.object({ userId: z.string(), name: z.string().optional() }),
  fields: z.array(z.object({ label: z.string(), value: z.string() })),
  detailsUrl: z.string().optional(),
  status: ApprovalStatus,
  mode: ApprovalMode,
  requiredApprovals: z.number(),
  ruleVersion: z.string().optional(),
  level: z.number(),
  levels: z.number(),
  recipients: z.array(RecipientDoc),
  unreachable: z.array(UnreachableDoc),
  deliveries: z.array(DeliveryDoc),
  decisions: z.array(DecisionRecordDoc),
  pendingApprovers: z.array(z.string()),
  deadlines: z.object({
    nextReminderAt: z.string().optional(),
    nextEscalationAt: z.string().optional(),
    finalDeadlineAt: z.string(),
  }),
  remindersSent: z.number(),
  platformCalls: PlatformCallsDoc.optional(),
  startedAt: z.string(),
  outcome: OutcomeDoc.optional(),
  callback: z.object({ status: z.enum(['delivered', 'failed']), error: z.string().optional() }).optional(),
  groupCards: z.array(GroupCardDoc).optional(),
}) satisfies z.ZodType<ApprovalState>;

/** GET /v1/approvals/:ticketId: the live state of a running approval, or what a closed one returned. */
export const ApprovalView = ApprovalStateDoc.partial().extend({
  workflowId: z.string(),
  runId: z.string(),
  tenant: z.string(),
  ticketId: z.string(),
  status: ViewStatus,
  workflowStatus: z.string().meta({ description: 'Temporal execution status: RUNNING, COMPLETED, TERMINATED, ...' }),
  links: ApprovalLinks,
});
export type ApprovalView = z.infer<typeof ApprovalView>;

export const DecideResultDoc = z.object({
  outcome: z.enum(['applied', 'already_decided']),
  status: ApprovalStatus,
  decision: DecisionRecordDoc.optional(),
  decidedBy: PersonDoc.optional(),
  decidedAt: z.string().optional(),
}) satisfies z.ZodType<DecideResult>;

/** 202: the workflow did not answer in time; the decision was stored durably and is applied when it runs. */
export const DecisionReceived = z.object({
  outcome: z.literal('received'),
  status: z.literal('pending'),
  eventId: z.string(),
});
export type DecisionReceived = z.infer<typeof DecisionReceived>;
export type DecideResponse = DecideResult | DecisionReceived;
