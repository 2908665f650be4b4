/**
 * Pure bookkeeping of one notice: its state, what it shows, who each round is for, how it ended. No Temporal imports,
 * so every rule is unit-tested without a server (test/unit/notice-book.test.ts).
 */
import type { ChannelKind } from '../domain/channel-constants.js';
import { eventLabel } from '../domain/events.js';
import { stableHash } from '../domain/ids.js';
import type { PlanNoticeResult } from '../activities/contract.js';
import type {
  NoticeCard,
  NoticeDelivery,
  NoticeInput,
  NoticeRecipient,
  NoticeSpec,
  NoticeState,
  NoticeStatus,
} from '../domain/notice-state.js';
import { noPlatformCalls } from '../domain/platform-calls.js';

export function openNotice(input: NoticeInput, workflowId: string, startedAt: Date): NoticeState {
  return {
    workflowId,
    eventId: input.eventId,
    event: input.event,
    label: eventLabel(input.event, input.label),
    source: input.source,
    ticket: input.ticket,
    occurredAt: input.occurredAt,
    status: 'delivering',
    ...(input.spec?.ruleVersion !== undefined && { ruleVersion: input.spec.ruleVersion }),
    recipients: [],
    optedOut: [],
    unreachable: [],
    deliveries: [],
    groupMessages: [],
    platformCalls: noPlatformCalls(),
    startedAt: startedAt.toISOString(),
  };
}

export function applyPlan(state: NoticeState, plan: PlanNoticeResult): void {
  state.recipients = plan.recipients;
  state.optedOut = plan.optedOut;
  state.unreachable = plan.unreachable;
}

/** What the notice shows, the same for everyone it is for. */
export function noticeCardOf(input: NoticeInput): NoticeCard {
  const { ticket } = input;
  return {
    tenant: ticket.tenant,
    ticketId: ticket.ticketId,
    ticketType: ticket.ticketType,
    title: ticket.title,
    requesterName: ticket.requester.name ?? ticket.requester.userId,
    fields: ticket.fields,
    ...(ticket.translations !== undefined && { translations: ticket.translations }),
    ...(ticket.detailsUrl !== undefined && { detailsUrl: ticket.detailsUrl }),
    event: input.event,
    label: eventLabel(input.event, input.label),
    at: input.occurredAt,
    ...(input.by && { by: input.by.name }),
    ...(input.reason !== undefined && { reason: input.reason }),
    ...(input.note !== undefined && { note: input.note }),
    ...(input.approvers && input.approvers.length > 0 && { approvers: input.approvers.map((a) => a.name) }),
    ...(input.level !== undefined && { level: input.level }),
    ...(input.reminder !== undefined && { reminder: input.reminder }),
  };
}

/** Same shape as a card key ('nt-' + 32 hex = 35 chars): fits Feishu's 50-char `uuid` and DingTalk's outTrackId. */
export function noticeKey(workflowId: string, userId: string, kind: ChannelKind): string {
  return `nt-${stableHash(`${workflowId}|${userId}|${kind}`)}`;
}

/** One card instance for everyone a round tells on a batch platform (DingTalk). */
export function batchNoticeKey(workflowId: string, kind: ChannelKind, round: number): string {
  return `nt-${stableHash(`${workflowId}|${kind}|batch|${round}`)}`;
}

export function groupNoticeKey(workflowId: string, kind: ChannelKind, chatId: string): string {
  return `nt-${stableHash(`${workflowId}|group|${kind}|${chatId}`)}`;
}

/** One notice to send: a person on one of their channels. */
export interface NoticeTarget {
  recipient: NoticeRecipient;
  kind: ChannelKind;
  platformUserId: string;
}

/** Whether a person has been told: a delivery sent, or an `instead` group message on one of their platforms. */
export function isTold(state: NoticeState, recipient: NoticeRecipient, covered: ReadonlySet<ChannelKind>): boolean {
  if (recipient.channels.some((c) => covered.has(c.kind))) return true;
  return state.deliveries.some((d) => d.userId === recipient.userId && d.status === 'sent');
}

/**
 * Who round `round` (1-based) sends to. `every-channel`: round 1 is every channel of every person, but those an
 * `instead` group message covered. `one-channel`: each person not told yet (a group message on one of their platforms
 * tells them) gets their next channel not tried yet; round 1 is everyone's first.
 */
