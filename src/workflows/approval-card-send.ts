/**
 * The send rounds of an approval: a level's cards, one per recipient × channel, or one shared instance per platform
 * where the platform shows one card to many (SHARED_CARD_KINDS). Every fan-out uses Promise.allSettled and records
 * each failure on its delivery: a broken channel never fails the approval.
 */
import { log, patched } from '@temporalio/workflow';
import type { ChannelKind } from '../domain/channel.js';
import { SHARED_CARD_KINDS } from '../domain/channel-constants.js';
import type { Delivery } from '../domain/state.js';
import { channel, failureInfo } from './approval-activities.js';
import type { CardTarget } from './approval-cards.js';
import { addPlatformCalls } from './approval-calls.js';
import { countCardFailed, countCardSent } from './approval-metrics.js';
import { cardFor, contentHash, newDelivery, sharedCardFor, sharedCardIdempotencyKey } from './approval-cards.js';
import { instanceDeliveries, setInstanceHash } from './approval-card-instances.js';
import type { ApprovalBook } from './approval-rules.js';

/**
 * From this patch on, SHARED_CARD_KINDS get one card instance per approval (one send per round, one update and one
 * reminder per instance) and every delivery keeps the hash of what it shows, so unchanged cards are not updated.
 * Runs recorded before it keep one card per recipient.
 */
export const SHARED_CARD_PATCH = 'shared-dingtalk-card';

/**
 * Sends the round's cards in parallel and records each delivery as sent or failed: one card per target, except on
 * SHARED_CARD_KINDS where one instance reaches every target of that kind (per-recipient results kept).
 */
export async function sendCards(book: ApprovalBook, targets: readonly CardTarget[], level: number): Promise<void> {
  const { state } = book;
  const frugal = patched(SHARED_CARD_PATCH);
  const isShared = (t: CardTarget) => frugal && SHARED_CARD_KINDS.includes(t.kind);
  // Deliveries are recorded in target order, before any send starts.
  const sends = targets.map((target) => {
    const delivery = newDelivery(state.workflowId, target, level);
    if (isShared(target)) {
      delivery.idempotencyKey = sharedCardIdempotencyKey(state.workflowId, target.kind);
      delivery.shared = true;
    }
    state.deliveries.push(delivery);
    return { target, delivery };
  });
  const kinds = [...new Set(sends.filter((s) => s.delivery.shared).map((s) => s.target.kind))];
  await Promise.allSettled([
    ...sends.filter((s) => !s.delivery.shared).map((s) => sendOne(book, s, level, frugal)),
    ...kinds.map((kind) =>
      sendShared(
        book,
        kind,
        sends.filter((s) => s.delivery.shared && s.target.kind === kind),
        level,
      ),
    ),
  ]);
  noteUnreached(book, targets, level);
}

interface Send {
  target: CardTarget;
  delivery: Delivery;
}

async function sendOne(
  book: ApprovalBook,
  { target, delivery }: Send,
  level: number,
  keepHash: boolean,
): Promise<void> {
  const { reader } = target.recipient;
  const recipient = {
    userId: target.recipient.userId,
    name: target.recipient.name,
    platformUserId: target.platformUserId,
    ...(reader && { reader }),
  };
  const card = cardFor(book, recipient.userId, target.kind, level);
  const input = { kind: target.kind, recipient, card, idempotencyKey: delivery.idempotencyKey };
  try {
    const { cardRef, calls } = await channel(target.kind).sendCard.executeWithOptions(
      { summary: `card to ${recipient.name} via ${target.kind} (level ${level})` },
      [input],
    );
    addPlatformCalls(book.state, calls);
    delivery.status = 'sent';
    delivery.cardRef = cardRef;
    if (keepHash) delivery.contentHash = contentHash(card);
    countCardSent(target.kind);
  } catch (err) {
    delivery.status = 'failed';
    delivery.error = failureInfo(err);
    countCardFailed(target.kind, delivery.error.code);
  }
}

/**
 * One shared instance for every target of `kind` this round: created by the first round, delivered by later ones
 * (escalation) to the new recipients. Each recipient still gets a delivery, sent or failed with their own reason.
 */
async function sendShared(book: ApprovalBook, kind: ChannelKind, sends: readonly Send[], level: number): Promise<void> {
  const { state } = book;
  const idempotencyKey = sharedCardIdempotencyKey(state.workflowId, kind);
  const cardRef = state.deliveries.find((d) => d.shared && d.kind === kind && d.cardRef !== undefined)?.cardRef;
  const card = sharedCardFor(book, kind, level);
  const recipients = sends.map(({ target }) => ({
    userId: target.recipient.userId,
    name: target.recipient.name,
    platformUserId: target.platformUserId,
    nonce: card.nonce,
    ...(target.recipient.reader && { reader: target.recipient.reader }),
  }));
  try {
    const sent = await channel(kind).sendSharedCard.executeWithOptions(
      { summary: `shared card to ${sends.length} approver(s) via ${kind} (level ${level})` },
      [{ kind, card, recipients, idempotencyKey, ...(cardRef !== undefined && { cardRef }) }],
    );
    addPlatformCalls(state, sent.calls);
    const results = new Map(sent.results.map((r) => [r.platformUserId, r]));
    for (const { target, delivery } of sends) {
      const result = results.get(target.platformUserId);
      delivery.cardRef = sent.cardRef;
      if (result?.delivered) {
        delivery.status = 'sent';
        countCardSent(kind);
        continue;
      }
      delivery.status = 'failed';
      delivery.error = result?.error ?? {
        code: 'NOT_DELIVERED',
        message: `${kind} reported nothing for this recipient`,
      };
      countCardFailed(kind, delivery.error.code);
    }
    // A new instance shows this round's content. An escalation only adds spaces (every recipient shares the card's
    // nonce, so nothing is rewritten): the instance keeps showing what it showed.
    if (sends.some((s) => s.delivery.status === 'sent')) {
      const shown = instanceDeliveries(book, kind, sent.cardRef).find((d) => d.contentHash !== undefined);
      setInstanceHash(book, kind, sent.cardRef, shown?.contentHash ?? contentHash(card));
    }
  } catch (err) {
    const error = failureInfo(err);
    for (const { delivery } of sends) {
      delivery.status = 'failed';
      delivery.error = error;
      countCardFailed(kind, error.code);
    }
  }
}

/** A recipient none of whose cards arrived is listed as unreachable (with every channel's reason), never skipped. */
function noteUnreached(book: ApprovalBook, targets: readonly CardTarget[], level: number): void {
  const { state } = book;
  for (const userId of new Set(targets.map((t) => t.recipient.userId))) {
    const mine = state.deliveries.filter((d) => d.userId === userId && d.level === level);
    if (mine.some((d) => d.status === 'sent')) continue;
    const reasons = mine.map((d) => `${d.kind}: ${d.error?.code ?? 'not sent'}`).join(', ');
    state.unreachable.push({ userId, reason: `no card delivered (${reasons})` });
    log.warn('approver unreachable on every channel', { userId, reasons });
  }
}
