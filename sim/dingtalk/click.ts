import { createHmac } from 'node:crypto';
import { deliverClick, SimInputError, type SimClickResult, type SimMessage } from '../core/index.js';
import { applyHttpAnswer, CALLBACK_TIMEOUT_MS, type Click } from './answer.js';
import { groupClickRefusal } from './groups.js';
import type { SimCardInstance } from './store.js';
import { clickOverStream } from './stream-click.js';
import type { SimCardView } from './template.js';
import type { DingtalkSim } from './wire.js';

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
 * The callback DingTalk sends for a 回传请求 button (HTTP body, or Stream `data`): `content` (documented) or `value`
 * (the approval tutorial's variant, `mode: "value"`) carries the JSON string {cardPrivateData: {actionIds, params}}.
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
  const app = sim.core.apps.get(sim.edition, message.appId);
  if (app && card.callbackType === 'STREAM') {
    return clickOverStream(sim, message, click, callbackBody(sim, message, app.tenantKey, button, click.mode));
  }
  const target = card.callbackRouteKey ? app?.callbackRoutes[card.callbackRouteKey] : undefined;
  if (!app || !target)
    throw new SimInputError(`no callback URL registered for routeKey ${card.callbackRouteKey ?? '-'}`, 409);
  const body = callbackBody(sim, message, app.tenantKey, button, click.mode);
  const headers = signatureHeaders(target.secret, sim.core.clock.now());
  const timeout = Math.min(CALLBACK_TIMEOUT_MS, sim.core.config.callbackTimeoutMs);
  // A redelivery is the identical request (same signature headers and body) POSTed again.
  const { first, redelivered } = await deliverClick(message, click.redeliver, async () => {
    const answer = await sim.core.callbacks.post(target.url, headers, body, timeout);
    return { answer, record: applyHttpAnswer(sim, message, click, answer) };
  });
  const result = { url: target.url, request: { headers, body }, answer: first.answer, record: first.record };
  return redelivered ? { ...result, redelivered } : result;
}
