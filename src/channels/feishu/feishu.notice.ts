import type { NoticeCard } from '../../domain/notice-state.js';
import { noticeHeadline, noticeLines, noticeTone, type NoticeTone } from '../notice-text.js';
import { clip, detailsLink, line, markdownUrl, plain, type FeishuCardOptions, type Json } from './feishu.card.js';

const HEADER_COLOUR = {
  pending: 'orange',
  success: 'green',
  danger: 'red',
  neutral: 'grey',
  info: 'blue',
} as const satisfies Record<NoticeTone, string>;

/**
 * A notice as a Feishu / Lark card (schema 2.0): the event as the header, the ticket, what the event says, and a plain
 * "View details" link. No buttons (a notice asks nothing) and no `update_multi`: it is never updated.
 */
export function renderFeishuNotice(notice: NoticeCard, options: FeishuCardOptions = {}): Json {
  const details = detailsLink(notice, options);
  const headline = noticeHeadline(notice);
  const elements: Json[] = [
    line(`Title: ${notice.title}`),
    line(`Requester: ${notice.requesterName}`),
    ...notice.fields.map((f) => line(`${f.label}: ${f.value}`)),
    ...noticeLines(notice).map((text) => line(text)),
  ];
  if (details) elements.push({ tag: 'markdown', content: `[View details](${markdownUrl(details)})` });
  return {
    schema: '2.0',
    config: { summary: { content: clip(`${headline} · ${notice.title}`, 100) } },
    header: {
      title: plain(clip(headline, 120)),
      subtitle: plain(`${notice.ticketType} · ${notice.ticketId}`),
      template: HEADER_COLOUR[noticeTone(notice)],
    },
    body: { elements },
  };
}
