import { randomBytes, randomUUID } from 'node:crypto';
import { feishuEncrypt, feishuLegacyCardSignature, feishuSignature } from '../../src/channels/feishu/feishu.crypto.js';
import type { SimApp } from '../core/apps.js';
import { parseMaybeJson, type CallbackAnswer } from '../core/callbacks.js';
import type { SimClickRequest, SimClickResult } from '../core/clicks.js';
import type { SimClickRecord, SimMessage } from '../core/inbox.js';
import { SimInputError } from '../core/types.js';
import type { SimUser } from '../core/users.js';
import { findButton, isSchema2, isShared, type CardButton } from './cards.js';
import { isGroupMessage } from './messages.js';
import type { FeishuSim } from './wire.js';

type Click = SimClickRequest & { messageId: string };

interface Built {
  headers: Record<string, string>;
  body: string;
}

/** card.action.trigger (schema 2.0): header.token = Verification Token, create_time in microseconds. */
function v2Body(sim: FeishuSim, app: SimApp, user: SimUser, message: SimMessage, button: CardButton): unknown {
  const openId = user.ids[sim.platform] ?? '';
  return {
    schema: '2.0',
    header: {
      event_id: randomBytes(16).toString('hex'),
      token: app.verificationToken ?? '',
      create_time: String(sim.core.clock.now() * 1000),
      event_type: 'card.action.trigger',
      tenant_key: app.tenantKey,
      app_id: app.appId,
    },
    event: {
      operator: { tenant_key: app.tenantKey, user_id: user.id, open_id: openId, union_id: `on_${openId.slice(3)}` },
      token: `c-${randomBytes(20).toString('hex')}`,
      action: {
        value: button.value,
        tag: 'button',
        timezone: 'Asia/Shanghai',
        ...(button.name ? { name: button.name } : {}),
      },
      host: 'im_message',
      context: { open_message_id: message.id, open_chat_id: message.chatId },
    },
  };
}

/** With an Encrypt Key the body is `{"encrypt": ...}` and signed over the raw bytes; without one it is plaintext. */
function buildV2(sim: FeishuSim, app: SimApp, user: SimUser, message: SimMessage, button: CardButton): Built {
  const plain = JSON.stringify(v2Body(sim, app, user, message, button));
  if (!app.encryptKey) return { headers: {}, body: plain };
  const body = JSON.stringify({ encrypt: feishuEncrypt(plain, app.encryptKey) });
  const timestamp = String(Math.floor(sim.core.clock.now() / 1000));
  const nonce = randomUUID();
  return {
    headers: {
      'X-Lark-Request-Timestamp': timestamp,
      'X-Lark-Request-Nonce': nonce,
      'X-Lark-Signature': feishuSignature(timestamp, nonce, app.encryptKey, body),
    },
    body,
  };
}

