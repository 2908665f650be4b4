/** Pure card content, idempotency keys and human-readable labels for the approval workflow. */
import type { ApprovalCard, TicketOnCard } from '../domain/card.js';
import type { ChannelKind } from '../domain/channel.js';
import { cardIdempotencyKey, stableHash } from '../domain/ids.js';
import type { ApprovalState, Delivery, Recipient } from '../domain/state.js';
import type { ApprovalBook } from './approval-rules.js';

/** One card to send: a recipient on one of their channels. */
export interface CardTarget {
  recipient: Recipient;
  kind: ChannelKind;
  platformUserId: string;
}

/** Every recipient × channel they can be reached on; each is attempted, so one broken channel has a fallback. */
export function cardTargets(recipients: readonly Recipient[]): CardTarget[] {
  return recipients.flatMap((recipient) =>
    recipient.channels.map((c) => ({ recipient, kind: c.kind, platformUserId: c.platformUserId })),
  );
}

export function cardNonce(workflowId: string, userId: string, kind: ChannelKind): string {
  return stableHash(`${workflowId}|${userId}|${kind}|nonce`);
}

/** Same shape and length as a card key ('ab-' + 32 hex), so it fits every platform's idempotency field. */
export function reminderIdempotencyKey(workflowId: string, delivery: Delivery, reminder: number): string {
  return `ab-${stableHash(`${workflowId}|${delivery.level}|${delivery.userId}|${delivery.kind}|reminder|${reminder}`)}`;
}

/** The one card instance of a shared-card kind (DingTalk) per approval: deterministic per workflow × kind. */
export function sharedCardIdempotencyKey(workflowId: string, kind: ChannelKind): string {
  return `ab-${stableHash(`${workflowId}|${kind}|shared-card`)}`;
}

/** Reminder `reminder` on a shared card instance: one per instance, whoever is still undecided on it. */
export function sharedReminderIdempotencyKey(workflowId: string, kind: ChannelKind, reminder: number): string {
  return `ab-${stableHash(`${workflowId}|${kind}|shared-card|reminder|${reminder}`)}`;
}

/** Short hash of what a card shows (its nonce left out): equal hashes mean an update would change nothing. */
export function contentHash(card: ApprovalCard): string {
  const { nonce: _nonce, ...shown } = card;
  // Sorted keys: the API's click answer builds the same card in its own order.
  const sorted = Object.fromEntries(Object.entries(shown).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return stableHash(JSON.stringify(sorted)).slice(0, 12);
}

export function newDelivery(workflowId: string, target: CardTarget, level: number): Delivery {
  return {
    userId: target.recipient.userId,
    kind: target.kind,
    level,
    status: 'pending',
    idempotencyKey: cardIdempotencyKey(workflowId, level, target.recipient.userId, target.kind),
    remindersSent: 0,
  };
}

/** The ticket as every card of this approval shows it (the workflow's cards and a click answer's card alike). */
export function ticketOnCard(state: ApprovalState): TicketOnCard {
  return {
    tenant: state.tenant,
    ticketId: state.ticketId,
    ticketType: state.ticketType,
    title: state.title,
    requesterName: state.requester.name ?? state.requester.userId,
    fields: state.fields,
    ...(state.translations !== undefined && { translations: state.translations }),
    ...(state.detailsUrl !== undefined && { detailsUrl: state.detailsUrl }),
  };
}

/** The card for one recipient × channel; the same function renders the pending and every final state. */
export function cardFor(book: ApprovalBook, userId: string, kind: ChannelKind, level: number): ApprovalCard {
  const { state } = book;
  const outcome = state.outcome;
  return {
    ...ticketOnCard(state),
    deadlineAt: state.deadlines.finalDeadlineAt,
    status: state.status,
    level,
    ...(outcome?.by && { decidedBy: outcome.by.name }),
    ...(outcome && { decidedAt: outcome.at }),
    ...(outcome?.reason !== undefined && { reason: outcome.reason }),
    nonce: cardNonce(state.workflowId, userId, kind),
  };
}

/**
 * The nonce of a card every approver on a channel shares (a group chat card, a DingTalk shared instance): bound to
 * the approval and the channel, not to one approver. The platform's verified callback names the clicker, and the
 * API accepts the click only from an eligible approver on that channel with that platform id.
 */
export function sharedCardNonce(workflowId: string, kind: ChannelKind): string {
  return stableHash(`${workflowId}|${kind}|group|nonce`);
}

/**
 * The content of a shared card instance at round `level`: what every recipient sees, with the shared nonce, so no
 * recipient needs private data and an escalation is one deliver call.
 */
export function sharedCardFor(book: ApprovalBook, kind: ChannelKind, level: number): ApprovalCard {
  return { ...cardFor(book, '', kind, level), nonce: sharedCardNonce(book.state.workflowId, kind) };
}

export function recipientName(state: ApprovalState, userId: string): string {
  return state.recipients.find((r) => r.userId === userId)?.name ?? userId;
}

/** The "current details" line of the Temporal UI, e.g. "Data export #123 by alice — pending, level 1". */
export function detailsLine(state: ApprovalState): string {
  const who = state.requester.name ?? state.requester.userId;
  const head = `${state.title} #${state.ticketId} by ${who} — ${state.status}`;
  if (state.status === 'pending') {
    return `${head}, level ${state.level}/${state.levels}, waiting for ${state.pendingApprovers.join(', ') || 'nobody'}`;
  }
  const by = state.outcome?.by ? ` by ${state.outcome.by.name}` : '';
  const reason = state.outcome?.reason ? ` (${state.outcome.reason})` : '';
  return `${head}${by}${reason}`;
}

/** "14:05 UTC" style label for timer summaries; with the date when it is not today (workflow time). */
export function timeLabel(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}
