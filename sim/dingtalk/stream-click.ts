import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  deliverClick,
  parseJsonBody,
  pickRandom,
  type CallbackAnswer,
  type SimClickResult,
  type SimDelivery,
  type SimMessage,
  type StreamFrame,
} from '../core/index.js';
import { applyResponse, CALLBACK_TIMEOUT_MS, clickRecord, type Click } from './answer.js';
import { CARD_CALLBACK_TOPIC, subscribedToCards } from './stream.js';
import type { DingtalkSim } from './wire.js';

const Reply = z.looseObject({ code: z.number(), data: z.string().optional() });
const ReplyData = z.looseObject({ response: z.unknown().optional() });

/** The app's reply frame to `messageId`, or undefined for any other frame. */
function replyTo(messageId: string) {
  return (frame: StreamFrame): unknown => {
    if (frame.isBinary) return undefined;
    const parsed = parseJsonBody(frame.data) as { headers?: { messageId?: unknown } } | undefined;
    return parsed?.headers?.messageId === messageId ? parsed : undefined;
  };
}

/** The reply's `response` object, or why it is unusable (code ≠ 200, data not `{"response": ...}` JSON). */
function responseOf(reply: unknown): { code?: number; response?: unknown; invalid?: string } {
  const parsed = Reply.safeParse(reply);
  if (!parsed.success) return { invalid: 'the reply is not {code, headers, message, data}' };
  const { code, data } = parsed.data;
  if (code !== 200) return { code, invalid: `the reply's code is ${code}` };
  if (!data) return { code, response: {} };
  const inner = ReplyData.safeParse(parseJsonBody(Buffer.from(data)));
  if (!inner.success) return { code, invalid: "the reply's data is not {response} JSON" };
  return { code, response: inner.data.response ?? {} };
}

interface Frame {
  headers: { appId: string; connectionId: string; contentType: string; messageId: string; time: string; topic: string };
  data: string;
}

/** Send the CALLBACK frame to one subscribed connection (another than `avoid` if possible) and apply the reply. */
async function deliver(
  sim: DingtalkSim,
  message: SimMessage,
  click: Click,
  frame: Frame,
  avoid?: string,
): Promise<SimDelivery> {
  const open = sim.core.streams.list({ platform: sim.edition, appId: message.appId }).filter(subscribedToCards);
  const others = open.filter((c) => c.id !== avoid);
  const conn = pickRandom(others.length > 0 ? others : open);
  const headers = { ...frame.headers, connectionId: conn?.id ?? '' };
  const fail = (failure: CallbackAnswer['failure'], code: string, msg: string, durationMs: number) => ({
    ...(conn ? { connectionId: conn.id } : {}),
    answer: { headers: {}, body: '', durationMs, failure },
    record: { ...clickRecord(sim, click), clientError: { code, msg } },
  });
  if (!conn) return fail('connect', 'callback.noConnection', 'no Stream connection subscribed to card callbacks', 0);
  const started = Date.now();
  const timeout = Math.min(CALLBACK_TIMEOUT_MS, sim.core.config.callbackTimeoutMs);
  const waiting = sim.core.streams.waitFor(conn, replyTo(headers.messageId), timeout);
  sim.core.streams.send(conn, JSON.stringify({ specVersion: '1.0', type: 'CALLBACK', headers, data: frame.data }));
  const reply = await waiting;
  const durationMs = Date.now() - started;
  if (reply === undefined) return fail('timeout', 'callback.timeout', 'the app did not answer in time', durationMs);
  const { code, response, invalid } = responseOf(reply);
  const answer = { status: code, headers: {}, body: invalid ? '' : JSON.stringify(response), durationMs };
  if (invalid) {
    const clientError = { code: 'callback.invalidResponse', msg: invalid };
    return { connectionId: conn.id, answer, record: { ...clickRecord(sim, click), status: code, clientError } };
  }
  return { connectionId: conn.id, answer, record: applyResponse(sim, message, click, code, response) };
}

/**
 * Stream mode: the click goes as a CALLBACK frame to one randomly chosen connection of the app subscribed to the
 * card topic; its reply `{code:200, data:"{\"response\":{...}}"}` is applied like an HTTP answer. A redelivery is the
 * same frame (same messageId), addressed to the connection it goes to.
 */
export async function clickOverStream(
  sim: DingtalkSim,
  message: SimMessage,
  click: Click,
  data: string,
): Promise<SimClickResult> {
  const headers: Frame['headers'] = {
    appId: message.appId,
    connectionId: '',
    contentType: 'application/json',
    messageId: randomUUID(),
    time: String(sim.core.clock.now()),
    topic: CARD_CALLBACK_TOPIC,
  };
  const { first, redelivered } = await deliverClick(message, click.redeliver, (previous) =>
    deliver(sim, message, click, { headers, data }, previous?.connectionId),
  );
  const connectionId = first.connectionId ?? '';
  const result = {
    url: `stream://${sim.edition}/${connectionId}`,
    request: { headers: { ...headers, connectionId }, body: data },
    answer: first.answer,
    record: first.record,
  };
  return redelivered ? { ...result, redelivered } : result;
}
