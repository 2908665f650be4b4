import { parseMaybeJson, type CallbackAnswer } from '../core/callbacks.js';
import type { SimClickRequest } from '../core/clicks.js';
import type { SimClickRecord, SimMessage } from '../core/inbox.js';
import { isSchema2, isShared } from './cards.js';
import type { FeishuSim } from './wire.js';

export type Click = SimClickRequest & { messageId: string };

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
export function clientError(answer: CallbackAnswer): SimClickRecord['clientError'] {
  if (answer.failure === 'timeout') return { code: 200341, msg: 'callback did not respond in time' };
  if (answer.failure === 'connect') return { code: 200342, msg: 'TCP connection failed' };
  if (answer.failure === 'dns') return { code: 200343, msg: 'DNS resolution failed' };
  if (answer.failure) return { code: 200080, msg: 'request error' };
  if (answer.status !== 200) return { code: 200671, msg: 'callback answered with a non-200 status' };
  return undefined;
}

/**
 * Record the answer (HTTP, or decoded from a long-connection reply) and, if it carries a usable card, show it (to
 * everyone for a shared card). `error` overrides the client-side code derived from the transport outcome.
 */
export function applyAnswer(
  sim: FeishuSim,
  message: SimMessage,
  click: Click,
  answer: CallbackAnswer,
  legacy: boolean,
  error = clientError(answer),
): SimClickRecord {
  const base = { at: sim.core.clock.now(), userId: click.userId, action: click.action, cardApplied: false };
  const record: SimClickRecord = { ...base, ...(answer.status ? { status: answer.status } : {}) };
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
