/**
 * The rounds after the first send: remind the undecided, and show the outcome on every delivered card, once per card
 * (one update per shared instance), skipping cards that already show it.
 */
import { condition, log, patched } from '@temporalio/workflow';
import type { ChannelKind } from '../domain/channel.js';
import { channel, failureInfo } from './approval-activities.js';
import { addPlatformCalls } from './approval-calls.js';
import { contentHash, reminderIdempotencyKey, sharedReminderIdempotencyKey } from './approval-cards.js';
import { cardOf, perCard } from './approval-card-instances.js';
import type { ApprovalBook } from './approval-rules.js';

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
