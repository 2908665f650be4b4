import type { NoticeCard } from '../domain/notice-state.js';

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

/** `2026-05-01T08:30:00.000Z` → `2026-05-01 08:30 UTC` (pure: no locale or local time zone). */
export function noticeTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const names = (people: readonly string[] | undefined) => (people && people.length > 0 ? people.join(', ') : '');

/** The status line: what happened ("Approved by Bob Li", "Execution failed", "Escalated to level 2"). */
export function noticeHeadline(notice: NoticeCard): string {
  const by = notice.by ? ` by ${notice.by}` : '';
  switch (notice.event) {
    case 'pending_approval':
      return 'Approval requested';
    case 'reminder':
      return 'Still waiting for a decision';
    case 'escalated':
      return `Escalated to level ${notice.level ?? 2}`;
    case 'approved':
      return `Approved${by}`;
    case 'rejected':
      return `Rejected${by}`;
    case 'expired':
      return 'Expired: no decision in time';
    case 'withdrawn':
      return `Withdrawn${by}`;
    default:
      return notice.label;
  }
}

/** The lines under the ticket: who the event is about, why, the ticket system's note, and when. */
export function noticeLines(notice: NoticeCard): string[] {
  const lines: string[] = [];
  const approvers = names(notice.approvers);
  if (approvers) {
    switch (notice.event) {
      case 'pending_approval':
        lines.push(`Asked: ${approvers}`);
        break;
      case 'reminder':
        lines.push(`Reminder ${notice.reminder ?? 1}: still waiting for ${approvers}`);
        break;
      case 'escalated':
        lines.push(`Now also asked: ${approvers}`);
        break;
      default:
        break;
    }
  }
  if (notice.reason) lines.push(`Reason: ${notice.reason}`);
  if (notice.note) lines.push(`Note: ${notice.note}`);
  lines.push(`At: ${noticeTime(notice.at)}`);
  return lines;
}

/** One line for a chat list preview or a plain-text fallback: "Approved by Bob Li · Export the orders table". */
export function noticeSummary(notice: NoticeCard): string {
  return `${noticeHeadline(notice)} · ${notice.title}`;
}
