import { z } from 'zod';
import type { SimAppPatch } from './apps.js';
import type { SimFaultSpec } from './faults.js';
import type { SimCore } from './core.js';
import { json, parseJsonBody } from './http.js';
import type { PlatformRoute, SimRequest, SimResponse } from './route.js';
import { dropStreams, injectStreams, listStreams } from './stream-control.js';
import { isSimPlatform, SimInputError, type SimPlatform } from './types.js';
import type { SimUserPatch } from './users.js';

type Handler = (core: SimCore, req: SimRequest, params: string[]) => Promise<SimResponse> | SimResponse;

const ConfigPatch = z.object({
  tokenTtlSeconds: z.number().int().min(1).optional(),
  callbackTimeoutMs: z.number().int().min(1).optional(),
  streamPingIntervalMs: z.number().int().min(1).optional(),
  wsPingIntervalSeconds: z.number().int().min(1).optional(),
  wsSplitPayloadBytes: z.number().int().min(0).optional(),
});

/** Fields of an app patch with a closed set of values; the rest are stored as given (`null` clears). */
const AppPatchChecks = z.looseObject({ callbackMode: z.enum(['http', 'ws']).nullable().optional() });

const ExpireBody = z.object({ platform: z.string().optional(), appId: z.string().optional() }).default({});

/** `METHOD /pattern` → handler; `:x` segments become params in order. */
const routes: [string, string, Handler][] = [
  ['GET', '/health', () => json(200, { ok: true })],
  ['POST', '/reset', (core) => (core.reset(), json(200, { ok: true }))],
  ['GET', '/config', (core) => json(200, core.config)],
  ['PATCH', '/config', (core, req) => json(200, core.applyConfig(ConfigPatch.parse(body(req))))],
  ['GET', '/apps', (core, req) => json(200, core.apps.list(optionalPlatform(req.query.get('platform'))))],
  ['GET', '/apps/:platform/:appId', (core, _r, [p, id]) => found(core.apps.get(platform(p), id ?? ''))],
  ['PUT', '/apps/:platform/:appId', (core, req, [p, id]) => json(200, upsertApp(core, req, platform(p), id ?? ''))],
  [
    'DELETE',
    '/apps/:platform/:appId',
    (core, _r, [p, id]) => json(200, { removed: core.apps.remove(platform(p), id ?? '') }),
  ],
  ['GET', '/users', (core) => json(200, core.users.list())],
  ['GET', '/users/:id', (core, _r, [id]) => found(core.users.get(id ?? ''))],
  ['PUT', '/users/:id', (core, req, [id]) => json(200, core.users.upsert(id ?? '', body(req) as SimUserPatch))],
  ['GET', '/groups', (core, req) => json(200, core.groups.list(optionalPlatform(req.query.get('platform'))))],
  ['GET', '/groups/:platform/:id', (core, _r, [p, id]) => found(core.groups.get(platform(p), id ?? ''))],
  [
    'PUT',
    '/groups/:platform/:id',
    (core, req, [p, id]) => json(200, core.groups.upsert(platform(p), id ?? '', body(req))),
  ],
  [
    'DELETE',
    '/groups/:platform/:id',
    (core, _r, [p, id]) => json(200, { removed: core.groups.remove(platform(p), id ?? '') }),
  ],
  ['POST', '/tokens/expire', (core, req) => json(200, { expired: expireTokens(core, req) })],
  ['GET', '/faults', (core) => json(200, core.faults.list())],
  ['POST', '/faults', (core, req) => json(201, addFaults(core, req))],
  ['DELETE', '/faults', (core) => (core.faults.clear(), json(200, { ok: true }))],
  ['GET', '/inbox', (core, req) => json(200, inbox(core, req))],
  ['GET', '/messages/:platform/:id', (core, _r, [p, id]) => found(core.inbox.get(platform(p), id ?? ''))],
  ['GET', '/requests', (core, req) => json(200, core.log.list(requestFilter(req)))],
  ['DELETE', '/requests', (core) => (core.log.clear(), json(200, { ok: true }))],
  ['GET', '/counters', (core, req) => json(200, core.log.counters(req.query.get('platform') ?? undefined))],
  ['POST', '/click', async (core, req) => json(200, await core.clicks.click(body(req)))],
  ['GET', '/streams', (core, req) => json(200, streams(core, req))],
  ['POST', '/streams/drop', (core, req) => json(200, dropStreams(core, body(req)))],
  ['POST', '/streams/inject', (core, req) => json(200, injectStreams(core, body(req)))],
];

