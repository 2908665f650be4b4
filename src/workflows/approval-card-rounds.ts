/**
 * The card rounds of an approval: send a level's cards, remind the undecided, show the outcome on every card. Every
 * fan-out uses Promise.allSettled and records each failure on its delivery: a broken channel never fails the approval.
 */
import { condition, log, patched } from '@temporalio/workflow';
import type { ChannelKind } from '../domain/channel.js';
import { SHARED_CARD_KINDS } from '../domain/channel-constants.js';
import type { Delivery } from '../domain/state.js';
import { channel, failureInfo } from './approval-activities.js';
import type { CardTarget } from './approval-cards.js';
import { addPlatformCalls } from './approval-calls.js';
import { countCardFailed, countCardSent } from './approval-metrics.js';
import {
  cardFor,
  contentHash,
  newDelivery,
  recipientName,
  reminderIdempotencyKey,
  sharedCardFor,
  sharedCardIdempotencyKey,
  sharedReminderIdempotencyKey,
} from './approval-cards.js';
import type { ApprovalBook } from './approval-rules.js';

/**
 * From this patch on, SHARED_CARD_KINDS get one card instance per approval (one send per round, one update and one
 * reminder per instance) and every delivery keeps the hash of what it shows, so unchanged cards are not updated.
 * Runs recorded before it keep one card per recipient.
 */
export const SHARED_CARD_PATCH = 'shared-dingtalk-card';

/**
 * From this patch on, the card whose click settled the approval is not updated when the click's answer already
 * showed the platform the same final card (the API confirms it with the `cardAnswered` signal).
 */
export const CLICK_ANSWER_PATCH = 'click-answered-card';

/**
 * How long the final round waits for that confirmation. The API answers a click within the platform's 3 s window or
 * not at all, and signals right after, so a confirmation later than this never comes; the card is then updated.
 */
