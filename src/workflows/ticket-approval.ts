/**
 * One ticket approval as a durable workflow: load the policy, send cards to the level 1 approvers, then wait for
 * decisions while reminding, escalating and finally expiring on schedule; show the outcome on every card and
 * tell the ticket system. Orchestration only: the rules live in approval-rules.ts / approval-schedule.ts.
 */
import { allHandlersFinished, ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import type { TicketApprovalInput } from '../domain/approval.js';
import type { ApprovalResult } from '../domain/state.js';
import type { LoadedPolicy, ResolveRecipientsResult } from '../activities/contract.js';
import { cardTargets, timeLabel } from './approval-cards.js';
import { failureInfo, notifyTicketSystem, orchestrationReads } from './approval-activities.js';
import { remindUndecided, updateCards } from './approval-card-followups.js';
import { sendCards } from './approval-card-send.js';
import { addPlatformCalls } from './approval-calls.js';
import { countCompleted, countEscalation, countPlatformCalls } from './approval-metrics.js';
import type { ApprovalBook } from './approval-rules.js';
import { addRecipients, applyPolicy, concludeAtDeadline, openBook, resultOf } from './approval-rules.js';
import { deadlinesOf, eventLabel, nextEvent, scheduleFor } from './approval-schedule.js';
import { trackVisibility } from './approval-visibility.js';
import { registerHandlers } from './approval-handlers.js';
import { sendGroupCards, updateGroupCards } from './approval-group-cards.js';
import { outcomeFacts, raiseEvent } from './approval-notices.js';

export async function ticketApproval(input: TicketApprovalInput): Promise<ApprovalResult> {
  const { workflowId, startTime } = workflowInfo();
  const startMs = startTime.getTime();
  const book = openBook(input, workflowId, startTime);
  const { state } = book;
  registerHandlers(book);
  const visibility = trackVisibility(state);

  const policy = await orchestrationReads().loadPolicy.executeWithOptions(
    { summary: `load policy for ${input.ticketType}` },
    [{ tenant: input.tenant, ticketType: input.ticketType, override: input.policy }],
  );
  applyPolicy(state, policy);
  const progress = () => ({ remindersSent: state.remindersSent, level: state.level });
  const reschedule = () => void (state.deadlines = deadlinesOf(scheduleFor(policy, startMs, progress())));
  reschedule();
  await notifyLevel(book, policy, 1);

  while (state.status === 'pending') {
    reschedule();
    const next = nextEvent(policy, startMs, progress());
    const wait = next.at - Date.now();
    const summary = `${eventLabel(next)} at ${timeLabel(next.at, Date.now())}`;
    if (wait > 0 && (await condition(() => state.status !== 'pending', wait, { summary }))) break;
    switch (next.kind) {
      case 'reminder':
        state.remindersSent = next.reminder;
        await remindUndecided(book, next.reminder);
        await raiseEvent(
          state,
          policy,
          'reminder',
          { reminder: next.reminder, approvers: pending(book) },
          next.reminder,
        );
        break;
      case 'escalation':
        countEscalation(next.level);
        await notifyLevel(book, policy, next.level);
        break;
      case 'deadline':
        concludeAtDeadline(state, policy.onDeadline, new Date());
        break;
    }
  }
  visibility.sync();
  countCompleted(state.status);
  return finish(book, policy, input.callbackUrl);
}

/** The approvers still asked, by name (for the reminder's notice). */
function pending(book: ApprovalBook) {
  const { state } = book;
  return state.recipients
    .filter((r) => state.pendingApprovers.includes(r.userId))
    .map((r) => ({ userId: r.userId, name: r.name }));
}

/** Resolves one level's approvers, makes them eligible, sends them cards (round = level) and raises the event. */
async function notifyLevel(book: ApprovalBook, policy: LoadedPolicy, level: number): Promise<void> {
  const { state } = book;
  const spec = policy.levels[level - 1];
  if (!spec) return;
  let resolved: ResolveRecipientsResult = { recipients: [], unreachable: [] };
  try {
    resolved = await orchestrationReads().resolveRecipients.executeWithOptions(
      { summary: `resolve level ${level} approvers` },
      [
        {
          tenant: state.tenant,
          level,
          spec,
          requesterId: state.requester.userId,
          ...(policy.respectUserSettings && { respectUserSettings: true }),
        },
      ],
    );
  } catch (err) {
    // Nobody to ask at this level: recorded, and the approval still escalates or reaches its deadline.
    const { code, message } = failureInfo(err);
    state.unreachable.push({ userId: '*', reason: `level ${level} approvers not resolved (${code}: ${message})` });
  }
  addPlatformCalls(state, resolved.calls);
  if (resolved.tenantReader) state.tenantReader = resolved.tenantReader;
  book.ready = true;
  if (state.status !== 'pending') return;
  state.level = level;
  state.unreachable.push(...resolved.unreachable);
  const added = addRecipients(
    state,
    resolved.recipients.map((r) => ({ ...r, level })),
  );
  await sendCards(book, await sendGroupCards(book, policy, level, cardTargets(added)), level);
  const asked = added.map((r) => ({ userId: r.userId, name: r.name }));
  if (level === 1) await raiseEvent(state, policy, 'pending_approval', { approvers: asked });
  else await raiseEvent(state, policy, 'escalated', { level, approvers: asked }, level);
}

/**
 * Raises the outcome's event, shows the outcome on the cards, tells the ticket system, and returns once every handler
 * has finished. The outcome's notice starts beside the card updates, so the requester hears as soon as the approvers.
 */
async function finish(
  book: ApprovalBook,
  policy: LoadedPolicy,
  callbackUrl: string | undefined,
): Promise<ApprovalResult> {
  const { state } = book;
  await Promise.all([
    state.outcome ? raiseEvent(state, policy, state.outcome.status, outcomeFacts(state)) : undefined,
    updateCards(book).then(() => updateGroupCards(book)),
  ]);
  if (callbackUrl) {
    const error = await notifyTicketSystem(callbackUrl, result(book));
    state.callback = error === undefined ? { status: 'delivered' } : { status: 'failed', error };
  }
  await condition(allHandlersFinished);
  countPlatformCalls(state.platformCalls);
  return result(book);
}

function result(book: ApprovalBook): ApprovalResult {
  const r = resultOf(book.state);
  if (!r) throw ApplicationFailure.nonRetryable('the approval ended without an outcome', 'NO_OUTCOME');
  return r;
}
