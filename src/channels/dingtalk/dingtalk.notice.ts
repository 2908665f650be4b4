import type { NoticeCard } from '../../domain/notice-state.js';
import { DEFAULT_READER, isDefaultReader, type Reader } from '../../i18n/locale.js';
import { say, text, type MessageKey } from '../../i18n/say.js';
import { noticeHeadline, noticeLines, noticeSummary } from '../notice-text.js';
import {
  clip,
  detailsLink,
  ticketWords,
  translatedTicket,
  type DingtalkCardOptions,
  type ParamMap,
  type PrivateData,
} from './dingtalk.card.js';
import type { InstanceContent } from './dingtalk.robot-cards.js';

/**
 * A notice as an instance of the approval template (the one card template the channel is configured with): the
 * ticket in the same variables, the event as its status line, no deadline and no buttons (`showActions` "false").
 * The status line carries the event's own lines (who, why, the ticket system's note, when) below its headline.
 */
export function noticeParamMap(notice: NoticeCard, opts: DingtalkCardOptions, reader = DEFAULT_READER): ParamMap {
  const map: ParamMap = {
    ticketType: notice.ticketType,
    requester: notice.requesterName,
    deadline: '',
    status: notice.event,
    ...noticeWords(notice, reader),
    detailsUrl: detailsLink(notice, opts),
    showActions: 'false',
    ...ticketWords(notice, reader),
    ticketId: notice.ticketId,
    tenant: notice.tenant,
    level: String(notice.level ?? 1),
    reminder: '',
  };
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, k === 'detailsUrl' ? v : clip(v)]));
}

/** The notice's words in one reader's language: the status line (headline and lines), labels and locale. */
export function noticeWords(notice: NoticeCard, reader: Reader): ParamMap {
  const word = (key: MessageKey) => say(reader, text(key));
  return {
    ...translatedTicket(notice, reader),
    locale: reader.locale,
    statusText: clip([noticeHeadline(notice, reader), ...noticeLines(notice, reader)].join('\n')),
    ticketTypeLabel: word('card.label.ticketType'),
    titleLabel: word('card.label.title'),
    requesterLabel: word('card.label.requester'),
    deadlineLabel: word('card.label.deadline'),
    detailsText: word('button.details'),
  };
}

/** Private data of a notice instance: each recipient who reads another language or zone gets theirs. */
export function noticePrivateData(
  notice: NoticeCard,
  recipients: readonly { platformUserId: string; reader?: Reader }[],
): PrivateData {
  const own = recipients.filter((r) => !isDefaultReader(r.reader));
  return Object.fromEntries(
    own.map((r) => [r.platformUserId, { cardParamMap: noticeWords(notice, r.reader ?? DEFAULT_READER) }]),
  );
}

export function noticeContent(notice: NoticeCard, opts: DingtalkCardOptions, reader = DEFAULT_READER): InstanceContent {
  return { params: noticeParamMap(notice, opts, reader), title: noticeSummary(notice, reader) };
}
