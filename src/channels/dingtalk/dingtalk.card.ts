import { ticketIn, type ApprovalCard, type TicketOnCard } from '../../domain/card.js';
import { DEFAULT_READER, isDefaultReader, type Reader } from '../../i18n/locale.js';
import { say, text, type LocalText } from '../../i18n/say.js';
import { formatInstant } from '../../i18n/time.js';

/**
 * Pure rendering of an ApprovalCard into DingTalk card template variables. DingTalk's `cardParamMap` is
 * Map<String,String>: every value is a string, objects and arrays are JSON strings, values are at most 1 KB.
 *
 * The published template (card builder) binds these variables:
 * - public: ticketType, title, requester, fields (JSON array of {label,value}), status, detailsUrl, showActions
 *   ("true"/"false", hides both buttons), ticketId, tenant, level;
 * - our words and times, public in the default language and private (per user, 私有) in each recipient's: deadline,
 *   statusText, reminder, the labels ticketTypeLabel, titleLabel, requesterLabel, deadlineLabel, the button texts
 *   approveText, rejectText, detailsText, and locale (zh-CN, en-US, ja-JP) for anything else the template varies;
 * - nonce: set publicly when the card is created (a shared card's one nonce) and, for recipients with a nonce of
 *   their own, privately (privateData per user, which wins);
 * - buttons "approve" / "reject" (回传请求) with params {action, ticketId: ${ticketId}, tenant: ${tenant},
 *   nonce: ${nonce}}: never the clicker's identity, which DingTalk itself puts in the callback's `userId`.
 */
export interface DingtalkCardOptions {
  consoleBaseUrl?: string;
  corpId?: string;
}

export type CardAction = 'approve' | 'reject';
export type ParamMap = Record<string, string>;

const MAX_VALUE_BYTES = 1024;

/** What a button sends back; the template builds exactly this from its variables. */
export function buttonParams(card: ApprovalCard, action: CardAction): ParamMap {
  return { action, ticketId: card.ticketId, tenant: card.tenant, nonce: card.nonce };
}

/** The card's variables: structure and ticket content, and our words in `reader`'s language (public: the default). */
export function cardParamMap(card: ApprovalCard, opts: DingtalkCardOptions, reader = DEFAULT_READER): ParamMap {
  const map: ParamMap = {
    ticketType: card.ticketType,
    requester: card.requesterName,
    status: card.status,
    detailsUrl: detailsLink(card, opts),
    showActions: String(card.status === 'pending'),
    ticketId: card.ticketId,
    tenant: card.tenant,
    level: String(card.level),
    reminder: '',
    ...ticketWords(card, reader),
    ...wordsFor(card, reader),
  };
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, k === 'detailsUrl' ? v : clip(v)]));
}

/**
 * The variables that carry our words and times, for one reader. A shared instance serves many people: these go in
 * each recipient's private data (private wins over public), so each reads their own language and zone.
 */
export function wordsFor(card: ApprovalCard, reader: Reader): ParamMap {
  const word = (message: LocalText) => say(reader, message);
  return {
    ...translatedTicket(card, reader),
    locale: reader.locale,
    deadline: formatInstant(card.deadlineAt, reader),
    statusText: clip(statusText(card, reader)),
    ticketTypeLabel: word(text('card.label.ticketType')),
    titleLabel: word(text('card.label.title')),
    requesterLabel: word(text('card.label.requester')),
    deadlineLabel: word(text('card.label.deadline')),
    approveText: word(text('button.approve')),
    rejectText: word(text('button.reject')),
    detailsText: word(text('button.details')),
  };
}

/** The ticket system's title and fields as this reader sees them (its translation, else as sent). */
export function ticketWords(ticket: TicketOnCard, reader: Reader): ParamMap {
  const { title, fields } = ticketIn(ticket, reader.locale);
  return { title: clip(title), fields: fieldsJson({ fields }) };
}

/** A reader's own title and fields only when the ticket system translated them (private data stays small). */
export function translatedTicket(ticket: TicketOnCard, reader: Reader): ParamMap {
  return ticket.translations?.[reader.locale] ? ticketWords(ticket, reader) : {};
}