export function targetsForRound(
  state: NoticeState,
  deliverTo: NoticeSpec['deliverTo'],
  round: number,
  covered: ReadonlySet<ChannelKind>,
): NoticeTarget[] {
  const targets: NoticeTarget[] = [];
  for (const recipient of state.recipients) {
    if (deliverTo === 'every-channel') {
      const open = recipient.channels.filter((c) => !covered.has(c.kind));
      if (round === 1) for (const c of open) targets.push({ recipient, ...c });
      continue;
    }
    if (isTold(state, recipient, covered)) continue;
    const tried = new Set(state.deliveries.filter((d) => d.userId === recipient.userId).map((d) => d.kind));
    const next = recipient.channels.find((c) => !tried.has(c.kind));
    if (next) targets.push({ recipient, kind: next.kind, platformUserId: next.platformUserId });
  }
  return targets;
}

export function newNoticeDelivery(workflowId: string, target: NoticeTarget, round: number): NoticeDelivery {
  return {
    userId: target.recipient.userId,
    kind: target.kind,
    status: 'pending',
    round,
    idempotencyKey: noticeKey(workflowId, target.recipient.userId, target.kind),
  };
}

/** Why a notice ended before anyone could be told: no rule applied, or who to tell could not be found out. */
export type NoticeStop = { status: 'nobody_notified' | 'failed'; reason: string };

/** The outcome once every round is done (see NoticeStatus), or the reason it stopped early. */
export function concludeNotice(state: NoticeState, now: Date, stop?: NoticeStop): void {
  state.finishedAt = now.toISOString();
  const { status, reason } = stop ?? outcomeOf(state);
  state.status = status;
  if (reason !== undefined) state.reason = reason;
}

function outcomeOf(state: NoticeState): { status: NoticeStatus; reason?: string } {
  const covered = coveredKinds(state);
  const groupsSent = state.groupMessages.filter((g) => g.status === 'sent').length;
  if (state.recipients.length === 0 && state.groupMessages.length === 0) {
    return { status: 'nobody_notified', reason: nobodyReason(state) };
  }
  const told = state.recipients.filter((r) => isTold(state, r, covered)).length;
  if (told === 0 && groupsSent === 0) return { status: 'failed', reason: 'no notice could be delivered' };
  // Someone unreachable on one channel but told on another was told; someone reachable on none was not.
  const reached = new Set(state.recipients.map((r) => r.userId));
  const nowhere = new Set(state.unreachable.map((u) => u.userId).filter((id) => !reached.has(id)));
  const complete = told === state.recipients.length && groupsSent === state.groupMessages.length && nowhere.size === 0;
  return complete ? { status: 'delivered' } : { status: 'partially_delivered' };
}

/** Platforms whose people were told through an `instead` group message that arrived. */
export function coveredKinds(state: NoticeState): Set<ChannelKind> {
  return new Set(state.groupMessages.filter((g) => g.mode === 'instead' && g.status === 'sent').map((g) => g.kind));
}

function nobodyReason(state: NoticeState): string {
  const optedOut = [...new Set(state.optedOut.map((o) => o.userId))];
  const unreachable = [...new Set(state.unreachable.map((u) => u.userId))];
  if (optedOut.length === 0 && unreachable.length === 0) return 'the rule names nobody (its roles have no members)';
  const parts = [
    optedOut.length > 0 ? `switched this notice off: ${optedOut.join(', ')}` : '',
    unreachable.length > 0 ? `not reachable: ${unreachable.join(', ')}` : '',
  ].filter(Boolean);
  return `nobody left to tell (${parts.join('; ')})`;
}

/** The Temporal UI's current-details line, e.g. "approved — delivered to 2 of 2 (ticket demo-1)". */
export function noticeDetails(state: NoticeState): string {
  const told = state.recipients.filter((r) => isTold(state, r, coveredKinds(state))).length;
  const head = `${state.label} · ${state.ticket.title} #${state.ticket.ticketId} — ${state.status.replace('_', ' ')}`;
  if (state.status === 'nobody_notified') return `${head}: ${state.reason ?? ''}`;
  return `${head}, ${told} of ${state.recipients.length} told`;
}