/** card.action.trigger_v1: flat body, never encrypted, SHA-1 signature with the Verification Token. */
function buildLegacy(sim: FeishuSim, app: SimApp, user: SimUser, message: SimMessage, button: CardButton): Built {
  const body = JSON.stringify({
    open_id: user.ids[sim.platform] ?? '',
    user_id: user.id,
    open_message_id: message.id,
    open_chat_id: message.chatId,
    tenant_key: app.tenantKey,
    token: `c-${randomBytes(20).toString('hex')}`,
    action: { value: button.value, tag: 'button', timezone: 'Asia/Shanghai' },
  });
  const timestamp = String(Math.floor(sim.core.clock.now() / 1000));
  const nonce = randomUUID();
  const signature = feishuLegacyCardSignature(timestamp, nonce, app.verificationToken ?? '', body);
  return {
    headers: { 'X-Lark-Request-Timestamp': timestamp, 'X-Lark-Request-Nonce': nonce, 'X-Lark-Signature': signature },
    body,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const LEGACY_CARD_KEYS = ['config', 'header', 'elements', 'i18n_elements', 'card_link', 'schema', 'body'];

/** The card an answer carries: 2.0 `card: {type:'raw', data}` (or template), legacy: the card at top level. */
function answeredCard(body: Record<string, unknown>, legacy: boolean): unknown {
  if (legacy) {
    const card = Object.fromEntries(Object.entries(body).filter(([k]) => LEGACY_CARD_KEYS.includes(k)));
    return Object.keys(card).length > 0 ? card : undefined;
  }
  if (!isObject(body.card)) return undefined;
  return body.card.type === 'raw' ? body.card.data : body.card;
}

/** Client-side codes the Feishu app shows the clicker (client ≥ 7.28) when the answer is unusable. */
function clientError(answer: CallbackAnswer): SimClickRecord['clientError'] {
  if (answer.failure === 'timeout') return { code: 200341, msg: 'callback did not respond in time' };
  if (answer.failure === 'connect') return { code: 200342, msg: 'TCP connection failed' };
  if (answer.failure === 'dns') return { code: 200343, msg: 'DNS resolution failed' };
  if (answer.failure) return { code: 200080, msg: 'request error' };
  if (answer.status !== 200) return { code: 200671, msg: 'callback answered with a non-200 status' };
  return undefined;
}

/** Record the answer and, if it carries a usable card, show it (to everyone for a shared card). */
function applyAnswer(sim: FeishuSim, message: SimMessage, click: Click, answer: CallbackAnswer, legacy: boolean) {
  const base = { at: sim.core.clock.now(), userId: click.userId, action: click.action, cardApplied: false };
  const record: SimClickRecord = { ...base, ...(answer.status ? { status: answer.status } : {}) };
  const error = clientError(answer);
  const parsed = parseMaybeJson(answer.body);
  if (!answer.failure) record.response = parsed;
  if (error) return { ...record, clientError: error };
  if (!isObject(parsed)) return { ...record, clientError: { code: 200672, msg: 'bad response body format' } };
  if (parsed.toast !== undefined) record.toast = parsed.toast;
  const card = answeredCard(parsed, legacy);
  if (card === undefined) return record;
  if (!isObject(card)) return { ...record, clientError: { code: 200673, msg: 'bad card in response' } };
  if (isSchema2(message.content as Record<string, unknown>) && card.type !== 'template' && !isSchema2(card)) {
    return { ...record, clientError: { code: 200830, msg: 'cannot update a schema 2.0 card to 1.0' } };
  }
  const shared = isShared(message.content as Record<string, unknown>);
  sim.core.inbox.update(message, card, 'callback', shared ? undefined : click.userId);
  return { ...record, cardApplied: true };
}

/** `POST /_sim/click` for Feishu / Lark: press a button, POST the real callback, apply the answer. */
export async function clickFeishu(sim: FeishuSim, click: Click): Promise<SimClickResult> {
  const message = sim.core.inbox.get(sim.platform, click.messageId);
  if (!message) throw new SimInputError(`no ${sim.platform} message ${click.messageId}`, 404);
  const app = sim.core.apps.get(sim.platform, message.appId);
  const user = sim.core.users.get(click.userId);
  if (!app || !user) throw new SimInputError(`unknown app or user for this click`, 404);
  // A group card is pressed by a member of the chat: here every user active on the platform (sim/README.md).
  if (isGroupMessage(message) && sim.core.users.statusOn(user, sim.platform) !== 'active') {
    throw new SimInputError(`${user.id} is not a member of ${sim.platform} chat ${message.chatId ?? ''}`, 409);
  }
  if (!app.callbackUrl) throw new SimInputError(`app ${app.appId} has no callbackUrl (PUT /_sim/apps/...)`, 409);
  const button = findButton(sim.core.inbox.viewFor(message, user.id), click.action);
  if (!button) throw new SimInputError(`the card shows no ${click.action} button`, 409);
  const legacy = click.mode ? click.mode === 'legacy' : app.legacyCallback === true;
  const built = legacy ? buildLegacy(sim, app, user, message, button) : buildV2(sim, app, user, message, button);
  const answer = await sim.core.callbacks.post(
    app.callbackUrl,
    built.headers,
    built.body,
    sim.core.config.callbackTimeoutMs,
  );
  const record = applyAnswer(sim, message, click, answer, legacy);
  message.clicks.push(record);
  return { url: app.callbackUrl, request: built, answer, record };
}
