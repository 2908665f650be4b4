import { ticketIn } from '../../domain/card.js';
import type { NoticeCard } from '../../domain/notice-state.js';
import { DEFAULT_READER, type Reader } from '../../i18n/locale.js';
import { say, text } from '../../i18n/say.js';
import { noticeHeadline, noticeLines, noticeSummary, noticeTone, type NoticeTone } from '../notice-text.js';
import {
  clip,
  detailsLink,
  fieldLine,
  localized,
  localPlain,
  markdownUrl,
  plain,
  type FeishuCardOptions,
  type Json,
} from './feishu.card.js';

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
  const reader = options.reader ?? DEFAULT_READER;
  const details = detailsLink(notice, options);
  const ours = (build: (r: Reader) => string): Json => ({ tag: 'div', text: localPlain(reader, build) });
  const label = (key: 'card.label.title' | 'card.label.requester', value: (r: Reader) => string) => (r: Reader) =>
    `${say(r, text(key))}: ${clip(value(r))}`;
  const lineCount = noticeLines(notice, reader).length;
  const elements: Json[] = [
    ours(label('card.label.title', (r) => ticketIn(notice, r.locale).title)),
    ours(label('card.label.requester', () => notice.requesterName)),
    ...notice.fields.map((_, i) => fieldLine(notice, i, reader)),
    ...Array.from({ length: lineCount }, (_, i) => ours((r) => clip(noticeLines(notice, r)[i] ?? ''))),
  ];
  if (details) {
    const link = (r: Reader) => `[${say(r, text('button.details'))}](${markdownUrl(details)})`;
    elements.push({ tag: 'markdown', ...localized(reader, link) });
  }
  return {
    schema: '2.0',
    config: { summary: localized(reader, (r) => clip(noticeSummary(notice, r), 100)) },
    header: {
      title: localPlain(reader, (r) => clip(noticeHeadline(notice, r), 120)),
      subtitle: plain(`${notice.ticketType} · ${notice.ticketId}`),
      template: HEADER_COLOUR[noticeTone(notice)],
    },
    body: { elements },
  };
}
