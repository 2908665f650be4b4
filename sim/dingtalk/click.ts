import { createHmac } from 'node:crypto';
import { z } from 'zod';
import {
  parseMaybeJson,
  SimInputError,
  type CallbackAnswer,
  type SimClickRecord,
  type SimClickRequest,
  type SimClickResult,
  type SimMessage,
} from '../core/index.js';
import { groupClickRefusal } from './groups.js';
import type { SimCardInstance } from './store.js';
import { mergeParams, viewOf, type SimCardView } from './template.js';
import type { DingtalkSim } from './wire.js';

/** "事件回调有超时（TIMEOUT）限制，请在 2 秒内完成业务处理并响应" (event-callback-card). */
const CALLBACK_TIMEOUT_MS = 2_000;

const AnswerMap = z.looseObject({ cardParamMap: z.record(z.string(), z.string()).optional() });
const ClickAnswer = z.looseObject({
  cardData: AnswerMap.optional(),
  userPrivateData: AnswerMap.optional(),
  cardUpdateOptions: z
    .looseObject({ updateCardDataByKey: z.boolean().optional(), updatePrivateDataByKey: z.boolean().optional() })
    .optional(),
});

type Click = SimClickRequest & { messageId: string };

/** By message id, or by outTrackId among the clicker's cards. */
function findMessage(sim: DingtalkSim, click: Click): SimMessage | undefined {
  return (
    sim.core.inbox.get(sim.edition, click.messageId) ??
    sim.core.inbox
      .list({ platform: sim.edition, userId: click.userId })
      .find((m) => m.meta.outTrackId === click.messageId)
  );
}

function cardOf(sim: DingtalkSim, message: SimMessage): SimCardInstance {
  const card = sim.cards.get(message.appId, String(message.meta.outTrackId));
  if (!card) throw new SimInputError(`card ${message.id} has no instance`, 404);
  return card;
}

/**
 * The HTTP callback DingTalk POSTs for a 回传请求 button: `content` (documented) or `value` (the approval tutorial's
 * variant, `mode: "value"`) carries the JSON string {cardPrivateData: {actionIds, params}}.
 */
function callbackBody(
  sim: DingtalkSim,
  message: SimMessage,
  corpId: string,
  button: SimCardView['buttons'][number],
  mode?: string,
): string {
  const payload = JSON.stringify({ cardPrivateData: { actionIds: [button.id], params: button.params } });
  const common = { outTrackId: String(message.meta.outTrackId), corpId, userId: message.recipientPlatformId };
  if (mode === 'value') return JSON.stringify({ ...common, value: payload });
  if (mode !== undefined && mode !== 'content')
    throw new SimInputError(`unknown DingTalk click mode ${mode} (content | value)`);
  return JSON.stringify({ type: 'actionCallback', ...common, content: payload });
}

/** With an apiSecret: Base64(HMAC-SHA256(apiSecret, String(timestamp ms))) — computed here on its own, like DingTalk. */
function signatureHeaders(secret: string | undefined, now: number): Record<string, string> {
  if (!secret) return {};
  const signature = createHmac('sha256', secret).update(String(now)).digest('base64');
  return { 'x-ddpaas-signature-timestamp': String(now), 'x-ddpaas-signature': signature };
}

/** The answer refreshes only the clicker's view ("只会将公有数据下发给触发回传请求事件的用户"). */
function applyAnswer(
  sim: DingtalkSim,
  message: SimMessage,
  view: SimCardView,
  click: Click,
  answer: CallbackAnswer,
): SimClickRecord {
  const base = { at: sim.core.clock.now(), userId: click.userId, action: click.action, cardApplied: false };
  if (answer.failure)
    return { ...base, clientError: { code: `callback.${answer.failure}`, msg: 'the app did not answer in time' } };
  const response = answer.body ? parseMaybeJson(answer.body) : {};
  const withStatus = { ...base, status: answer.status, response };
  if (answer.status !== 200)
    return { ...withStatus, clientError: { code: 'callback.httpError', msg: `HTTP ${answer.status}` } };
  const parsed = ClickAnswer.safeParse(response);
  if (!parsed.success)
    return { ...withStatus, clientError: { code: 'callback.invalidResponse', msg: 'answer is not a card update' } };
  const { cardData, userPrivateData, cardUpdateOptions: options = {} } = parsed.data;
  if (!cardData?.cardParamMap && !userPrivateData?.cardParamMap) return withStatus;
  const publicData = mergeParams(view.cardParamMap, cardData?.cardParamMap, options.updateCardDataByKey);
  const privateData = mergeParams(view.privateParamMap, userPrivateData?.cardParamMap, options.updatePrivateDataByKey);
  sim.core.inbox.update(message, viewOf(view, publicData, privateData), 'callback', click.userId);
  return { ...withStatus, cardApplied: true };
}

/**
 * A sim user presses approve / reject on a DingTalk card in their robot chat or in a group they are in: the callback
 * names the clicker's own userId either way.
 */
export async function clickDingtalk(sim: DingtalkSim, click: Click): Promise<SimClickResult> {
  const message = findMessage(sim, click);
  if (!message) throw new SimInputError(`no ${sim.edition} card ${click.messageId}`, 404);
  if (message.userId !== click.userId) throw new SimInputError(`${click.userId} cannot see card ${message.id}`, 403);
  // A group card's copy is pressed by a member of the group (a member removed since can no longer use it).
  const notMember = groupClickRefusal(sim, message, click.userId);
  if (notMember) throw new SimInputError(notMember, 403);
  const card = cardOf(sim, message);
  const view = sim.core.inbox.viewFor(message, click.userId) as SimCardView;
  const button = view.buttons.find((b) => b.id === click.action);
  if (!button) throw new SimInputError(`card ${message.id} shows no ${click.action} button`, 409);
  if (card.callbackType === 'STREAM') throw new SimInputError('Stream-mode card callbacks are not simulated', 501);
  const app = sim.core.apps.get(sim.edition, message.appId);
  const target = card.callbackRouteKey ? app?.callbackRoutes[card.callbackRouteKey] : undefined;
  if (!app || !target)
    throw new SimInputError(`no callback URL registered for routeKey ${card.callbackRouteKey ?? '-'}`, 409);
  const body = callbackBody(sim, message, app.tenantKey, button, click.mode);
  const headers = signatureHeaders(target.secret, sim.core.clock.now());
  const timeout = Math.min(CALLBACK_TIMEOUT_MS, sim.core.config.callbackTimeoutMs);
  const answer = await sim.core.callbacks.post(target.url, headers, body, timeout);
  const record = applyAnswer(sim, message, view, click, answer);
  message.clicks.push(record);
  return { url: target.url, request: { headers, body }, answer, record };
}
