import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  parseJsonBody,
  type StreamConnection,
  type StreamGateway,
  type SimRequest,
  type SimResponse,
} from '../core/index.js';
import { apiFail, apiOk, faultResponse, type DingtalkSim } from './wire.js';

/** The card callback topic an app subscribes to (`type: CALLBACK`) to receive 回传请求 clicks in Stream mode. */
export const CARD_CALLBACK_TOPIC = '/v1.0/card/instances/callback';

export interface StreamSubscription {
  type: 'EVENT' | 'CALLBACK';
  topic: string;
}

const Credentials = z.looseObject({ clientId: z.string(), clientSecret: z.string() });
const OpenRequest = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  subscriptions: z.array(z.object({ type: z.enum(['EVENT', 'CALLBACK']), topic: z.string().min(1) })),
  ua: z.string().optional(),
  localIp: z.string().optional(),
});

/** Where the gateway lives under the sim (the real one: wss://wss-open-connection.dingtalk.com/connect). */
export const streamPath = (sim: DingtalkSim): string => `/${sim.edition}/stream/connect`;

/**
 * POST /v1.0/gateway/connections/open: the app's credentials and subscriptions buy a single-use ticket (90 s) for the
 * WebSocket endpoint. Not billed, no access token needed.
 */
export async function openConnection(sim: DingtalkSim, req: SimRequest): Promise<SimResponse> {
  sim.core.log.tag(req, { api: 'stream_open' });
  const fault = await sim.core.takeFault(sim.edition, req);
  if (fault) return faultResponse(fault, 'api');
  const body = parseJsonBody(req.rawBody);
  const creds = Credentials.safeParse(body);
  const app = creds.success ? sim.core.apps.get(sim.edition, creds.data.clientId) : undefined;
  if (app) sim.core.log.tag(req, { appId: app.appId });
  if (!app || app.appSecret !== creds.data?.clientSecret) {
    return apiFail(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
  }
  const parsed = OpenRequest.safeParse(body);
  if (!parsed.success) return apiFail(400, 'param.invalid', z.prettifyError(parsed.error));
  const meta = { subscriptions: parsed.data.subscriptions };
  const ticket = sim.core.streams.tickets.issue({ platform: sim.edition, appId: app.appId, meta });
  const host = sim.core.streams.hostFor(req.headers.host);
  return apiOk({ endpoint: `ws://${host}${streamPath(sim)}`, ticket });
}

/** A SYSTEM frame (CONNECTED, REGISTERED, ping, disconnect) in the gateway's JSON envelope. */
function systemFrame(sim: DingtalkSim, topic: string, data: unknown): string {
  const headers = {
    topic,
    messageId: randomUUID(),
    contentType: 'application/json',
    time: String(sim.core.clock.now()),
  };
  return JSON.stringify({ specVersion: '1.0', type: 'SYSTEM', headers, data: JSON.stringify(data) });
}

const PingEcho = z.looseObject({ code: z.literal(200), headers: z.looseObject({ topic: z.literal('ping') }) });

export function subscribedToCards(conn: StreamConnection): boolean {
  const subs = (conn.meta.subscriptions ?? []) as StreamSubscription[];
  return subs.some((s) => s.type === 'CALLBACK' && s.topic === CARD_CALLBACK_TOPIC);
}

/**
 * The Stream gateway's side of a connection: CONNECTED + REGISTERED on open, a SYSTEM ping every
 * `streamPingIntervalMs` (re-read each time, so a config change applies to open connections), echoes counted. A
 * missing echo never closes the connection here.
 */
export function dingtalkStreamGateway(sim: DingtalkSim): StreamGateway {
  const timers = new Map<string, NodeJS.Timeout>();
  const hub = sim.core.streams;
  const schedulePing = (conn: StreamConnection): void => {
    const timer = setTimeout(() => {
      if (hub.send(conn, systemFrame(sim, 'ping', { opaque: randomUUID() }))) schedulePing(conn);
    }, sim.core.config.streamPingIntervalMs);
    timers.set(conn.id, timer.unref());
  };
  return {
    platform: sim.edition,
    opened(conn) {
      hub.send(conn, systemFrame(sim, 'CONNECTED', {}));
      hub.send(conn, systemFrame(sim, 'REGISTERED', {}));
      schedulePing(conn);
    },
    received(conn, frame) {
      if (frame.isBinary) return;
      const echo = PingEcho.safeParse(parseJsonBody(frame.data));
      if (echo.success) conn.pingsAnswered++;
    },
    closed(conn) {
      clearTimeout(timers.get(conn.id));
      timers.delete(conn.id);
    },
    // "disconnect": the gateway asks the client to move; it closes the socket itself a second later if the client has not.
    goodbye(conn) {
      hub.send(conn, systemFrame(sim, 'disconnect', { reason: 'simulated disconnect' }));
      setTimeout(() => hub.close(conn, 1000, 'disconnect'), 1_000).unref();
    },
  };
}
