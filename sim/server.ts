import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createControlRoute } from './core/control.js';
import { SimCore, type SimCoreOptions } from './core/core.js';
import { DROP_CONNECTION, json } from './core/http.js';
import type { PlatformRoute, SimRequest, SimResponse } from './core/route.js';
import type { SimPlatform } from './core/types.js';
import { createFeishuRoutes } from './feishu/index.js';
import { createSimUi, type DemoConfig, type SimUi } from './ui/index.js';

export interface SimServerOptions extends SimCoreOptions {
  port?: number;
  host?: string;
  /** Use an existing core (tests that drive the core directly). */
  core?: SimCore;
  /** Where the inbox page's "New demo ticket" starts approvals (also settable with `PUT /_sim/demo`). */
  demo?: DemoConfig;
}

export interface SimServer {
  url: string;
  port: number;
  core: SimCore;
  close(): Promise<void>;
}

interface Mount {
  prefix: string;
  platform: SimPlatform | 'control';
  route: PlatformRoute;
}

type DingtalkRoutes = PlatformRoute | { api: PlatformRoute; oapi: PlatformRoute };
type DingtalkModule = { createDingtalkRoutes?: (core: SimCore, edition: SimPlatform) => DingtalkRoutes };

/**
 * The DingTalk module is written separately; until sim/dingtalk/index.ts exists its prefixes answer 404. The
 * specifier is computed so the compiler does not require the file to exist.
 */
async function dingtalkMounts(core: SimCore): Promise<Mount[]> {
  let mod: DingtalkModule;
  try {
    mod = (await import(new URL('./dingtalk/index.js', import.meta.url).href)) as DingtalkModule;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return [];
    throw err;
  }
  if (typeof mod.createDingtalkRoutes !== 'function') return [];
  const mounts: Mount[] = [];
  for (const edition of ['dingtalk', 'dingtalk-exclusive'] as const) {
    const routes = mod.createDingtalkRoutes(core, edition);
    if (typeof routes === 'function') mounts.push({ prefix: `/${edition}`, platform: edition, route: routes });
    else {
      mounts.push({ prefix: `/${edition}/api`, platform: edition, route: routes.api });
      mounts.push({ prefix: `/${edition}/oapi`, platform: edition, route: routes.oapi });
    }
  }
  return mounts;
}

async function buildMounts(core: SimCore, ui: SimUi): Promise<Mount[]> {
  const mounts: Mount[] = [
    { prefix: '/_sim', platform: 'control', route: createControlRoute(core) },
    ...ui.mounts.map((m): Mount => ({ ...m, platform: 'control' })),
    { prefix: '/feishu', platform: 'feishu', route: createFeishuRoutes(core, 'feishu') },
    { prefix: '/lark', platform: 'lark', route: createFeishuRoutes(core, 'lark') },
    ...(await dingtalkMounts(core)),
  ];
  // Longest prefix first, so `/dingtalk-exclusive/...` never lands in `/dingtalk`.
  return mounts.sort((a, b) => b.prefix.length - a.prefix.length);
}

function findMount(mounts: Mount[], pathname: string): Mount | undefined {
  return mounts.find((m) => pathname === m.prefix || pathname.startsWith(`${m.prefix}/`));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function vendorCode(body: unknown): string | number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const code = b.code ?? b.errcode;
  return typeof code === 'number' || typeof code === 'string' ? code : undefined;
}

function send(res: ServerResponse, answer: SimResponse): void {
  if (answer.body === DROP_CONNECTION) {
    res.socket?.destroy();
    return;
  }
  const isText = typeof answer.body === 'string';
  const payload = isText ? (answer.body as string) : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...answer.headers,
  });
  res.end(payload);
}

async function handle(core: SimCore, mounts: Mount[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const url = new URL(req.url ?? '/', 'http://sim.local');
  const mount = findMount(mounts, url.pathname);
  const simReq: SimRequest = {
    method: req.method ?? 'GET',
    path: mount ? url.pathname.slice(mount.prefix.length) || '/' : url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody: await readBody(req),
  };
  const answer =
    (mount && (await mount.route(simReq))) ?? json(404, { error: `no route for ${simReq.method} ${url.pathname}` });
  send(res, answer);
  if (!mount || mount.platform === 'control') return;
  core.log.record({
    platform: mount.platform,
    method: simReq.method,
    path: simReq.path,
    status: answer.status,
    ...core.log.tagOf(simReq),
    vendorCode: vendorCode(answer.body),
    durationMs: Date.now() - started,
  });
}

/** Start the simulator on `port` (0 = any free port). */
export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const core = options.core ?? new SimCore(options);
  const ui = createSimUi(core.inbox, options.demo);
  const mounts = await buildMounts(core, ui);
  const server = createServer((req, res) => {
    if (ui.events.serve(req, res)) return;
    handle(core, mounts, req, res).catch((err: unknown) => {
      console.error('sim: request failed', err);
      if (!res.headersSent) send(res, json(500, { error: 'simulator internal error' }));
      else res.destroy();
    });
  });
  // Long connections (DingTalk Stream, Feishu / Lark WebSocket): the gateways registered their paths on the hub.
  server.on('upgrade', (req, socket, head) => core.streams.upgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  core.streams.address = `${host}:${port}`;
  return {
    url: `http://${host}:${port}`,
    port,
    core,
    close: async () => {
      ui.events.close();
      // Upgraded sockets are no longer HTTP connections: closeAllConnections() does not see them.
      core.streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await core.close();
    },
  };
}
