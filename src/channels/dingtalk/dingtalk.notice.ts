import type { NoticeCard } from '../../domain/notice-state.js';
import { noticeHeadline, noticeLines, noticeSummary } from '../notice-text.js';
import { clip, detailsLink, fieldsJson, type DingtalkCardOptions, type ParamMap } from './dingtalk.card.js';
import type { InstanceContent } from './dingtalk.robot-cards.js';

/**
 * A notice as an instance of the approval template (the one card template the channel is configured with): the
 * ticket in the same variables, the event as its status line, no deadline and no buttons (`showActions` "false").
 * The status line carries the event's own lines (who, why, the ticket system's note, when) below its headline.
 */
export function noticeParamMap(notice: NoticeCard, opts: DingtalkCardOptions): ParamMap {
  const map: ParamMap = {
    ticketType: notice.ticketType,
    title: notice.title,
    requester: notice.requesterName,
    fields: fieldsJson(notice),
    deadline: '',
    status: notice.event,
    statusText: [noticeHeadline(notice), ...noticeLines(notice)].join('\n'),
    detailsUrl: detailsLink(notice, opts),
    showActions: 'false',
    ticketId: notice.ticketId,
    tenant: notice.tenant,
    level: String(notice.level ?? 1),
    reminder: '',
  };
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, k === 'detailsUrl' ? v : clip(v)]));
}

export function noticeContent(notice: NoticeCard, opts: DingtalkCardOptions): InstanceContent {
  return { params: noticeParamMap(notice, opts), title: noticeSummary(notice) };
}
