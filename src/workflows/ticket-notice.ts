/**
 * One notification event as a durable workflow: find out who the pinned rule tells (and on which channels), post to
 * its group chats, tell each person on their first channel and fall back to the next when it fails, then say how it
 * went. Orchestration only: the bookkeeping is in notice-book.ts, the sends in notice-delivery.ts.
 */
import { proxyLocalActivities, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { workflowInfo } from '@temporalio/workflow';
import type { NoticeOrchestrationActivities } from '../activities/contract.js';
import type { NoticeInput, NoticeState } from '../domain/notice-state.js';
import { addCallTally } from '../domain/platform-calls.js';
import { noticeSearchAttributes, NoticeStatusKey } from '../domain/search-attributes.js';
import { failureInfo, READS } from './approval-activities.js';
import { applyPlan, concludeNotice, noticeCardOf, noticeDetails, openNotice, type NoticeStop } from './notice-book.js';
import { noticeState } from './notice-definitions.js';
import { deliverNotice } from './notice-delivery.js';
import { countNotice } from './notice-metrics.js';

// The plan reads the directory and looks platform ids up: a local activity, retried like the approval's reads.
const local = proxyLocalActivities<NoticeOrchestrationActivities>(READS);

export async function ticketNotice(input: NoticeInput): Promise<NoticeState> {
  const { workflowId, startTime } = workflowInfo();
  const state = openNotice(input, workflowId, startTime);
  setHandler(noticeState, () => state);
  // Set by whoever starts the run too; kept here so runs started any other way are found the same way.
  upsertSearchAttributes(noticeSearchAttributes(input.ticket, input.event, state.status));
  let stop: NoticeStop | undefined = input.spec
    ? undefined
    : { status: 'nobody_notified', reason: input.unmatched ?? 'no rule applies to this event' };
  if (input.spec) {
    try {
      const plan = await local.planNotice.executeWithOptions({ summary: `who is told of ${state.label}` }, [
        {
          tenant: input.ticket.tenant,
          event: input.event,
          spec: input.spec,
          ticketId: input.ticket.ticketId,
          requesterId: input.ticket.requester.userId,
          ...(input.approvers && { approverIds: input.approvers.map((a) => a.userId) }),
        },
      ]);
      addCallTally(state.platformCalls, plan.calls);
      applyPlan(state, plan);
      await deliverNotice(state, input.spec, noticeCardOf(input));
    } catch (err) {
      // The directory stayed unreadable for the reads' whole hour: say so instead of failing the run.
      const { code, message } = failureInfo(err);
      stop = { status: 'failed', reason: `who to tell could not be found out (${code}: ${message})` };
    }
  }
  concludeNotice(state, new Date(), stop);
  upsertSearchAttributes([{ key: NoticeStatusKey, value: state.status }]);
  setCurrentDetails(noticeDetails(state));
  countNotice(state);
  return state;
}
