import { randomBytes, randomUUID } from 'node:crypto';
import { feishuEncrypt, feishuLegacyCardSignature, feishuSignature } from '../../src/channels/feishu/feishu.crypto.js';
import type { SimApp } from '../core/apps.js';
import { deliverClick, type SimClickResult } from '../core/clicks.js';
import type { SimMessage } from '../core/inbox.js';
import { SimInputError } from '../core/types.js';
import type { SimUser } from '../core/users.js';
import { applyAnswer, type Click } from './answer.js';
import { findButton, type CardButton } from './cards.js';
import { isGroupMessage } from './messages.js';
import type { FeishuSim } from './wire.js';
import { clickOverWs } from './ws-click.js';

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

/**
 * `POST /_sim/click` for Feishu / Lark: press a button, send the real callback (POST to the callback URL, or over the
 * app's long connection when its 订阅方式 is `ws`), apply the answer.
 */
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
  const ws = app.callbackMode === 'ws';
  if (!ws && !app.callbackUrl) throw new SimInputError(`app ${app.appId} has no callbackUrl (PUT /_sim/apps/...)`, 409);
  const button = findButton(sim.core.inbox.viewFor(message, user.id), click.action);
  if (!button) throw new SimInputError(`the card shows no ${click.action} button`, 409);
  const legacy = click.mode ? click.mode === 'legacy' : app.legacyCallback === true;
  // The long connection carries the plaintext schema 2.0 body only: no encryption, no signature, no legacy v1.
  if (ws)
    return clickOverWs(
      sim,
      message,
      click,
      legacy ? undefined : JSON.stringify(v2Body(sim, app, user, message, button)),
    );
  const url = app.callbackUrl ?? '';
  const built = legacy ? buildLegacy(sim, app, user, message, button) : buildV2(sim, app, user, message, button);
  // A redelivery POSTs the identical request (same headers, body and signature) again.
  const { first, redelivered } = await deliverClick(message, click.redeliver, async () => {
    const answer = await sim.core.callbacks.post(url, built.headers, built.body, sim.core.config.callbackTimeoutMs);
    return { answer, record: applyAnswer(sim, message, click, answer, legacy) };
  });
  const result = { url, request: built, answer: first.answer, record: first.record };
  return redelivered ? { ...result, redelivered } : result;
}
