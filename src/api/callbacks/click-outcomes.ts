import type { ApprovalCard } from '../../domain/card.js';
import type { ChannelKind } from '../../domain/channel.js';
import { text, type LocalText } from '../../i18n/say.js';
import type { ApprovalResult, ApprovalState, DecideResult, Recipient } from '../../domain/state.js';
import { cardNonce, ticketOnCard } from '../../workflows/approval-cards.js';
import { lateDecision } from '../approvals/approval-views.js';
import type { DecideResponse } from '../approvals/approvals.schemas.js';
import type { ApiErrorCode } from '../common/api-error.js';
import type { ClickAnswer } from './card-click.js';

/** What the clicker is told in every case, in no language yet (each platform says it in the clicker's); pure. */
export function notAnApprover(): ClickAnswer {
  return { tone: 'error', message: text('answer.notApprover'), hideActions: false, final: true };
}

const REFUSALS: Partial<Record<ApiErrorCode, ClickAnswer>> = {
  NOT_AN_APPROVER: notAnApprover(),
  REQUESTER_CANNOT_DECIDE: {
    tone: 'error',
    message: text('answer.requesterCannotDecide'),
    hideActions: true,
    final: true,
  },
  ALREADY_VOTED: {
    tone: 'warning',
    message: text('answer.alreadyVoted'),
    hideActions: true,
    final: true,
  },
};

/** The workflow refused the decision (its update validator), by the API's error code. */
export function refused(code: ApiErrorCode): ClickAnswer {
  return REFUSALS[code] ?? { tone: 'error', message: text('answer.notAccepted'), hideActions: false, final: true };
}

export function missing(): ClickAnswer {
  return { tone: 'warning', message: text('answer.missing'), hideActions: true, final: true };
}

/** The run ended without an outcome (terminated, failed). */
export function endedWithoutOutcome(): ClickAnswer {
  return { tone: 'warning', message: text('answer.ended'), hideActions: true, final: true };
}

/** Temporal could not be reached: nothing was recorded, and the clicker is told so (the click may be retried). */
export function unrecorded(): ClickAnswer {
  return {
    tone: 'error',
    message: text('answer.unrecorded'),
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
    return { tone: 'info', message: text('answer.received'), hideActions: true, final: false };
  }
  if (response.outcome === 'already_decided') {
    const card = clickerCard(who, response.status, response.decidedBy?.name, response.decidedAt);
    return { tone: 'warning', message: alreadyText(response), hideActions: true, final: true, ...card };
  }
  const decision = response.decision?.decision === 'reject' ? 'reject' : 'approve';
  if (response.status === 'pending') {
    return { tone: 'success', message: text(`answer.recorded.${decision}`), hideActions: true, final: true };
  }
  const card = clickerCard(who, response.status, response.decision?.name, response.decision?.at);
  return { tone: 'success', message: text(`answer.done.${decision}`), hideActions: true, final: true, ...card };
}

/** "Already approved by Bob Li at Dec 6, 06:20"; without a name or time, the nearest thing we know. */
function alreadyText(result: DecideResult): LocalText {
  const time = result.decidedAt ? { at: result.decidedAt } : '';
  switch (result.status) {
    case 'approved':
    case 'rejected':
      return text(`answer.already.${result.status}`, { name: result.decidedBy?.name ?? '', time });
    case 'expired':
    case 'withdrawn':
      return text(`answer.already.${result.status}`, { time });
    case 'pending':
      return text('answer.already.pending');
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
    ...ticketOnCard(state),
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
