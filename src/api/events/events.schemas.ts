import { z } from 'zod';
import { StartApprovalRequest } from '../../domain/approval.js';
import { ChannelKind } from '../../domain/channel.js';
import { CustomEventState, EventName } from '../../domain/notice.js';
import type { NoticeState } from '../../domain/notice-state.js';
import { PlatformCallsDoc } from '../approvals/approvals.schemas.js';

export { EventIdParam, EventName, TicketEventRequest } from '../../domain/notice.js';
export const TenantQuery = StartApprovalRequest.shape.tenant;
export const TicketIdQuery = StartApprovalRequest.shape.ticketId;

const Omission = z.object({ userId: z.string(), kind: ChannelKind.optional(), reason: z.string() });
const Failure = z.object({ code: z.string(), message: z.string() });
const NoticeStatus = z.enum(['delivering', 'delivered', 'partially_delivered', 'failed', 'nobody_notified']);

/** One event's notice: who it was for and how each delivery went (the `ticketNotice` run's state). */
export const NoticeView = z.object({
  workflowId: z.string(),
  runId: z.string(),
  eventId: z.string(),
  event: z.string(),
  label: z.string(),
  source: z.enum(['approval', 'ticket-system']),
  ticket: z.object({
    tenant: z.string(),
    ticketId: z.string(),
    ticketType: z.string(),
    title: z.string(),
    requester: z.object({ userId: z.string(), name: z.string().optional() }),
    fields: z.array(z.object({ label: z.string(), value: z.string() })),
    detailsUrl: z.string().optional(),
  }),
  occurredAt: z.string(),
  status: NoticeStatus.meta({
    description:
      'delivered: everyone it was for was told; partially_delivered: some were not (see deliveries, unreachable); ' +
      'failed: nobody was; nobody_notified: no rule matched or nobody was left to tell (see reason)',
  }),
  ruleVersion: z.string().optional().meta({ description: 'The rule version it followed, e.g. notice-approved@v1' }),
  reason: z.string().optional(),
  recipients: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      channels: z.array(z.object({ kind: ChannelKind, platformUserId: z.string() })),
    }),
  ),
  optedOut: z.array(Omission).meta({ description: 'People who switched this notice (or a channel for it) off' }),
  unreachable: z.array(Omission),
  deliveries: z.array(
    z.object({
      userId: z.string(),
      kind: ChannelKind,
      status: z.enum(['pending', 'sent', 'failed']),
      round: z.number().int().meta({ description: '1: the first channel tried; 2 and on: fallbacks' }),
      idempotencyKey: z.string(),
      ref: z.string().optional(),
      batched: z.boolean().optional(),
      error: Failure.optional(),
    }),
  ),
  groupMessages: z.array(
    z.object({
      kind: ChannelKind,
      chatId: z.string(),
      mode: z.enum(['also', 'instead']),
      status: z.enum(['pending', 'sent', 'failed']),
      idempotencyKey: z.string(),
      ref: z.string().optional(),
      error: Failure.optional(),
    }),
  ),
  platformCalls: PlatformCallsDoc,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  workflowStatus: z.string().meta({ description: 'The run: RUNNING, COMPLETED, …' }),
  links: z.object({ self: z.string(), temporalUi: z.url() }),
});
export type NoticeView = z.infer<typeof NoticeView>;

// The view is the workflow's own state with the run's identity: keep the document from drifting apart from it.
export type NoticeViewOfState = Omit<NoticeView, 'runId' | 'workflowStatus' | 'links'>;
const _same: NoticeViewOfState = {} as NoticeState;
void _same;

export const EventSummary = z.object({
  eventId: z.string(),
  event: z.string(),
  status: z.string().meta({ description: 'As the run last recorded it (NoticeStatus search attribute)' }),
  ticketId: z.string(),
  startedAt: z.iso.datetime(),
  closedAt: z.iso.datetime().optional(),
});
export const EventList = z.object({ events: z.array(EventSummary) });
export type EventList = z.infer<typeof EventList>;

/** A state in the tenant's catalogue: documented (approval transitions, ticket states) or the tenant's own. */
export const EventStateView = z.object({
  state: EventName,
  label: z.string(),
  source: z.enum(['approval', 'ticket', 'tenant']).meta({
    description: 'approval: raised by the approval itself; ticket / tenant: reported with POST /v1/events',
  }),
  description: z.string().optional(),
});
export type EventStateView = z.infer<typeof EventStateView>;
export const EventStateList = z.object({ tenant: z.string(), states: z.array(EventStateView) });
export type EventStateList = z.infer<typeof EventStateList>;

export const PutEventStateRequest = CustomEventState;
export type PutEventStateRequest = z.infer<typeof PutEventStateRequest>;
