import { formatTime } from '../../channels/feishu/feishu.card.js';
import type { ApprovalCard } from '../../domain/card.js';
import type { ChannelKind } from '../../domain/channel.js';
import type { ApprovalResult, ApprovalState, DecideResult, Recipient } from '../../domain/state.js';
import { cardNonce } from '../../workflows/approval-cards.js';
import { lateDecision } from '../approvals/approval-views.js';
import type { DecideResponse } from '../approvals/approvals.schemas.js';
import type { ApiErrorCode } from '../common/api-error.js';
import type { ClickAnswer } from './card-click.js';

/** What the clicker is told in every case; pure, so each message is tested on its own. */
export const NOT_AN_APPROVER = 'You are not an approver of this ticket';

export function notAnApprover(): ClickAnswer {
  return { tone: 'error', message: NOT_AN_APPROVER, hideActions: false, final: true };
}

const REFUSALS: Partial<Record<ApiErrorCode, ClickAnswer>> = {
  NOT_AN_APPROVER: notAnApprover(),
  REQUESTER_CANNOT_DECIDE: {
    tone: 'error',
    message: 'You requested this ticket and cannot decide it',
    hideActions: true,
    final: true,
  },
  ALREADY_VOTED: {
    tone: 'warning',
    message: 'You have already decided on this ticket',
    hideActions: true,
    final: true,
  },
};

/** The workflow refused the decision (its update validator), by the API's error code. */
export function refused(code: ApiErrorCode): ClickAnswer {
  return (
    REFUSALS[code] ?? { tone: 'error', message: 'This decision was not accepted', hideActions: false, final: true }
  );
}

export function missing(): ClickAnswer {
  return { tone: 'warning', message: 'This approval no longer exists', hideActions: true, final: true };
}

/** The run ended without an outcome (terminated, failed). */
export function endedWithoutOutcome(): ClickAnswer {
  return { tone: 'warning', message: 'This approval has ended', hideActions: true, final: true };
}

/** Temporal could not be reached: nothing was recorded, and the clicker is told so (the click may be retried). */
export function unrecorded(): ClickAnswer {
  return {
    tone: 'error',
    message: 'Your decision could not be recorded right now; please try again in a minute',
    hideActions: false,
    final: false,
  };
}

/** A click on a closed approval: "already approved by X at T" (its cards already show the outcome). */
export function closed(result: ApprovalResult): ClickAnswer {
  return { tone: 'warning', message: alreadyText(lateDecision(result)), hideActions: true, final: true };
}

export interface Decider {
  state?: ApprovalState;
  recipient: Recipient;
  kind: ChannelKind;
}

/** The answer to a decision the workflow took (or stored durably as "received"). */
export function decided(response: DecideResponse, who: Decider): ClickAnswer {
  if (response.outcome === 'received') {
    return { tone: 'info', message: 'Received: your decision is being processed', hideActions: true, final: false };
  }
  if (response.outcome === 'already_decided') {
    const card = clickerCard(who, response.status, response.decidedBy?.name, response.decidedAt);
    return { tone: 'warning', message: alreadyText(response), hideActions: true, final: true, ...card };
  }
  const verb = response.decision?.decision === 'reject' ? 'rejected' : 'approved';
  if (response.status === 'pending') {
    const message = `Recorded: you ${verb}. Waiting for the other approvers`;
    return { tone: 'success', message, hideActions: true, final: true };
  }
  const card = clickerCard(who, response.status, response.decision?.name, response.decision?.at);
  return { tone: 'success', message: `You ${verb} this request`, hideActions: true, final: true, ...card };
}

function alreadyText(result: DecideResult): string {
  const at = result.decidedAt ? ` at ${formatTime(result.decidedAt)}` : '';
  switch (result.status) {
    case 'approved':
    case 'rejected':
      return `Already ${result.status}${result.decidedBy ? ` by ${result.decidedBy.name}` : ''}${at}`;
    case 'expired':
      return `This approval expired${at}`;
    case 'withdrawn':
      return `This request was withdrawn${at}`;
    case 'pending':
      return 'This approval is still pending';
  }
}

/**
 * The clicker's card in the final state, rendered from the same fields the workflow's `cardFor` uses, so the card
 * the platform shows at once matches the one the workflow writes to every recipient moments later.
 */
function clickerCard(
  who: Decider,
  status: ApprovalCard['status'],
  decidedBy: string | undefined,
  decidedAt: string | undefined,
): { card?: ApprovalCard } {
  const { state, recipient, kind } = who;
  if (!state || status === 'pending') return {};
  const delivery = state.deliveries.find((d) => d.userId === recipient.userId && d.kind === kind);
  const reason = state.outcome?.status === status ? state.outcome.reason : undefined;
  const card: ApprovalCard = {
    tenant: state.tenant,
    ticketId: state.ticketId,
    ticketType: state.ticketType,
    title: state.title,
    requesterName: state.requester.name ?? state.requester.userId,
    fields: state.fields,
    ...(state.detailsUrl !== undefined && { detailsUrl: state.detailsUrl }),
    deadlineAt: state.deadlines.finalDeadlineAt,
    status,
    level: delivery?.level ?? recipient.level,
    ...(decidedBy !== undefined && { decidedBy }),
    ...(decidedAt !== undefined && { decidedAt }),
    ...(reason !== undefined && { reason }),
    nonce: cardNonce(state.workflowId, recipient.userId, kind),
  };
  return { card };
}
