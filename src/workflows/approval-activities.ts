/**
 * The workflow's side of its activities: proxies with their timeouts and retry policies, and the card fan-outs.
 * Every fan-out uses Promise.allSettled and records each failure on its delivery: a broken channel never fails
 * the approval.
 */
import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { ActivityInterfaceFor, ActivityOptions } from '@temporalio/workflow';
import type { ChannelActivities, OrchestrationActivities } from '../activities/contract.js';
import type { ChannelKind } from '../domain/channel.js';
import { CHANNEL_KINDS, channelTaskQueue, NON_RETRYABLE_CHANNEL_ERRORS } from '../domain/channel-constants.js';
import type { ApprovalResult, Delivery } from '../domain/state.js';
import type { CardTarget } from './approval-cards.js';
import { countCardFailed, countCardSent } from './approval-metrics.js';
import { cardFor, newDelivery, recipientName, reminderIdempotencyKey } from './approval-cards.js';
import type { ApprovalBook } from './approval-rules.js';

// Database reads (policy, directory): ride out short outages with backoff, but give up after an hour so a broken
// rule or directory surfaces as a failed run instead of an approval that silently never starts.
export const orchestration = proxyActivities<OrchestrationActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

// The ticket system may be down for a while: keep trying for a day (backoff capped at 10 minutes); after that
// the failure is recorded on the state and the approval still completes.
const webhook = proxyActivities<OrchestrationActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m' },
});

// One platform call should take seconds (30 s per attempt). Rate limits and blips are retried with backoff for
// about five minutes (10 attempts, capped at 1 min apart; RATE_LIMITED failures carry the platform's own delay);
// codes no retry can fix (unreachable user, bad credentials, disabled channel) stop at once and are recorded.
const CHANNEL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...NON_RETRYABLE_CHANNEL_ERRORS],
  },
};

// One proxy per platform: each platform's activities run on its own task queue, rate-limited server-side.
const channels = Object.fromEntries(
  CHANNEL_KINDS.map((kind) => [
    kind,
    proxyActivities<ChannelActivities>({ ...CHANNEL_OPTIONS, taskQueue: channelTaskQueue(kind) }),
  ]),
) as Partial<Record<ChannelKind, ActivityInterfaceFor<ChannelActivities>>>;

function channel(kind: ChannelKind): ActivityInterfaceFor<ChannelActivities> {
  const proxy = channels[kind];
  if (!proxy) throw ApplicationFailure.nonRetryable(`unknown channel kind ${kind}`, 'UNKNOWN_CHANNEL');
  return proxy;
}

/** `{ code, message }` of a failed activity: the ApplicationFailure type the activity threw, or the failure kind. */
export function failureInfo(err: unknown): { code: string; message: string } {
  const cause = err instanceof ActivityFailure ? (err.cause ?? err) : err;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'UNKNOWN', message: cause.message };
  if (cause instanceof Error) return { code: cause.name, message: cause.message };
  return { code: 'UNKNOWN', message: String(cause) };
}

/** Sends one card per target in parallel and records each delivery as sent or failed. */
export async function sendCards(book: ApprovalBook, targets: readonly CardTarget[], level: number): Promise<void> {
  const { state } = book;
  const sends = targets.map(async (target) => {
    const delivery = newDelivery(state.workflowId, target, level);
    state.deliveries.push(delivery);
    const recipient = {
      userId: target.recipient.userId,
      name: target.recipient.name,
      platformUserId: target.platformUserId,
    };
    const input = {
      kind: target.kind,
      recipient,
      card: cardFor(book, recipient.userId, target.kind, level),
      idempotencyKey: delivery.idempotencyKey,
    };
    try {
      const { cardRef } = await channel(target.kind).sendCard.executeWithOptions(
        { summary: `card to ${recipient.name} via ${target.kind} (level ${level})` },
        [input],
      );
      delivery.status = 'sent';
      delivery.cardRef = cardRef;
      countCardSent(target.kind);
    } catch (err) {
      delivery.status = 'failed';
      delivery.error = failureInfo(err);
      countCardFailed(target.kind, delivery.error.code);
    }
  });
  await Promise.allSettled(sends);
  noteUnreached(book, targets, level);
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

/** Reminder round `reminder` to every delivered card whose approver has not decided yet. */
export async function remindUndecided(book: ApprovalBook, reminder: number): Promise<void> {
  const { state } = book;
  const due = state.deliveries.filter((d) => d.status === 'sent' && state.pendingApprovers.includes(d.userId));
  await Promise.allSettled(
    due.map(async (d) => {
      const input = {
        ...cardInput(book, d),
        reminder,
        idempotencyKey: reminderIdempotencyKey(state.workflowId, d, reminder),
      };
      try {
        // A missed reminder is harmless: fewer attempts than a card.
        await channel(d.kind).remind.executeWithOptions(
          { summary: `reminder ${reminder} to ${input.recipient.name} via ${d.kind}`, retry: { maximumAttempts: 5 } },
          [input],
        );
        d.remindersSent += 1;
      } catch (err) {
        log.warn('reminder failed', { userId: d.userId, kind: d.kind, ...failureInfo(err) });
      }
    }),
  );
}

/** Shows the outcome on every delivered card; records each as updated or update_failed. */
export async function updateCards(book: ApprovalBook): Promise<void> {
  const delivered = book.state.deliveries.filter((d) => d.status === 'sent');
  await Promise.allSettled(
    delivered.map(async (d) => {
      const input = cardInput(book, d);
      try {
        await channel(d.kind).updateCard.executeWithOptions(
          { summary: `show ${book.state.status} to ${input.recipient.name} via ${d.kind}` },
          [input],
        );
        d.status = 'updated';
      } catch (err) {
        d.status = 'update_failed';
        d.error = failureInfo(err);
      }
    }),
  );
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

/** POSTs the result to the ticket system; a final failure is logged and returned, never thrown. */
export async function notifyTicketSystem(url: string, result: ApprovalResult): Promise<string | undefined> {
  try {
    await webhook.notifyTicketSystem.executeWithOptions({ summary: `notify ticket system: ${result.status}` }, [
      { url, result },
    ]);
    return undefined;
  } catch (err) {
    const { code, message } = failureInfo(err);
    log.error('ticket system not notified', { url, code, message });
    return `${code}: ${message}`;
  }
}
