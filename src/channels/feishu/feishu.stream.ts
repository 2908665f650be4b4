import { request, type Dispatcher } from 'undici';
import type WebSocket from 'ws';
import { z } from 'zod';
import type { StreamCallbackHandler, StreamEvents, StreamOpener } from '../callback-stream.js';
import { openSocket, socketSession } from '../stream-socket.js';
import type { ResolvedFeishuConfig } from './feishu.config.js';
import { decodeFrame, encodeFrame, FRAME_METHOD, headerOf, type LarkFrame } from './feishu.frame.js';

/**
 * Feishu / Lark long connection (使用长连接接收回调, reference §5), written on `ws` and `protobufjs` rather than the
 * official node-sdk's WSClient: that client comes with the whole OpenAPI SDK (axios, lodash), hands callbacks to its
 * EventDispatcher (which reshapes the envelope and checks nothing on this path, where we check app id, token and
 * freshness ourselves) and drops frames of type `card`. The protocol is small: pull an endpoint with the app's
 * credentials, then protobuf frames; each data frame is answered with a frame carrying the JSON answer.
 */
const EndpointAnswer = z.looseObject({
  code: z.number(),
  msg: z.string().optional(),
  data: z
    .looseObject({
      URL: z.string().min(1),
      ClientConfig: z.looseObject({ PingInterval: z.number().positive().optional() }).optional(),
    })
    .nullish(),
});

const ENDPOINT_TIMEOUT_MS = 15_000;
const DEFAULT_PING_MS = 120_000;
/** Parts of a split payload that do not complete within this are dropped (the platform has given up by then). */
const PARTS_TTL_MS = 10_000;

export function feishuStreamOpener(config: ResolvedFeishuConfig, dispatcher: Dispatcher): StreamOpener {
  return async (handler, events) => {
    const endpoint = await pullEndpoint(config, dispatcher);
    const serviceId = Number(new URL(endpoint.url).searchParams.get('service_id') ?? 0);
    const socket = await openSocket(endpoint.url);
    const session = socketSession(socket);
    const connection = new LarkConnection(socket, serviceId, handler, events, endpoint.pingMs);
    socket.on('message', (data: Buffer) => void connection.handle(new Uint8Array(data)));
    void session.closed.then(() => connection.stop());
    return session;
  };
}

/** POST /callback/ws/endpoint: the WebSocket URL (with device and service ids) and the client settings. */
async function pullEndpoint(config: ResolvedFeishuConfig, dispatcher: Dispatcher) {
  const res = await request(`${config.baseUrl}/callback/ws/endpoint`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', locale: 'zh' },
    body: JSON.stringify({ AppID: config.appId, AppSecret: config.appSecret }),
    dispatcher,
    signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
  });
  const parsed = EndpointAnswer.safeParse(await res.body.json().catch(() => undefined));
  if (!parsed.success) throw new Error(`the long-connection endpoint answered HTTP ${res.statusCode} without a URL`);
  const { code, msg, data } = parsed.data;
  if (code !== 0 || !data) throw new Error(`the long-connection endpoint refused: code ${code} ${msg ?? ''}`.trim());
  const pingSeconds = data.ClientConfig?.PingInterval;
  return { url: data.URL, pingMs: pingSeconds ? pingSeconds * 1000 : DEFAULT_PING_MS };
}

class LarkConnection {
  private readonly parts = new Map<string, { chunks: (Uint8Array | undefined)[]; at: number }>();
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly serviceId: number,
    private readonly handler: StreamCallbackHandler,
    private readonly events: StreamEvents,
    private pingMs: number,
  ) {
    this.schedulePing();
  }

  stop(): void {
    clearTimeout(this.pingTimer);
    this.parts.clear();
  }

  async handle(bytes: Uint8Array): Promise<void> {
    const frame = decodeFrame(bytes);
    if (!frame) return this.events.ignored('a frame that is not a pbbp2 frame');
    if (frame.method === FRAME_METHOD.control) return this.control(frame);
    const type = headerOf(frame, 'type');
    if (type !== 'event' && type !== 'card') return this.events.ignored(`a data frame of type ${type ?? '-'}`);
    const payload = this.assemble(frame);
    if (payload === undefined) return;
    this.events.received();
    const started = Date.now();
    const listeners: (() => void)[] = [];
    const answer = await this.answer(payload, listeners);
    const body = { code: 200, ...(answer && { data: Buffer.from(JSON.stringify(answer)).toString('base64') }) };
    const headers = [...frame.headers, { key: 'biz_rt', value: String(Date.now() - started) }];
    this.send({ ...frame, headers, payload: Buffer.from(JSON.stringify(body)) }, () => listeners.forEach((l) => l()));
  }

  private async answer(payload: string, listeners: (() => void)[]) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      this.events.ignored('a callback whose payload is not JSON');
      return undefined;
    }
    try {
      return await this.handler({ payload: parsed, onAnswered: (l) => listeners.push(l) });
    } catch (err) {
      this.events.ignored(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  }

  /** Big payloads come split (`sum` parts, `seq` 0…sum-1, one message_id): the text once every part is here. */
  private assemble(frame: LarkFrame): string | undefined {
    const id = headerOf(frame, 'message_id') ?? '';
    const sum = Number(headerOf(frame, 'sum') ?? 1);
    const seq = Number(headerOf(frame, 'seq') ?? 0);
    const payload = frame.payload ?? new Uint8Array();
    if (!(sum > 1)) return Buffer.from(payload).toString('utf8');
    if (!Number.isInteger(seq) || seq < 0 || seq >= sum || sum > 1000) {
      this.events.ignored(`a split frame with seq ${seq} of ${sum}`);
      return undefined;
    }
    const now = Date.now();
    for (const [key, entry] of this.parts) if (now - entry.at > PARTS_TTL_MS) this.parts.delete(key);
    const entry = this.parts.get(id) ?? { chunks: new Array<Uint8Array | undefined>(sum).fill(undefined), at: now };
    entry.chunks[seq] = payload;
    this.parts.set(id, entry);
    if (entry.chunks.some((c) => c === undefined)) return undefined;
    this.parts.delete(id);
    return Buffer.concat(entry.chunks as Uint8Array[]).toString('utf8');
  }

  /** A pong carries the client settings again; the gateway may change the ping interval at any time. */
  private control(frame: LarkFrame): void {
    if (headerOf(frame, 'type') !== 'pong' || !frame.payload?.length) return;
    try {
      const settings = JSON.parse(Buffer.from(frame.payload).toString('utf8')) as { PingInterval?: unknown };
      if (typeof settings.PingInterval === 'number' && settings.PingInterval > 0)
        this.pingMs = settings.PingInterval * 1000;
    } catch {
      this.events.ignored('a pong whose settings are not JSON');
    }
  }

  private schedulePing(): void {
    this.pingTimer = setTimeout(() => {
      const ping = {
        SeqID: 0,
        LogID: 0,
        service: this.serviceId,
        method: FRAME_METHOD.control,
        headers: [{ key: 'type', value: 'ping' }],
      };
      this.send(ping);
      this.schedulePing();
    }, this.pingMs);
    this.pingTimer.unref();
  }

  private send(frame: LarkFrame, sent?: () => void): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(encodeFrame(frame), (err) => {
      if (!err) sent?.();
    });
  }
}
