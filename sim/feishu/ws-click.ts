import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseMaybeJson, type CallbackAnswer } from '../core/callbacks.js';
import { deliverClick, type SimClickResult, type SimDelivery } from '../core/clicks.js';
import type { SimClickRecord, SimMessage } from '../core/inbox.js';
import { pickRandom, type StreamConnection, type StreamFrame } from '../core/stream-hub.js';
import { applyAnswer, type Click } from './answer.js';
import { encodeFrame, FrameMethod, frameHeader, headerList, tryDecodeFrame } from './frame.js';
import type { FeishuSim } from './wire.js';

/** Same 3 s a callback URL gets. */
const WS_CALLBACK_TIMEOUT_MS = 3_000;

/** The SDK's reply: `{code, headers?, data}` where data is the answer JSON, base64 (Go []byte); absent = `{}`. */
const Reply = z.looseObject({ code: z.number().int(), data: z.string().nullable().optional() });

/** The payload of the client's data frame answering `messageId`. */
function replyTo(messageId: string) {
  return (frame: StreamFrame): Buffer | undefined => {
    const decoded = frame.isBinary ? tryDecodeFrame(frame.data) : undefined;
    if (decoded?.method !== FrameMethod.data || frameHeader(decoded, 'message_id') !== messageId) return undefined;
    return decoded.payload;
  };
}

/** The callback as data frames: one, or `sum` pieces when `wsSplitPayloadBytes` is set and the body is bigger. */
function dataFrames(sim: FeishuSim, conn: StreamConnection, body: string, ids: { message: string; trace: string }) {
  const bytes = Buffer.from(body);
  const size = sim.core.config.wsSplitPayloadBytes;
  const parts: Buffer[] = [];
  if (size > 0) for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  if (parts.length === 0) parts.push(bytes);
  const LogID = randomInt(1, 2 ** 47);
  return parts.map((payload, seq) => {
    const headers = {
      type: 'event',
      message_id: ids.message,
      sum: String(parts.length),
      seq: String(seq),
      trace_id: ids.trace,
    };
    return encodeFrame({
      LogID,
      service: Number(conn.meta.serviceId),
      method: FrameMethod.data,
      headers: headerList(headers),
      payload,
    });
  });
}

/** The reply as a CallbackAnswer (status = its code, body = the decoded answer) or the client-side code it earns. */
function answerOf(
  payload: Buffer,
  durationMs: number,
): { answer: CallbackAnswer; error?: SimClickRecord['clientError'] } {
  const reply = Reply.safeParse(parseMaybeJson(payload.toString('utf8')));
  if (!reply.success) {
    const answer = { headers: {}, body: payload.toString('utf8'), durationMs };
    return { answer, error: { code: 200672, msg: 'bad response body format' } };
  }
  const body = reply.data.data ? Buffer.from(reply.data.data, 'base64').toString('utf8') : '{}';
  return { answer: { status: reply.data.code, headers: {}, body, durationMs } };
}

/** One delivery to a random open connection of the app (another than `avoid` when there is one). */
async function deliver(
  sim: FeishuSim,
  message: SimMessage,
  click: Click,
  body: string,
  ids: { message: string; trace: string },
  avoid?: string,
): Promise<SimDelivery> {
  const open = sim.core.streams.list({ platform: sim.platform, appId: message.appId });
  const others = open.filter((c) => c.id !== avoid);
  const conn = pickRandom(others.length > 0 ? others : open);
  if (!conn) {
    const answer = { headers: {}, body: '', durationMs: 0, failure: 'connect' as const };
    const error = { code: 200342, msg: 'no long connection' };
    return { answer, record: applyAnswer(sim, message, click, answer, false, error) };
  }
  const started = Date.now();
  const timeout = Math.min(WS_CALLBACK_TIMEOUT_MS, sim.core.config.callbackTimeoutMs);
  const waiting = sim.core.streams.waitFor(conn, replyTo(ids.message), timeout);
  for (const frame of dataFrames(sim, conn, body, ids)) sim.core.streams.send(conn, frame);
  const payload = await waiting;
  const durationMs = Date.now() - started;
  // No error override for a timeout or a non-200 code: applyAnswer derives 200341 / 200671 as for HTTP.
  const { answer, error } = payload
    ? answerOf(payload, durationMs)
    : { answer: { headers: {}, body: '', durationMs, failure: 'timeout' as const } };
  return { connectionId: conn.id, answer, record: applyAnswer(sim, message, click, answer, false, error) };
}

/**
 * 长连接 mode: the plaintext schema 2.0 body (`undefined` for a legacy v1 click, which the long connection does not
 * carry) goes to one randomly chosen open connection of the app as `type=event` data frames; the reply with the same
 * message_id is applied like an HTTP answer. A redelivery is the same frames (same message_id).
 */
export async function clickOverWs(
  sim: FeishuSim,
  message: SimMessage,
  click: Click,
  body: string | undefined,
): Promise<SimClickResult> {
  if (body === undefined) {
    const record: SimClickRecord = {
      at: sim.core.clock.now(),
      userId: click.userId,
      action: click.action,
      cardApplied: false,
      clientError: { code: 200340, msg: 'legacy card callbacks are not delivered over long connection' },
    };
    message.clicks.push(record);
    const answer = { headers: {}, body: '', durationMs: 0 };
    return { url: `ws://${sim.platform}/`, request: { headers: {}, body: '' }, answer, record };
  }
  const ids = { message: randomUUID(), trace: randomUUID() };
  const { first, redelivered } = await deliverClick(message, click.redeliver, (previous) =>
    deliver(sim, message, click, body, ids, previous?.connectionId),
  );
  const url = `ws://${sim.platform}/${first.connectionId ?? ''}`;
  const result = { url, request: { headers: {}, body }, answer: first.answer, record: first.record };
  return redelivered ? { ...result, redelivered } : result;
}
