import { ticketIn, type ApprovalCard, type TicketOnCard } from '../../domain/card.js';
import { DEFAULT_READER, LOCALES, type Locale, type Reader } from '../../i18n/locale.js';
import { say, text, type LocalText } from '../../i18n/say.js';
import { formatInstant } from '../../i18n/time.js';

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
  /**
   * Who reads the card: its `content` is in their language and its times in their zone. Every text we write also
   * carries `i18n_content` in every language, so each client shows its own language (one shared card, many readers).
   */
  reader?: Reader;
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
const TRANSLATED_VALUE_CHARS = 80;

export const plain = (content: string): Json => ({ tag: 'plain_text', content });
export const clip = (text: string, max = MAX_VALUE_CHARS): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
// User-supplied text goes into plain_text components only, so it can't inject markdown links or mentions.
export const line = (text: string): Json => ({ tag: 'div', text: plain(clip(text)) });

/** Keep a URL intact inside markdown `(...)`: only the characters that would end or break the link are escaped. */
export const markdownUrl = (url: string): string => url.replace(/[()\s]/g, (c) => encodeURIComponent(c));

/** The card JSON's language keys (multi-language cards, `i18n_content`; toasts, `toast.i18n`). */
export const FEISHU_LANGUAGE: Record<Locale, string> = { 'zh-CN': 'zh_cn', 'en-US': 'en_us', 'ja-JP': 'ja_jp' };

/** Our own words (`build` per language, times in the reader's zone): the reader's language, and every other one. */
export function localized(reader: Reader, build: (r: Reader) => string) {
  const every = LOCALES.map((locale) => [FEISHU_LANGUAGE[locale], build({ ...reader, locale })]);
  return { content: build(reader), i18n_content: Object.fromEntries(every) as Record<string, string> };
}

export const localPlain = (reader: Reader, build: (r: Reader) => string): Json => ({
  tag: 'plain_text',
  ...localized(reader, build),
});

const sayAs = (message: LocalText) => (r: Reader) => say(r, message);
/** `label: value`: our label in each language, the ticket system's value as sent. */
const labelled = (key: Parameters<typeof text>[0], value: string) => (r: Reader) => `${say(r, text(key))}: ${value}`;

export function detailsLink(
  card: Pick<TicketOnCard, 'detailsUrl' | 'ticketId'>,
  options: FeishuCardOptions,
): string | undefined {
  if (card.detailsUrl) return card.detailsUrl;
  if (!options.consoleBaseUrl) return undefined;
  return `${options.consoleBaseUrl.replace(/\/+$/, '')}/tickets/${encodeURIComponent(card.ticketId)}`;
}

/** The ticket system's words: as sent, or its translation for the reader's language (the same in every one without). */
const titleIn = (ticket: TicketOnCard) => (r: Reader) => ticketIn(ticket, r.locale).title;

/** One of the ticket's fields: a plain line, or one line in every language when the ticket system translated it. */
export function fieldLine(ticket: TicketOnCard, index: number, reader: Reader): Json {
  const field = (r: Reader) => {
    const f = ticketIn(ticket, r.locale).fields[index];
    return f ? `${f.label}: ${f.value}` : '';
  };
  // In three languages a field takes three times the room: 80 characters a line keeps the card under 30 KB.
  return ticket.translations ? localLine(reader, (r) => clip(field(r), TRANSLATED_VALUE_CHARS)) : line(field(reader));
}

/** "Approval needed: <title in the reader's language>", or who decided: a text per reader. */
function headerTitle(card: ApprovalCard): (r: Reader) => string {
  const name = card.decidedBy ?? '';
  switch (card.status) {
    case 'pending':
      return (r) => say(r, text('card.title.pending', { title: clip(titleIn(card)(r), 120) }));
    case 'approved':
    case 'rejected':
      return sayAs(text(`card.title.${card.status}`, { name }));
    case 'expired':
    case 'withdrawn':
      return sayAs(text(`card.title.${card.status}`));
  }
}

function headerSubtitle(card: ApprovalCard, reader: Reader): Json {
  const ticket = `${card.ticketType} · ${card.ticketId}`;
  const decidedAt = card.decidedAt;
  if (card.status === 'pending' || !decidedAt) return plain(ticket);
  return localPlain(reader, (r) => `${formatInstant(decidedAt, r)} · ${ticket}`);
}