export type PrivateData = Record<string, { cardParamMap: ParamMap }>;

/** `privateData` for the one recipient of a 1:1 robot card: the nonce bound to them. */
export function privateData(card: ApprovalCard, platformUserId: string): PrivateData {
  return { [platformUserId]: { cardParamMap: { nonce: card.nonce } } };
}

/**
 * `privateData` of a shared card: each recipient's own nonce (when they have one) and our words in their language,
 * under their userId. Recipients with neither need none.
 */
export function recipientsPrivateData(
  card: ApprovalCard,
  recipients: readonly { platformUserId: string; nonce?: string; reader?: Reader }[],
): PrivateData {
  const entries = recipients.flatMap((r) => {
    const params: ParamMap = {
      ...(r.nonce !== undefined && r.nonce !== card.nonce && { nonce: r.nonce }),
      ...(r.reader && !isDefaultReader(r.reader) && wordsFor(card, r.reader)),
    };
    return Object.keys(params).length > 0 ? [[r.platformUserId, { cardParamMap: params }] as const] : [];
  });
  return Object.fromEntries(entries);
}

export function reminderText(card: ApprovalCard, reminder: number, reader = DEFAULT_READER): string {
  const deadline = { at: card.deadlineAt };
  return clip(say(reader, text('status.reminder', { n: reminder, deadline })));
}

export function statusText(card: ApprovalCard, reader = DEFAULT_READER): string {
  const name = card.decidedBy ?? '';
  const time = { at: card.decidedAt ?? card.deadlineAt };
  const withReason = (status: string) =>
    card.reason ? say(reader, text('status.withReason', { status, reason: card.reason })) : status;
  switch (card.status) {
    case 'pending':
      return card.level > 1
        ? say(reader, text('status.pendingEscalated', { level: card.level }))
        : say(reader, text('status.pending'));
    case 'approved':
      return say(reader, text('card.outcome.approved', { name, time }));
    case 'rejected':
      return withReason(say(reader, text('card.outcome.rejected', { name, time })));
    case 'expired':
      return say(reader, text('status.expired', { time }));
    case 'withdrawn':
      return withReason(say(reader, text('status.withdrawn', { time })));
  }
}

/**
 * "View details" opens the ticket's mobile page. With a corpId, the page must run inside DingTalk's container so it
 * can call dd.requestAuthCode({corpId}) for SSO: the corpId goes inside the H5 URL (a corpId parameter on
 * page/link is undocumented, reference §8, checked against the link-jump-specification page) and the URL is wrapped
 * in the documented full-screen protocol `dingtalk://dingtalkclient/page/link?url=<urlencoded>`.
 */
export function detailsLink(card: Pick<TicketOnCard, 'detailsUrl' | 'ticketId'>, opts: DingtalkCardOptions): string {
  const base = opts.consoleBaseUrl?.replace(/\/+$/, '');
  const target = card.detailsUrl ?? (base ? `${base}/tickets/${encodeURIComponent(card.ticketId)}` : undefined);
  if (!target) return '';
  if (!opts.corpId) return target;
  const url = new URL(target);
  url.searchParams.set('corpId', opts.corpId);
  return `dingtalk://dingtalkclient/page/link?url=${encodeURIComponent(url.toString())}`;
}

/** Key fields as a JSON array; values are shortened and trailing fields dropped to stay within 1 KB. */
export function fieldsJson(card: Pick<TicketOnCard, 'fields'>): string {
  const fields = card.fields.map((f) => ({
    label: f.label,
    value: f.value.length > 120 ? `${f.value.slice(0, 119)}…` : f.value,
  }));
  while (fields.length > 0 && bytes(JSON.stringify(fields)) > MAX_VALUE_BYTES) fields.pop();
  return JSON.stringify(fields);
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function clip(value: string): string {
  if (bytes(value) <= MAX_VALUE_BYTES) return value;
  let out = '';
  let size = bytes('…');
  for (const ch of value) {
    size += bytes(ch);
    if (size > MAX_VALUE_BYTES) break;
    out += ch;
  }
  return `${out}…`;
}