const CLICK_ANSWER_WAIT_MS = 4_000;

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
  const recipient = {
    userId: target.recipient.userId,
    name: target.recipient.name,
    platformUserId: target.platformUserId,
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

function instanceDeliveries(book: ApprovalBook, kind: ChannelKind, cardRef: string | undefined): Delivery[] {
  return book.state.deliveries.filter((d) => d.shared && d.kind === kind && d.cardRef === cardRef);
}

function setInstanceHash(book: ApprovalBook, kind: ChannelKind, cardRef: string, hash: string): void {
  for (const d of instanceDeliveries(book, kind, cardRef)) d.contentHash = hash;
}

/** The public content of a shared instance now: the latest round that reached someone. */
function instanceCard(book: ApprovalBook, kind: ChannelKind, cardRef: string | undefined) {
  const shown = instanceDeliveries(book, kind, cardRef).filter((d) => d.status === 'sent' || d.status === 'updated');
  return sharedCardFor(book, kind, Math.max(1, ...shown.map((d) => d.level)));
}

/** Delivered cards grouped per card: one group per shared instance, one per 1:1 delivery. */
function perCard(deliveries: readonly Delivery[]): Delivery[][] {
  const groups = new Map<string, Delivery[]>();
  deliveries.forEach((d, i) => {
    const key = d.shared ? `${d.kind}|${d.cardRef ?? ''}` : `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  });
  return [...groups.values()];
}

/** Who an update or reminder of a shared instance is for, in summaries (the instance has no single recipient). */
function everyoneOn(group: readonly Delivery[]) {
  return { userId: '*', name: `${group.length} approver(s)`, platformUserId: '' };
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

/** Reminder round `reminder` to every delivered card whose approver has not decided yet: one per shared instance. */
export async function remindUndecided(book: ApprovalBook, reminder: number): Promise<void> {
  const { state } = book;
  const due = state.deliveries.filter((d) => d.status === 'sent' && state.pendingApprovers.includes(d.userId));
  await Promise.allSettled(
    perCard(due).map(async (group) => {
      const [d] = group;
      if (!d) return;
      const key = d.shared
        ? sharedReminderIdempotencyKey(state.workflowId, d.kind, reminder)
        : reminderIdempotencyKey(state.workflowId, d, reminder);
      const input = { ...cardOf(book, group, d), reminder, idempotencyKey: key };
      try {
        // A missed reminder is harmless: fewer attempts than a card.
        const done = await channel(d.kind).remind.executeWithOptions(
          { summary: `reminder ${reminder} to ${input.recipient.name} via ${d.kind}`, retry: { maximumAttempts: 5 } },
          [input],
        );
        addPlatformCalls(state, done?.calls);
        for (const each of group) each.remindersSent += 1;
      } catch (err) {
        log.warn('reminder failed', { userId: d.userId, kind: d.kind, ...failureInfo(err) });
      }
    }),
  );
}

/**
 * Shows the outcome on every delivered card, once per card (one update per shared instance); records each delivery
 * as updated or update_failed. A card already showing this content is not updated again (no call for nothing):
 * a shared instance whose hash is unchanged, or the clicker's card that the click's answer already rewrote.
 */
export async function updateCards(book: ApprovalBook): Promise<void> {
  const delivered = book.state.deliveries.filter((d) => d.status === 'sent');
  const click = settlingClick(book);
  await Promise.allSettled(
    perCard(delivered).map(async (group) => {
      const [d] = group;
      if (!d) return;
      const input = cardOf(book, group, d);
      const hash = contentHash(input.card);
      if (d.contentHash === hash) {
        for (const each of group) each.status = 'updated';
        return;
      }
      const clicked = click && !d.shared && d.userId === click.userId;
      if (clicked && (await shownByClickAnswer(book, click, d, hash))) {
        Object.assign(d, { status: 'updated', contentHash: hash, shownByClickAnswer: true });
        return;
      }
      try {
        const done = await channel(d.kind).updateCard.executeWithOptions(
          { summary: `show ${book.state.status} to ${input.recipient.name} via ${d.kind}` },
          [input],
        );
        addPlatformCalls(book.state, done?.calls);
        for (const each of group) {
          each.status = 'updated';
          if (each.contentHash !== undefined) each.contentHash = hash;
        }
      } catch (err) {
        const error = failureInfo(err);
        for (const each of group) {
          each.status = 'update_failed';
          each.error = error;
        }
      }
    }),
  );
}

type SettlingClick = NonNullable<ApprovalBook['decisiveClick']>;

/** The card click that settled the approval, when its answer may have shown the outcome (runs from the patch on). */
export function settlingClick(book: ApprovalBook): SettlingClick | undefined {
  return book.decisiveClick && patched(CLICK_ANSWER_PATCH) ? book.decisiveClick : undefined;
}

/**
 * True when `card` is the card the settling click was made on and the click's answer showed exactly the content
 * `hash`: waits up to CLICK_ANSWER_WAIT_MS for the API to confirm it. Any doubt (no confirmation, another card,
 * other content) means false, and the card gets its update.
 */
export async function shownByClickAnswer(
  book: ApprovalBook,
  click: SettlingClick,
  card: { kind: ChannelKind; cardRef?: string },
  hash: string,
): Promise<boolean> {
  if (card.kind !== click.kind || card.cardRef === undefined) return false;
  const summary = `${card.kind} card ${card.cardRef}: did the click's answer show the outcome? (up to 4 s)`;
  await condition(() => book.clickAnswers.has(click.eventId), CLICK_ANSWER_WAIT_MS, { summary });
  const answer = book.clickAnswers.get(click.eventId);
  return answer?.kind === card.kind && answer.cardRef === card.cardRef && answer.contentHash === hash;
}

/** What one card shows now and who sees it: a shared instance for its whole group, or one recipient's card. */
function cardOf(book: ApprovalBook, group: readonly Delivery[], d: Delivery) {
  if (!d.shared) return cardInput(book, d);
  return {
    kind: d.kind,
    cardRef: d.cardRef ?? '',
    recipient: everyoneOn(group),
    card: instanceCard(book, d.kind, d.cardRef),
  };
}

function cardInput(book: ApprovalBook, d: Delivery) {
  const platformUserId =
    book.state.recipients.find((r) => r.userId === d.userId)?.channels.find((c) => c.kind === d.kind)?.platformUserId ??
    '';
  return {
    kind: d.kind,
    cardRef: d.cardRef ?? '',
    recipient: { userId: d.userId, name: recipientName(book.state, d.userId), platformUserId },
    card: cardFor(book, d.userId, d.kind, d.level),
  };
}
