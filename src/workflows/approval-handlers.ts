/**
 * The workflow's message handlers. They only mutate the book (and answer); the rules are in approval-rules.ts.
 */
import { ApplicationFailure, condition, log, setHandler } from '@temporalio/workflow';
import type { DecisionRequest } from '../domain/approval.js';
import { DecisionRejection } from '../domain/state.js';
import type { DecideResult } from '../domain/state.js';
import type { ApprovalBook } from './approval-rules.js';
import { applyDecision, checkDecision, rejectionMessage, withdrawApproval } from './approval-rules.js';
import { cardAnswered, decide, decisionSignal, state as stateQuery, withdraw } from './definitions.js';

/** Registered before the first await, so messages that arrive while the policy loads are not lost. */
export function registerHandlers(book: ApprovalBook): void {
  const { state } = book;
  const rejected = (type: DecisionRejection, req: DecisionRequest) =>
    ApplicationFailure.create({
      type,
      message: rejectionMessage(type, req.userId, state.ticketId),
      nonRetryable: true,
    });
  // Decisions that arrive before the approvers are known wait for them; afterwards this is synchronous.
  const apply = async (req: DecisionRequest) => {
    if (!book.ready) await condition(() => book.ready || state.status !== 'pending');
    const mismatch = platformMismatch(book, req);
    if (mismatch) return { rejection: mismatch };
    return applyDecision(book, req, new Date());
  };
  setHandler(
    decide,
    async (req) => {
      const outcome = await apply(req);
      if ('rejection' in outcome) throw rejected(outcome.rejection, req);
      noteDecisiveClick(book, req, outcome.result);
      return outcome.result;
    },
    {
      validator: (req: DecisionRequest) => {
        const rejection = checkDecision(book, req) ?? platformMismatch(book, req);
        if (rejection) throw rejected(rejection, req);
      },
    },
  );
  setHandler(decisionSignal, async (req) => {
    const outcome = await apply(req);
    if ('rejection' in outcome)
      log.warn('decision signal ignored', { userId: req.userId, rejection: outcome.rejection });
  });
  setHandler(withdraw, ({ by, reason }) => {
    withdrawApproval(state, by, reason, new Date());
    return state;
  });
  setHandler(stateQuery, () => state);
  setHandler(cardAnswered, (answered) => {
    // Only the settling click's answer is ever looked at; anything else is dropped rather than kept in memory.
    if (answered.eventId === book.decisiveClick?.eventId) book.clickAnswers.set(answered.eventId, answered);
  });
}

/**
 * A card click that settled the approval through the update is answered with the clicker's card in its final state;
 * remember it, so the final round can wait briefly for the API to say the platform showed that answer.
 */
function noteDecisiveClick(book: ApprovalBook, req: DecisionRequest, result: DecideResult): void {
  if (!req.answerShowsCard || result.outcome !== 'applied' || result.status === 'pending') return;
  if (result.decision?.eventId !== req.eventId) return;
  book.decisiveClick = { eventId: req.eventId, userId: req.userId, kind: req.via };
}

/**
 * A card click names the clicker's platform user id: it must be the deciding approver's id on that channel. A group
 * chat card is the same for every member, so this, not the button, is what ties the click to an approver. Repeated
 * event ids and decisions after the outcome are answered as before; until the approvers are known the handler waits.
 */
function platformMismatch(book: ApprovalBook, req: DecisionRequest): DecisionRejection | undefined {
  const { state } = book;
  if (req.platformUserId === undefined || !book.ready) return undefined;
  if (book.answers.has(req.eventId) || state.status !== 'pending') return undefined;
  const recipient = state.recipients.find((r) => r.userId === req.userId);
  const matches = recipient?.channels.some((c) => c.kind === req.via && c.platformUserId === req.platformUserId);
  return matches ? undefined : DecisionRejection.NotApprover;
}
