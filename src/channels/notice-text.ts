import { ticketIn } from '../domain/card.js';
import type { NoticeCard } from '../domain/notice-state.js';
import { DEFAULT_READER, type Reader } from '../i18n/locale.js';
import { say, text, type LocalText } from '../i18n/say.js';

/** How a notice reads on every platform: its status line and the lines under the ticket. Pure. */

/** The colour family of a notice: each platform maps it onto its own palette. */
export type NoticeTone = 'pending' | 'success' | 'danger' | 'neutral' | 'info';

const TONES: Record<string, NoticeTone> = {
  pending_approval: 'pending',
  reminder: 'pending',
  escalated: 'pending',
  approved: 'success',
  executed: 'success',
  rejected: 'danger',
  execution_failed: 'danger',
  expired: 'neutral',
  withdrawn: 'neutral',
  closed: 'neutral',
  cancelled: 'neutral',
  executing: 'info',
};

export function noticeTone(notice: NoticeCard): NoticeTone {
  return TONES[notice.event] ?? 'info';
}

const DOCUMENTED = ['executing', 'executed', 'execution_failed', 'closed', 'cancelled'] as const;
const isDocumented = (event: string): event is (typeof DOCUMENTED)[number] =>
  (DOCUMENTED as readonly string[]).includes(event);

/**
 * The status line, in the reader's language: what happened ("Approved by Bob Li", "Execution failed", "Escalated to
 * level 2"). A state the tenant defined itself keeps the label the tenant gave it.
 */
export function noticeHeadline(notice: NoticeCard, reader: Reader = DEFAULT_READER): string {
  const name = notice.by ?? '';
  const said = (message: LocalText) => say(reader, message);
  switch (notice.event) {
    case 'pending_approval':
    case 'reminder':
    case 'expired':
      return said(text(`notice.${notice.event}`));
    case 'escalated':
      return said(text('notice.escalated', { level: notice.level ?? 2 }));
    case 'approved':
    case 'rejected':
      return said(text(`card.title.${notice.event}`, { name }));
    case 'withdrawn':
      return said(text('notice.withdrawn', { name }));
    default:
      return isDocumented(notice.event) ? said(text(`notice.${notice.event}`)) : notice.label;
  }
}

/** The lines under the ticket, in the reader's language: who the event is about, why, the note, and when. */
export function noticeLines(notice: NoticeCard, reader: Reader = DEFAULT_READER): string[] {
  const said = (message: LocalText) => say(reader, message);
  const lines: string[] = [];
  const names = notice.approvers ?? [];
  if (names.length > 0) {
    if (notice.event === 'pending_approval') lines.push(said(text('notice.asked', { names })));
    if (notice.event === 'reminder') lines.push(said(text('notice.reminded', { n: notice.reminder ?? 1, names })));
    if (notice.event === 'escalated') lines.push(said(text('notice.alsoAsked', { names })));
  }
  if (notice.reason) lines.push(said(text('notice.reason', { text: notice.reason })));
  if (notice.note) lines.push(said(text('notice.note', { text: notice.note })));
  lines.push(said(text('notice.at', { time: { at: notice.at } })));
  return lines;
}

/** One line for a chat list preview or a plain-text fallback: "Approved by Bob Li · Export the orders table". */
export function noticeSummary(notice: NoticeCard, reader: Reader = DEFAULT_READER): string {
  return `${noticeHeadline(notice, reader)} · ${ticketIn(notice, reader.locale).title}`;
}
