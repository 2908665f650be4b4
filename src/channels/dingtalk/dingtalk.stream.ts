import { request, type Dispatcher } from 'undici';
import type WebSocket from 'ws';
import { z } from 'zod';
import type { StreamCallbackHandler, StreamEvents, StreamOpener } from '../callback-stream.js';
import { openSocket, socketSession } from '../stream-socket.js';
import type { DingtalkConfig } from './dingtalk.config.js';

/**
 * DingTalk Stream mode (reference §5e), written on `ws` rather than the official `dingtalk-stream` SDK: the SDK's
 * gateway URL is a constant (no Exclusive gateway, no simulator), it pulls in axios, logs with console.info and has
 * no state to report. The protocol is small: open a connection with the app's credentials, then JSON frames.
 */
export const CARD_CALLBACK_TOPIC = '/v1.0/card/instances/callback';

const GatewayAnswer = z.object({ endpoint: z.string().min(1), ticket: z.string().min(1) });
const GatewayRefusal = z.looseObject({ code: z.string().optional(), message: z.string().optional() });

const Frame = z.looseObject({
  type: z.enum(['SYSTEM', 'EVENT', 'CALLBACK']),
  headers: z.looseObject({
    messageId: z.string().min(1).max(256).optional(),
    topic: z.string().max(256).optional(),
    appId: z.string().max(256).optional(),
  }),
  data: z.string().optional(),
});
type Frame = z.infer<typeof Frame>;

const GATEWAY_TIMEOUT_MS = 10_000;

export function dingtalkStreamOpener(config: DingtalkConfig, dispatcher: Dispatcher): StreamOpener {
  return async (handler, events) => {
    const { endpoint, ticket } = await openGateway(config, dispatcher);
    const socket = await openSocket(`${endpoint}?ticket=${encodeURIComponent(ticket)}`);
    const session = socketSession(socket);
    const frames = new FrameHandler(config, socket, handler, events, (why) => session.end(why));
    socket.on('message', (data: Buffer, isBinary) => void frames.handle(isBinary ? '' : data.toString('utf8')));
    return session;
  };
}

/** POST /v1.0/gateway/connections/open: subscribes to card callbacks only; answers the WebSocket endpoint + ticket. */
async function openGateway(config: DingtalkConfig, dispatcher: Dispatcher) {
  const res = await request(`${config.apiBaseUrl.replace(/\/+$/, '')}/v1.0/gateway/connections/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      clientId: config.appKey,
      clientSecret: config.appSecret,
      subscriptions: [{ type: 'CALLBACK', topic: CARD_CALLBACK_TOPIC }],
      ua: 'approvals-bridge',
    }),
    dispatcher,
    signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
  });
  const body: unknown = await res.body.json().catch(() => undefined);
  if (res.statusCode !== 200) {
    const refusal = GatewayRefusal.safeParse(body);
    const code = refusal.success ? (refusal.data.code ?? '') : '';
    throw new Error(`the Stream gateway refused the connection: HTTP ${res.statusCode} ${code}`.trim());
  }
  const answer = GatewayAnswer.safeParse(body);
  if (!answer.success) throw new Error('the Stream gateway answered without an endpoint and ticket');
  return answer.data;
}

class FrameHandler {
  constructor(
    private readonly config: DingtalkConfig,
    private readonly socket: WebSocket,
    private readonly handler: StreamCallbackHandler,
    private readonly events: StreamEvents,
    private readonly reconnect: (why: string) => void,
  ) {}

  async handle(text: string): Promise<void> {
    const frame = parseFrame(text);
    if (!frame) return this.events.ignored('a frame that is not a Stream frame (JSON with type and headers)');
    const { messageId, topic } = frame.headers;
    if (frame.type === 'SYSTEM') return this.system(frame);
    if (messageId === undefined) return this.events.ignored(`a ${frame.type} frame without a messageId`);
    if (frame.type === 'EVENT') return this.reply(messageId, { status: 'SUCCESS', message: 'success' });
    if (topic !== CARD_CALLBACK_TOPIC) {
      this.events.ignored(`a callback on topic ${topic ?? '-'}, not the card topic`);
      return this.reply(messageId, { response: {} });
    }
    if (!this.isOurApp(frame.headers.appId)) {
      this.events.ignored(`a card callback for another app (${frame.headers.appId ?? '-'})`);
      return this.reply(messageId, { response: {} });
    }
    this.events.received();
    const listeners: (() => void)[] = [];
    const answer = await this.answer(frame.data, listeners);
    this.reply(messageId, { response: answer ?? {} }, () => listeners.forEach((l) => l()));
  }

  private async answer(data: string | undefined, listeners: (() => void)[]) {
    let payload: unknown;
    try {
      payload = JSON.parse(data ?? '');
    } catch {
      this.events.ignored('a card callback whose data is not JSON');
      return undefined;
    }
    try {
      return await this.handler({ payload, onAnswered: (l) => listeners.push(l) });
    } catch (err) {
      this.events.ignored(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  /** The frame header's appId is the app's AppId (Standard) or Client ID; one we do not know is someone else's. */
  private isOurApp(appId: string | undefined): boolean {
    if (appId === undefined || appId === this.config.appKey) return true;
    return 'appId' in this.config ? appId === this.config.appId : true;
  }

  private system(frame: Frame): void {
    const topic = frame.headers.topic;
    // A ping is echoed as it came; `disconnect` means the gateway is moving us: reconnect with a fresh ticket.
    if (topic === 'ping') this.send({ code: 200, headers: frame.headers, message: 'OK', data: frame.data });
    else if (topic === 'disconnect') this.reconnect('the gateway asked us to reconnect (disconnect)');
  }

  private reply(messageId: string, data: unknown, sent?: () => void): void {
    const headers = { contentType: 'application/json', messageId };
    this.send({ code: 200, headers, message: 'OK', data: JSON.stringify(data) }, sent);
  }

  private send(frame: unknown, sent?: () => void): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(frame), (err) => {
      if (!err) sent?.();
    });
  }
}

function parseFrame(text: string): Frame | undefined {
  try {
    const parsed = Frame.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