function decisionButton(card: ApprovalCard, action: 'approve' | 'reject', reader: Reader): Json {
  const value: FeishuButtonValue = { t: card.ticketId, tn: card.tenant, a: action, n: card.nonce };
  return {
    tag: 'button',
    element_id: `${action}_btn`,
    type: action === 'approve' ? 'primary_filled' : 'danger',
    text: localPlain(reader, sayAs(text(`button.${action}`))),
    behaviors: [{ type: 'callback', value }],
    ...(action === 'reject'
      ? {
          confirm: {
            title: localPlain(reader, sayAs(text('confirm.reject'))),
            text: localPlain(reader, (r) => clip(titleIn(card)(r))),
          },
        }
      : {}),
  };
}

function pendingActions(card: ApprovalCard, details: string | undefined, reader: Reader): Json {
  const buttons = [decisionButton(card, 'approve', reader), decisionButton(card, 'reject', reader)];
  if (details) {
    const link = { type: 'open_url', default_url: details, android_url: '', ios_url: '', pc_url: '' };
    buttons.push({
      tag: 'button',
      element_id: 'details_btn',
      type: 'default',
      text: localPlain(reader, sayAs(text('button.details'))),
      behaviors: [link],
    });
  }
  const columns = buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] }));
  return { tag: 'column_set', horizontal_spacing: '8px', columns };
}

/** "Approved by Bob Li at Dec 6, 06:20" (the header says who; this line says when), then the reason. */
function outcomeLines(card: ApprovalCard, reader: Reader): Json[] {
  if (card.status === 'pending') return [];
  const lines: Json[] = [];
  if (card.decidedAt) {
    const outcome = text(`card.outcome.${card.status}`, { name: card.decidedBy ?? '', time: { at: card.decidedAt } });
    lines.push(localLine(reader, sayAs(outcome)));
  }
  if (card.reason) lines.push(localLine(reader, labelled('card.label.reason', clip(card.reason))));
  return lines;
}

const localLine = (reader: Reader, build: (r: Reader) => string): Json => ({
  tag: 'div',
  text: localPlain(reader, build),
});

/**
 * The Feishu / Lark card (schema 2.0) for one approval, the same pure function for "pending" and every final
 * state. `update_multi: true` makes it a shared card so PATCH can replace it; 2.0 has no `action` module, so the
 * buttons sit in a column_set. Final states drop every button and keep a plain "view details" link.
 */
export function renderFeishuCard(card: ApprovalCard, options: FeishuCardOptions = {}): Json {
  const reader = options.reader ?? DEFAULT_READER;
  const details = detailsLink(card, options);
  const deadline = (r: Reader) => {
    const level = card.level > 1 ? ` · ${say(r, text('card.escalationLevel', { level: card.level }))}` : '';
    return `${say(r, text('card.label.deadline'))}: ${formatInstant(card.deadlineAt, r)}${level}`;
  };
  const elements: Json[] = [
    localLine(reader, labelled('card.label.ticketType', card.ticketType)),
    localLine(reader, (r) => labelled('card.label.title', clip(titleIn(card)(r)))(r)),
    localLine(reader, labelled('card.label.requester', clip(card.requesterName))),
    ...card.fields.map((_, i) => fieldLine(card, i, reader)),
    localLine(reader, deadline),
    ...outcomeLines(card, reader),
  ];
  if (card.status === 'pending') elements.push(pendingActions(card, details, reader));
  else if (details) {
    const link = (r: Reader) => `[${say(r, text('button.details'))}](${markdownUrl(details)})`;
    elements.push({ tag: 'markdown', ...localized(reader, link) });
  }
  const title = headerTitle(card);
  const summary = localized(reader, (r) => clip(title(r), 100));
  return {
    schema: '2.0',
    config: { update_multi: true, summary },
    header: {
      title: localPlain(reader, title),
      subtitle: headerSubtitle(card, reader),
      template: HEADER_COLOUR[card.status],
    },
    body: { elements },
  };
}

/** Text of reminder `n`, in the reader's language (Feishu can't re-ping a card, so the reminder is a reply under it). */
export function renderReminderText(card: ApprovalCard, reminder: number, reader: Reader = DEFAULT_READER): string {
  const params = {
    n: reminder,
    title: card.title,
    ticketType: card.ticketType,
    ticketId: card.ticketId,
    requester: card.requesterName,
    deadline: { at: card.deadlineAt },
  };
  return clip(say(reader, text('reminder', params)), 1000);
}
