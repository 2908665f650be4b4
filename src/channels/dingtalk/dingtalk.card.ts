import type { ApprovalCard, TicketOnCard } from '../../domain/card.js';

/**
 * Pure rendering of an ApprovalCard into DingTalk card template variables. DingTalk's `cardParamMap` is
 * Map<String,String>: every value is a string, objects and arrays are JSON strings, values are at most 1 KB.
 *
 * The published template (card builder) binds these variables:
 * - public: ticketType, title, requester, fields (JSON array of {label,value}), deadline, status, statusText,
 *   detailsUrl, showActions ("true"/"false", hides both buttons), ticketId, tenant, level, reminder;
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

export function cardParamMap(card: ApprovalCard, opts: DingtalkCardOptions): ParamMap {
  const map: ParamMap = {
    ticketType: card.ticketType,
    title: card.title,
    requester: card.requesterName,
    fields: fieldsJson(card),
    deadline: formatTime(card.deadlineAt),
    status: card.status,
    statusText: statusText(card),
    detailsUrl: detailsLink(card, opts),
    showActions: String(card.status === 'pending'),
    ticketId: card.ticketId,
    tenant: card.tenant,
    level: String(card.level),
    reminder: '',
  };
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, k === 'detailsUrl' ? v : clip(v)]));
}

export type PrivateData = Record<string, { cardParamMap: ParamMap }>;

/** `privateData` for the one recipient of a 1:1 robot card: the nonce bound to them. */
export function privateData(card: ApprovalCard, platformUserId: string): PrivateData {
  return { [platformUserId]: { cardParamMap: { nonce: card.nonce } } };
}

/** `privateData` of a shared card: every recipient's own nonce under their userId, so their buttons carry it. */
export function recipientsPrivateData(recipients: readonly { platformUserId: string; nonce: string }[]): PrivateData {
  return Object.fromEntries(recipients.map((r) => [r.platformUserId, { cardParamMap: { nonce: r.nonce } }]));
}

export function reminderText(card: ApprovalCard, reminder: number): string {
  return clip(`Reminder ${reminder}: still waiting for your decision (deadline ${formatTime(card.deadlineAt)})`);
}

export function statusText(card: ApprovalCard): string {
  const by = card.decidedBy ?? 'unknown';
  const at = card.decidedAt ? ` at ${formatTime(card.decidedAt)}` : '';
  const reason = card.reason ? `: ${card.reason}` : '';
  switch (card.status) {
    case 'pending':
      return card.level > 1
        ? `Waiting for your decision (escalated, level ${card.level})`
        : 'Waiting for your decision';
    case 'approved':
      return `Approved by ${by}${at}`;
    case 'rejected':
      return `Rejected by ${by}${at}${reason}`;
    case 'expired':
      return `Expired${at || ` at ${formatTime(card.deadlineAt)}`}: no decision in time`;
    case 'withdrawn':
      return `Withdrawn by the requester${at}${reason}`;
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

function formatTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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
