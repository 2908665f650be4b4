import type { ApprovalCard, TicketOnCard } from '../../domain/card.js';

/** What a button's callback carries back: ticket, tenant, action, nonce — never the clicker's identity. */
export interface FeishuButtonValue {
  t: string;
  tn: string;
  a: 'approve' | 'reject';
  n: string;
}

export interface FeishuCardOptions {
  /** Fallback for "view details" when the card has no detailsUrl: `${consoleBaseUrl}/tickets/${ticketId}`. */
  consoleBaseUrl?: string;
}

export type Json = Record<string, unknown>;

const HEADER_COLOUR = {
  pending: 'orange',
  approved: 'green',
  rejected: 'red',
  expired: 'grey',
  withdrawn: 'grey',
} as const satisfies Record<ApprovalCard['status'], string>;

// Feishu rejects cards over 30 KB; 20 fields × 300 chars stays well below even in 3-byte scripts.
const MAX_VALUE_CHARS = 300;

export const plain = (content: string): Json => ({ tag: 'plain_text', content });
export const clip = (text: string, max = MAX_VALUE_CHARS): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
// User-supplied text goes into plain_text components only, so it can't inject markdown links or mentions.
export const line = (text: string): Json => ({ tag: 'div', text: plain(clip(text)) });

/** Keep a URL intact inside markdown `(...)`: only the characters that would end or break the link are escaped. */
export const markdownUrl = (url: string): string => url.replace(/[()\s]/g, (c) => encodeURIComponent(c));

/** `2026-05-01T08:30:00.000Z` → `2026-05-01 08:30 UTC` (pure: no locale or local time zone). */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function detailsLink(
  card: Pick<TicketOnCard, 'detailsUrl' | 'ticketId'>,
  options: FeishuCardOptions,
): string | undefined {
  if (card.detailsUrl) return card.detailsUrl;
  if (!options.consoleBaseUrl) return undefined;
  return `${options.consoleBaseUrl.replace(/\/+$/, '')}/tickets/${encodeURIComponent(card.ticketId)}`;
}

function headerTitle(card: ApprovalCard): string {
  const by = card.decidedBy ?? 'unknown';
  switch (card.status) {
    case 'pending':
      return `Approval needed: ${clip(card.title, 120)}`;
    case 'approved':
      return `Approved by ${by}`;
    case 'rejected':
      return `Rejected by ${by}`;
    case 'expired':
      return 'Expired';
    case 'withdrawn':
      return 'Withdrawn';
  }
}

function headerSubtitle(card: ApprovalCard): string {
  const ticket = `${card.ticketType} · ${card.ticketId}`;
  return card.status !== 'pending' && card.decidedAt ? `${formatTime(card.decidedAt)} · ${ticket}` : ticket;
}

function decisionButton(card: ApprovalCard, action: 'approve' | 'reject'): Json {
  const value: FeishuButtonValue = { t: card.ticketId, tn: card.tenant, a: action, n: card.nonce };
  return {
    tag: 'button',
    element_id: `${action}_btn`,
    type: action === 'approve' ? 'primary_filled' : 'danger',
    text: plain(action === 'approve' ? 'Approve' : 'Reject'),
    behaviors: [{ type: 'callback', value }],
    ...(action === 'reject'
      ? { confirm: { title: plain('Reject this request?'), text: plain(clip(card.title)) } }
      : {}),
  };
}

function pendingActions(card: ApprovalCard, details: string | undefined): Json {
  const buttons = [decisionButton(card, 'approve'), decisionButton(card, 'reject')];
  if (details) {
    const link = { type: 'open_url', default_url: details, android_url: '', ios_url: '', pc_url: '' };
    buttons.push({
      tag: 'button',
      element_id: 'details_btn',
      type: 'default',
      text: plain('View details'),
      behaviors: [link],
    });
  }
  const columns = buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] }));
  return { tag: 'column_set', horizontal_spacing: '8px', columns };
}

function outcomeLines(card: ApprovalCard): Json[] {
  if (card.status === 'pending') return [];
  const when = card.decidedAt ? ` at ${formatTime(card.decidedAt)}` : '';
  const who = card.decidedBy ? ` by ${card.decidedBy}` : '';
  const lines = [
    line(`Outcome: ${card.status}${card.status === 'approved' || card.status === 'rejected' ? who : ''}${when}`),
  ];
  if (card.reason) lines.push(line(`Reason: ${card.reason}`));
  return lines;
}

/**
 * The Feishu / Lark card (schema 2.0) for one approval, the same pure function for "pending" and every final
 * state. `update_multi: true` makes it a shared card so PATCH can replace it; 2.0 has no `action` module, so the
 * buttons sit in a column_set. Final states drop every button and keep a plain "view details" link.
 */
export function renderFeishuCard(card: ApprovalCard, options: FeishuCardOptions = {}): Json {
  const details = detailsLink(card, options);
  const elements: Json[] = [
    line(`Ticket type: ${card.ticketType}`),
    line(`Title: ${card.title}`),
    line(`Requester: ${card.requesterName}`),
    ...card.fields.map((f) => line(`${f.label}: ${f.value}`)),
    line(`Deadline: ${formatTime(card.deadlineAt)}${card.level > 1 ? ` · escalation level ${card.level}` : ''}`),
    ...outcomeLines(card),
  ];
  if (card.status === 'pending') elements.push(pendingActions(card, details));
  else if (details) elements.push({ tag: 'markdown', content: `[View details](${markdownUrl(details)})` });
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: clip(headerTitle(card), 100) } },
    header: {
      title: plain(headerTitle(card)),
      subtitle: plain(headerSubtitle(card)),
      template: HEADER_COLOUR[card.status],
    },
    body: { elements },
  };
}

/** Text of reminder `n` (Feishu can't re-ping a card, so the reminder is a reply under it). */
export function renderReminderText(card: ApprovalCard, reminder: number): string {
  return clip(
    `Reminder ${reminder}: "${card.title}" (${card.ticketType} ${card.ticketId}) from ${card.requesterName} ` +
      `is still waiting for your decision. Deadline: ${formatTime(card.deadlineAt)}.`,
    1000,
  );
}
