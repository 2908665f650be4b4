import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import type { WorkflowStartOptions } from '@temporalio/client';
import { APPROVALS_TASK_QUEUE } from '../domain/channel.js';
import { eventLabel, noticeWorkflowId } from '../domain/events.js';
import { stableHash } from '../domain/ids.js';
import type { TicketEventRequest } from '../domain/notice.js';
import type { NoticeInput, NoticeSpec, NoticeState } from '../domain/notice-state.js';
import { noticeSearchAttributes } from '../domain/search-attributes.js';

/** The workflow's signature, by type only: clients start it by name and never import workflow code. */
export type TicketNoticeWorkflow = (input: NoticeInput) => Promise<NoticeState>;
export const TICKET_NOTICE_WORKFLOW = 'ticketNotice';

/** What makes two reports of one event id the same event: their content (kept in the run's memo). */
export function eventFingerprint(event: unknown): string {
  return stableHash(JSON.stringify(event));
}

/** The Temporal UI's one line for a notice run, e.g. "Executed · Export orders #T-1 (notice-executed@v1)". */
export function noticeSummary(input: NoticeInput): string {
  const rule = input.spec?.ruleVersion ?? 'no rule';
  const line = `${eventLabel(input.event, input.label)} · ${input.ticket.title} #${input.ticket.ticketId} (${rule})`;
  return line.replace(/\s+/g, ' ').slice(0, 200);
}

/**
 * How a reported event's notice is started (by the API and the client helpers alike): one run per tenant and event
 * id, never reused (the event id stays its idempotency key for as long as the namespace keeps the run), its content's
 * fingerprint in the memo, and what operators filter on in the Temporal UI.
 */
export function noticeStartOptions(
  input: NoticeInput,
  fingerprint: string,
  taskQueue: string = APPROVALS_TASK_QUEUE,
): WorkflowStartOptions<TicketNoticeWorkflow> {
  const { ticket } = input;
  return {
    workflowId: noticeWorkflowId(ticket.tenant, input.eventId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    memo: { fingerprint },
    typedSearchAttributes: noticeSearchAttributes(ticket, input.event, 'delivering'),
    staticSummary: noticeSummary(input),
  };
}

/**
 * A reported event as its notice's input (the API and the client helpers alike): the ticket as sent, and whom to tell
 * (the pinned rule's `spec`), or why nobody is told (`unmatched`). `label` names a tenant's own state.
 */
export function noticeOfEvent(
  event: TicketEventRequest,
  tell: { spec: NoticeSpec } | { unmatched: string },
  label?: string,
): NoticeInput {
  return {
    eventId: event.eventId,
    event: event.state,
    ...(label !== undefined && { label }),
    source: 'ticket-system',
    ticket: {
      tenant: event.tenant,
      ticketId: event.ticketId,
      ticketType: event.ticketType,
      title: event.title,
      requester: event.requester,
      fields: event.fields,
      ...(event.detailsUrl !== undefined && { detailsUrl: event.detailsUrl }),
      ...(event.translations !== undefined && { translations: event.translations }),
    },
    occurredAt: event.occurredAt ?? new Date().toISOString(),
    ...(event.note !== undefined && { note: event.note }),
    ...tell,
  };
}
