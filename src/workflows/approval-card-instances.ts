/**
 * Cards as the final and reminder rounds see them: one group per shared instance (DingTalk) or per one-to-one card,
 * and what each shows now. Pure over the approval book.
 */
import type { ChannelKind } from '../domain/channel.js';
import { isDefaultReader } from '../i18n/locale.js';
import type { Delivery } from '../domain/state.js';
import { cardFor, recipientName, sharedCardFor } from './approval-cards.js';
import type { ApprovalBook } from './approval-rules.js';

export function instanceDeliveries(book: ApprovalBook, kind: ChannelKind, cardRef: string | undefined): Delivery[] {
  return book.state.deliveries.filter((d) => d.shared && d.kind === kind && d.cardRef === cardRef);
}

export function setInstanceHash(book: ApprovalBook, kind: ChannelKind, cardRef: string, hash: string): void {
  for (const d of instanceDeliveries(book, kind, cardRef)) d.contentHash = hash;
}

/** The public content of a shared instance now: the latest round that reached someone. */
function instanceCard(book: ApprovalBook, kind: ChannelKind, cardRef: string | undefined) {
  const shown = instanceDeliveries(book, kind, cardRef).filter((d) => d.status === 'sent' || d.status === 'updated');
  return sharedCardFor(book, kind, Math.max(1, ...shown.map((d) => d.level)));
}

/** Delivered cards grouped per card: one group per shared instance, one per 1:1 delivery. */
export function perCard(deliveries: readonly Delivery[]): Delivery[][] {
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

/** What one card shows now and who sees it: a shared instance for its whole group, or one recipient's card. */
export function cardOf(book: ApprovalBook, group: readonly Delivery[], d: Delivery) {
  if (!d.shared) return cardInput(book, d);
  const readers = readersOf(book, group, d.kind);
  return {
    kind: d.kind,
    cardRef: d.cardRef ?? '',
    recipient: everyoneOn(group),
    card: instanceCard(book, d.kind, d.cardRef),
    ...(readers.length > 0 && { readers }),
  };
}

/** The instance's readers with a language and zone of their own: each reads the card in theirs. */
function readersOf(book: ApprovalBook, group: readonly Delivery[], kind: ChannelKind) {
  return group.flatMap((d) => {
    const recipient = book.state.recipients.find((r) => r.userId === d.userId);
    const platformUserId = recipient?.channels.find((c) => c.kind === kind)?.platformUserId;
    const reader = recipient?.reader;
    return reader && !isDefaultReader(reader) && platformUserId ? [{ platformUserId, reader }] : [];
  });
}

function cardInput(book: ApprovalBook, d: Delivery) {
  const recipient = book.state.recipients.find((r) => r.userId === d.userId);
  const platformUserId = recipient?.channels.find((c) => c.kind === d.kind)?.platformUserId ?? '';
  const reader = recipient?.reader;
  return {
    kind: d.kind,
    cardRef: d.cardRef ?? '',
    recipient: {
      userId: d.userId,
      name: recipientName(book.state, d.userId),
      platformUserId,
      ...(reader && { reader }),
    },
    card: cardFor(book, d.userId, d.kind, d.level),
  };
}
