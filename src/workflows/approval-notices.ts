/**
 * The approval's own transitions as notification events: each one a rule tells anyone of (pinned when the approval
 * started, `policy.notices`) starts a `ticketNotice` child that outlives the approval. Runs recorded before notices
 * were pinned have none in their loadPolicy result, so they start no child and replay as before.
 */
import { log, ParentClosePolicy, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { LoadedPolicy } from '../activities/contract.js';
import { approvalEventId, noticeWorkflowId, type ApprovalEvent } from '../domain/events.js';
import type { NoticeInput, Person } from '../domain/notice-state.js';
import { noticeSearchAttributes } from '../domain/search-attributes.js';
import type { ApprovalState } from '../domain/state.js';
import { failureInfo } from './approval-activities.js';
import { ticketNotice } from './ticket-notice.js';

/** What the event says beyond the ticket: who it is about, who decided, why, which reminder or level. */
export type EventFacts = Pick<NoticeInput, 'approvers' | 'by' | 'reason' | 'level' | 'reminder'>;

/** Starts the event's notice when a rule tells anyone of it; a notice that cannot start is logged, never fatal. */
export async function raiseEvent(
  state: ApprovalState,
  policy: LoadedPolicy,
  event: ApprovalEvent,
  facts: EventFacts,
  n?: number,
): Promise<void> {
  const spec = policy.notices?.[event];
  if (!spec) return;
  const eventId = approvalEventId(state.ticketId, event, n);
  const input: NoticeInput = {
    eventId,
    event,
    source: 'approval',
    ticket: {
      tenant: state.tenant,
      ticketId: state.ticketId,
      ticketType: state.ticketType,
      title: state.title,
      requester: state.requester,
      fields: state.fields,
      ...(state.translations !== undefined && { translations: state.translations }),
      ...(state.detailsUrl !== undefined && { detailsUrl: state.detailsUrl }),
    },
    occurredAt: new Date().toISOString(),
    spec,
    ...facts,
  };
  try {
    await startChild(ticketNotice, {
      workflowId: noticeWorkflowId(state.tenant, eventId),
      args: [input],
      // The notice outlives the approval (the outcome's notice starts as the approval ends).
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: noticeSearchAttributes(state, event, 'delivering'),
      staticSummary: `${event} notice · ${state.title} #${state.ticketId}`.slice(0, 200),
    });
  } catch (err) {
    // Already started (a run of this ticket restarted after a failure told them before): nobody is told twice.
    log.warn('notice not started', { eventId, ...failureInfo(err) });
  }
}

/** What an outcome's event says: who decided (the approvers it is about) and why (a reject's comment, the deadline). */
export function outcomeFacts(state: ApprovalState): EventFacts {
  const outcome = state.outcome;
  const comment = state.decisions.find((d) => d.userId === outcome?.by?.userId)?.comment;
  const reason = outcome?.reason ?? comment;
  return {
    approvers: outcomeApprovers(state),
    ...(outcome?.by && { by: outcome.by }),
    ...(reason !== undefined && { reason }),
  };
}

/** The approvers an outcome is about: those who approved it, the one who rejected it, else everyone asked. */
function outcomeApprovers(state: ApprovalState): Person[] {
  const person = (p: { userId: string; name: string }) => ({ userId: p.userId, name: p.name });
  if (state.status === 'approved') return state.decisions.filter((d) => d.decision === 'approve').map(person);
  if (state.status === 'rejected' && state.outcome?.by) return [person(state.outcome.by)];
  return state.recipients.map(person);
}
