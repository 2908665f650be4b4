import type { SimCore } from '../core/core.js';
import { json } from '../core/http.js';
import type { PlatformRoute } from '../core/route.js';
import { issueTenantToken } from './auth.js';
import { clickFeishu } from './click.js';
import { batchGetId } from './contact.js';
import { createMessage, replyMessage } from './messages.js';
import { patchMessage } from './patch.js';
import type { FeishuPlatform, FeishuSim } from './wire.js';
import { feishuWsGateway, wsEndpoint, wsPath } from './ws.js';

const MESSAGE_PATH = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/;
const REPLY_PATH = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/;

/**
 * Feishu or Lark (same wire format, separate app registries) under its prefix, e.g. base URL
 * `http://127.0.0.1:3900/feishu` or `.../lark`. Also registers how clicks on its cards become callbacks and the
 * long-connection gateway (`/<platform>/ws`).
 */
export function createFeishuRoutes(core: SimCore, platform: FeishuPlatform): PlatformRoute {
  const sim: FeishuSim = { core, platform };
  core.clicks.register(platform, (click) => clickFeishu(sim, click));
  core.streams.register(wsPath(sim), feishuWsGateway(sim));
  return async (req) => {
    const { method, path } = req;
    if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal')
      return issueTenantToken(sim, req);
    if (method === 'POST' && path === '/open-apis/contact/v3/users/batch_get_id') return batchGetId(sim, req);
    if (method === 'POST' && path === '/callback/ws/endpoint') return wsEndpoint(sim, req);
    if (method === 'POST' && path === '/open-apis/im/v1/messages') return createMessage(sim, req);
    const reply = REPLY_PATH.exec(path);
    if (method === 'POST' && reply?.[1]) return replyMessage(sim, req, decodeURIComponent(reply[1]));
    const message = MESSAGE_PATH.exec(path);
    if (method === 'PATCH' && message?.[1]) return patchMessage(sim, req, decodeURIComponent(message[1]));
    // Feishu's gateway answers unknown paths with a plain 404.
    return path.startsWith('/open-apis/') ? json(404, '404 page not found') : undefined;
  };
}
