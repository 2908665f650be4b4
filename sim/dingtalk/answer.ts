import { z } from 'zod';
import {
  parseMaybeJson,
  type CallbackAnswer,
  type SimClickRecord,
  type SimClickRequest,
  type SimMessage,
} from '../core/index.js';
import { mergeParams, viewOf, type SimCardView } from './template.js';
import type { DingtalkSim } from './wire.js';

export type Click = SimClickRequest & { messageId: string };

/** "事件回调有超时（TIMEOUT）限制，请在 2 秒内完成业务处理并响应" (event-callback-card); Stream mode too. */
export const CALLBACK_TIMEOUT_MS = 2_000;

const AnswerMap = z.looseObject({ cardParamMap: z.record(z.string(), z.string()).optional() });
const ClickAnswer = z.looseObject({
  cardData: AnswerMap.optional(),
  userPrivateData: AnswerMap.optional(),
  cardUpdateOptions: z
    .looseObject({ updateCardDataByKey: z.boolean().optional(), updatePrivateDataByKey: z.boolean().optional() })
    .optional(),
});

export function clickRecord(sim: DingtalkSim, click: Click): SimClickRecord {
  return { at: sim.core.clock.now(), userId: click.userId, action: click.action, cardApplied: false };
}

/**
 * Apply an app's `{cardData?, userPrivateData?, cardUpdateOptions?}` (HTTP body or Stream `response`) to the clicker's
 * current view only ("只会将公有数据下发给触发回传请求事件的用户"); a redelivered click builds on the first answer.
 */
export function applyResponse(
  sim: DingtalkSim,
  message: SimMessage,
  click: Click,
  status: number | undefined,
  response: unknown,
): SimClickRecord {
  const withStatus = { ...clickRecord(sim, click), status, response };
  const parsed = ClickAnswer.safeParse(response);
  if (!parsed.success)
    return { ...withStatus, clientError: { code: 'callback.invalidResponse', msg: 'answer is not a card update' } };
  const { cardData, userPrivateData, cardUpdateOptions: options = {} } = parsed.data;
  if (!cardData?.cardParamMap && !userPrivateData?.cardParamMap) return withStatus;
  const view = sim.core.inbox.viewFor(message, click.userId) as SimCardView;
  const publicData = mergeParams(view.cardParamMap, cardData?.cardParamMap, options.updateCardDataByKey);
  const privateData = mergeParams(view.privateParamMap, userPrivateData?.cardParamMap, options.updatePrivateDataByKey);
  sim.core.inbox.update(message, viewOf(view, publicData, privateData), 'callback', click.userId);
  return { ...withStatus, cardApplied: true };
}

/** An HTTP callback's answer: transport failures and non-200 statuses are recorded, a 200 body applied. */
export function applyHttpAnswer(
  sim: DingtalkSim,
  message: SimMessage,
  click: Click,
  answer: CallbackAnswer,
): SimClickRecord {
  if (answer.failure) {
    const clientError = { code: `callback.${answer.failure}`, msg: 'the app did not answer in time' };
    return { ...clickRecord(sim, click), clientError };
  }
  const response = answer.body ? parseMaybeJson(answer.body) : {};
  if (answer.status !== 200) {
    const clientError = { code: 'callback.httpError', msg: `HTTP ${answer.status}` };
    return { ...clickRecord(sim, click), status: answer.status, response, clientError };
  }
  return applyResponse(sim, message, click, answer.status, response);
}
