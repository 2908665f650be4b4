import { z } from 'zod';
import { parseJsonBody, type SimRequest, type SimResponse } from '../core/index.js';
import { guard, isResponse } from './auth.js';
import { apiFail, apiOk, type DingtalkSim } from './wire.js';

const RegisterBody = z.looseObject({
  callbackRouteKey: z.string().optional(),
  callbackUrl: z.string().optional(),
  apiSecret: z.string().optional(),
  forceUpdate: z.boolean().optional(),
});

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * POST /v1.0/card/callbacks/register — "一个callbackRouteKey仅可映射一个callbackUrl". The docs describe the
 * overwrite guard two ways (500 `param.callbackRouteKeyExist`; the guide: "returns the previous registration");
 * the simulator answers the same registration again with 200 and a different one, without forceUpdate, with the 500.
 */
export async function registerCallback(sim: DingtalkSim, req: SimRequest): Promise<SimResponse> {
  const app = await guard(sim, req, 'api', { api: 'register_callback', billed: true });
  if (isResponse(app)) return app;
  const parsed = RegisterBody.safeParse(parseJsonBody(req.rawBody));
  if (!parsed.success) return apiFail(400, 'param.empty', 'request body is empty or not JSON');
  const { callbackRouteKey: key, callbackUrl: url, apiSecret, forceUpdate } = parsed.data;
  if (!key) return apiFail(400, 'param.callbackRouteKeyEmpty', 'callbackRouteKey is empty');
  if (!url) return apiFail(400, 'param.callbackUrlEmpty', 'callbackUrl is empty');
  if (!isHttpUrl(url)) return apiFail(400, 'param.invalid', 'callbackUrl is not an http(s) URL');
  const existing = app.callbackRoutes[key];
  const same = existing?.url === url && existing.secret === apiSecret;
  if (existing && !same && forceUpdate !== true) {
    return apiFail(500, 'param.callbackRouteKeyExist', 'callbackRouteKey already registered; use forceUpdate');
  }
  app.callbackRoutes[key] = { url, ...(apiSecret ? { secret: apiSecret } : {}) };
  sim.core.quota.record(app);
  return apiOk({ success: true, result: { callbackUrl: url, apiSecret: apiSecret ?? '' } });
}
