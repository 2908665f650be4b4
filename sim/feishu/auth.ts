import { z } from 'zod';
import type { SimApp } from '../core/apps.js';
import { bearerToken, parseJsonBody } from '../core/http.js';
import type { SimRequest, SimResponse } from '../core/route.js';
import { fail, faultResponse, invalidToken, missingToken, quotaExceeded, rateLimited, type FeishuSim } from './wire.js';

const TokenRequest = z.object({ app_id: z.string().min(1), app_secret: z.string().min(1) });

/** Feishu: "remaining validity >= 30 min returns the existing token; < 30 min issues a new one". */
const REUSE_IF_REMAINING_SECONDS = 30 * 60;

/** Default per-API tier for the APIs we simulate: 1000/min & 50/s; only enforced when the app sets a limit. */
const DEFAULT_TIER_PER_SECOND = 50;

/** POST /open-apis/auth/v3/tenant_access_token/internal — flat answer, errors on HTTP 200. */
export async function issueTenantToken(sim: FeishuSim, req: SimRequest): Promise<SimResponse> {
  sim.core.log.tag(req, { api: 'token' });
  const fault = await sim.core.takeFault(sim.platform, req);
  if (fault) return faultResponse(fault, DEFAULT_TIER_PER_SECOND);
  const parsed = TokenRequest.safeParse(parseJsonBody(req.rawBody));
  // Observed live: malformed or empty credentials → 10003, unknown app → 10014, wrong secret → 10014; all HTTP 200.
  if (!parsed.success) return fail(200, 10003, 'invalid param', { data: {} });
  const app = sim.core.apps.get(sim.platform, parsed.data.app_id);
  sim.core.log.tag(req, { appId: parsed.data.app_id });
  if (!app) return fail(200, 10014, 'app id not exists');
  if (app.appSecret !== parsed.data.app_secret) return fail(200, 10014, 'app secret invalid');
  const token = sim.core.tokens.issue(sim.platform, app.appId, {
    prefix: 't-',
    reuseIfRemainingSeconds: REUSE_IF_REMAINING_SECONDS,
  });
  const expire = Math.max(0, Math.floor((token.expiresAt - sim.core.clock.now()) / 1000));
  return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token.token, expire } };
}

export interface GuardOptions {
  /** API kind for the request log and the per-API rate limit. */
  api: string;
  /** Counts toward the monthly quota (contacts and auth are "not billed"). */
  billed: boolean;
}

/**
 * Everything in front of a business API, in the order the platform applies it: injected faults, the bearer
 * token, the per-app-per-API rate limit, the monthly quota. Returns the app or the answer to send instead.
 */
export async function guard(sim: FeishuSim, req: SimRequest, options: GuardOptions): Promise<SimApp | SimResponse> {
  sim.core.log.tag(req, { api: options.api });
  const token = bearerToken(req.headers.authorization);
  const looked = token ? sim.core.tokens.lookup(sim.platform, token) : undefined;
  const app = looked && looked.status !== 'unknown' ? sim.core.apps.get(sim.platform, looked.token.appId) : undefined;
  if (app) sim.core.log.tag(req, { appId: app.appId });
  const fault = await sim.core.takeFault(sim.platform, req);
  if (fault) return faultResponse(fault, app?.rateLimitPerSecond ?? DEFAULT_TIER_PER_SECOND);
  if (!token) return missingToken();
  if (!app || looked?.status !== 'valid') return invalidToken();
  if (app.rateLimitPerSecond !== undefined) {
    const decision = sim.core.limiter.hit(`${sim.platform}:${app.appId}:${options.api}`, app.rateLimitPerSecond);
    if (!decision.allowed) return rateLimited(decision.limit, decision.resetSeconds);
  }
  if (options.billed && sim.core.quota.exhausted(app)) return quotaExceeded();
  return app;
}

export function isResponse(value: SimApp | SimResponse): value is SimResponse {
  return 'status' in value && 'body' in value;
}
