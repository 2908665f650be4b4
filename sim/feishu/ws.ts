import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { parseJsonBody } from '../core/http.js';
import type { SimRequest, SimResponse } from '../core/route.js';
import type { StreamGateway } from '../core/stream-hub.js';
import { encodeFrame, FrameMethod, frameHeader, tryDecodeFrame } from './frame.js';
import { fail, faultResponse, ok, type FeishuSim } from './wire.js';

/** "每个应用最多建立 50 个长连接". */
export const MAX_CONNECTIONS_PER_APP = 50;

const EndpointRequest = z.looseObject({ AppID: z.string().min(1), AppSecret: z.string().min(1) });

/** Where clients connect under the sim (the real one: wss://msg-frontier.feishu.cn/ws/v2?...). */
export const wsPath = (sim: FeishuSim): string => `/${sim.platform}/ws`;

/** Handed out with the endpoint and in every pong; reconnect settings kept small so tests reconnect fast. */
export function clientConfig(sim: FeishuSim): Record<string, number> {
  return {
    PingInterval: sim.core.config.wsPingIntervalSeconds,
    ReconnectCount: -1,
    ReconnectInterval: 2,
    ReconnectNonce: 1,
  };
}

/**
 * POST /callback/ws/endpoint `{AppID, AppSecret}`: answers on HTTP 200 with a vendor code; success is the WebSocket
 * URL with a single-use ticket (90 s) and the connection's service_id, plus the ClientConfig.
 */
export async function wsEndpoint(sim: FeishuSim, req: SimRequest): Promise<SimResponse> {
  sim.core.log.tag(req, { api: 'ws_endpoint' });
  const fault = await sim.core.takeFault(sim.platform, req);
  if (fault) return faultResponse(fault, MAX_CONNECTIONS_PER_APP);
  const parsed = EndpointRequest.safeParse(parseJsonBody(req.rawBody));
  const app = parsed.success ? sim.core.apps.get(sim.platform, parsed.data.AppID) : undefined;
  if (app) sim.core.log.tag(req, { appId: app.appId });
  // Malformed credentials get the same answer as wrong ones.
  if (!app || app.appSecret !== parsed.data?.AppSecret) return fail(200, 514, 'auth failed');
  const open = sim.core.streams.list({ platform: sim.platform, appId: app.appId }).length;
  if (open >= MAX_CONNECTIONS_PER_APP) return fail(200, 1000040350, 'exceed connection limit');
  const serviceId = randomInt(1, 2 ** 31 - 1);
  const deviceId = String(randomInt(1, 2 ** 47));
  const meta = { serviceId, deviceId };
  const ticket = sim.core.streams.tickets.issue({ platform: sim.platform, appId: app.appId, meta });
  const host = sim.core.streams.hostFor(req.headers.host);
  const query = new URLSearchParams({ device_id: deviceId, service_id: String(serviceId), ticket });
  return ok({ URL: `ws://${host}${wsPath(sim)}?${query.toString()}`, ClientConfig: clientConfig(sim) }, 'ok');
}

/**
 * The server side of a Feishu / Lark long connection: the client pings (control frame `type=ping`), the server
 * pongs with the ClientConfig. Data frames nobody waits for (late replies) and undecodable bytes are ignored.
 */
export function feishuWsGateway(sim: FeishuSim): StreamGateway {
  return {
    platform: sim.platform,
    received(conn, frame) {
      const decoded = frame.isBinary ? tryDecodeFrame(frame.data) : undefined;
      if (decoded?.method !== FrameMethod.control || frameHeader(decoded, 'type') !== 'ping') return;
      conn.pingsAnswered++;
      const pong = encodeFrame({
        service: decoded.service,
        method: FrameMethod.control,
        headers: [{ key: 'type', value: 'pong' }],
        payload: JSON.stringify(clientConfig(sim)),
      });
      sim.core.streams.send(conn, pong);
    },
  };
}