/** The simulator's own control API, mounted under `/_sim`. */
export function createControlRoute(core: SimCore): PlatformRoute {
  return async (req) => {
    for (const [method, pattern, handler] of routes) {
      const params = match(pattern, req.path);
      if (method !== req.method || !params) continue;
      try {
        return await handler(core, req, params);
      } catch (err) {
        return controlError(err);
      }
    }
    return undefined;
  };
}

function match(pattern: string, path: string): string[] | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: string[] = [];
  for (const [i, seg] of want.entries()) {
    const actual = decodeURIComponent(got[i] ?? '');
    if (seg.startsWith(':')) params.push(actual);
    else if (seg !== actual) return undefined;
  }
  return params;
}

function controlError(err: unknown): SimResponse {
  if (err instanceof SimInputError) return json(err.status, { error: err.message });
  if (err instanceof z.ZodError) return json(400, { error: z.prettifyError(err) });
  throw err;
}

function body(req: SimRequest): unknown {
  const parsed = parseJsonBody(req.rawBody);
  if (parsed === undefined && req.rawBody.length > 0) throw new SimInputError('body is not JSON');
  return parsed ?? {};
}

function platform(value: string | undefined): SimPlatform {
  if (!isSimPlatform(value)) throw new SimInputError(`unknown platform ${String(value)}`);
  return value;
}

function optionalPlatform(value: string | null): SimPlatform | undefined {
  return value ? platform(value) : undefined;
}

function found(value: unknown): SimResponse {
  return value === undefined ? json(404, { error: 'not found' }) : json(200, value);
}

function upsertApp(core: SimCore, req: SimRequest, p: SimPlatform, appId: string): unknown {
  return core.apps.upsert(p, appId, AppPatchChecks.parse(body(req)) as SimAppPatch);
}

function streams(core: SimCore, req: SimRequest): unknown {
  return listStreams(core, optionalPlatform(req.query.get('platform')), req.query.get('appId') ?? undefined);
}

function expireTokens(core: SimCore, req: SimRequest): number {
  const { platform: p, appId } = ExpireBody.parse(body(req));
  return core.tokens.expireAll({ ...(p ? { platform: platform(p) } : {}), ...(appId ? { appId } : {}) });
}

/** Accepts one fault spec or an array of them (validated by the fault queue). */
function addFaults(core: SimCore, req: SimRequest): unknown {
  const input = body(req);
  return Array.isArray(input)
    ? input.map((f) => core.faults.add(f as SimFaultSpec))
    : core.faults.add(input as SimFaultSpec);
}

function inbox(core: SimCore, req: SimRequest): unknown {
  const p = optionalPlatform(req.query.get('platform'));
  const userId = req.query.get('user') ?? undefined;
  return core.inbox
    .list({ ...(p ? { platform: p } : {}), ...(userId ? { userId } : {}) })
    .map((m) => ({ ...m, view: userId ? core.inbox.viewFor(m, userId) : m.content }));
}

function requestFilter(req: SimRequest): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const k of ['platform', 'appId', 'api'] as const) {
    const v = req.query.get(k);
    if (v) out[k] = v;
  }
  const since = req.query.get('sinceSeq');
  if (since) out.sinceSeq = Number(since);
  return out;
}
