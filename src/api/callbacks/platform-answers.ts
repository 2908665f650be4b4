import { cardParamMap } from '../../channels/dingtalk/dingtalk.card.js';
import type { DingtalkCardOptions } from '../../channels/dingtalk/dingtalk.card.js';
import { localized, renderFeishuCard } from '../../channels/feishu/feishu.card.js';
import { DEFAULT_READER, isDefaultReader } from '../../i18n/locale.js';
import { say } from '../../i18n/say.js';
import type { FeishuCardOptions } from '../../channels/feishu/feishu.card.js';
import type { ClickAnswer } from './card-click.js';

/**
 * Feishu / Lark: a toast, plus the clicker's card in its new state. card.action.trigger answers
 * `{toast, card: {type: 'raw', data}}`; the legacy callback wants the card itself at the top level (reference §5b–c).
 */
export function feishuAnswer(
  answer: ClickAnswer,
  legacy: boolean,
  options: FeishuCardOptions,
): Record<string, unknown> {
  const reader = answer.reader ?? DEFAULT_READER;
  // The same language map a card's texts carry (i18n_content), under the toast's key.
  const { content, i18n_content: i18n } = localized(reader, (r) => say(r, answer.message));
  const toast = { type: answer.tone, content, i18n };
  if (!answer.card) return { toast };
  const card = renderFeishuCard(answer.card, { ...options, reader });
  return legacy ? { ...card, toast } : { toast, card: { type: 'raw', data: card } };
}

// The template's outcome variables; the rest of the card (fields, links) stays as the workflow rendered it.
const OUTCOME_KEYS = ['status', 'statusText', 'showActions'] as const;

/**
 * DingTalk: card data merged by key into the clicker's view (the answer only refreshes the clicker's card, reference
 * §3a), in the clicker's language. DingTalk has no toast for HTTP callbacks, so the message goes into the status line
 * when there is no card. A clicker who reads their own language has our words in private data, which wins over the
 * public data in their view: the answer updates those too.
 */
export function dingtalkAnswer(answer: ClickAnswer, options: DingtalkCardOptions): Record<string, unknown> {
  const reader = answer.reader ?? DEFAULT_READER;
  let params: Record<string, string>;
  if (answer.card) {
    const full = cardParamMap(answer.card, options, reader);
    params = Object.fromEntries(OUTCOME_KEYS.map((k) => [k, full[k] ?? '']));
  } else {
    params = { statusText: say(reader, answer.message), ...(answer.hideActions ? { showActions: 'false' } : {}) };
  }
  const own = !isDefaultReader(answer.reader);
  const byKey = { updateCardDataByKey: true, ...(own && { updatePrivateDataByKey: true }) };
  const privately = own ? { userPrivateData: { cardParamMap: params } } : {};
  return { cardData: { cardParamMap: params }, ...privately, cardUpdateOptions: byKey };
}
