import { z } from 'zod';
import { parseJsonBody, type SimApp, type SimRequest, type SimResponse, type SimToken } from '../core/index.js';
import {
  apiFail,
  apiInvalidToken,
  apiMissingToken,
  apiOk,
  apiQpsLimited,
  apiQuotaExhausted,
  faultResponse,
  oapiFail,
  oapiOk,
  oapiQpsLimited,
  oapiQuotaExhausted,
  type DingtalkSim,
  type Family,
} from './wire.js';

const TokenRequest = z.object({ appKey: z.string().min(1), appSecret: z.string().min(1) });

/**
 * "Requesting again within the validity returns the same token and renews it" (reference §1a): hand out the app's
 * current token with a fresh lifetime, else a new one. Answers the token and its lifetime in seconds.
 */
function issue(sim: DingtalkSim, app: SimApp): { token: SimToken; expiresIn: number } {
  const token = sim.core.tokens.issue(sim.edition, app.appId, { reuseIfRemainingSeconds: 1 });
  const expiresIn = sim.core.tokens.ttlSeconds;
  token.expiresAt = sim.core.clock.now() + expiresIn * 1000;
  return { token, expiresIn };
}

/** POST /v1.0/oauth2/accessToken — JSON only; bad credentials answer 400 invalidClientIdOrSecret. */
export async function accessToken(sim: DingtalkSim, req: SimRequest): Promise<SimResponse> {
  sim.core.log.tag(req, { api: 'token' });
  const fault = await sim.core.takeFault(sim.edition, req);
  if (fault) return faultResponse(fault, 'api');
  const body = parseJsonBody(req.rawBody);
  // A form-encoded body is rejected like this (secondary: aliyun/alibabacloud-php-sdk#36).
  if (body === undefined) return apiFail(400, 'MissingBody', 'body is mandatory');
  const parsed = TokenRequest.safeParse(body);
  const app = parsed.success ? sim.core.apps.get(sim.edition, parsed.data.appKey) : undefined;
  if (app) sim.core.log.tag(req, { appId: app.appId });
  if (!app || !parsed.success || app.appSecret !== parsed.data.appSecret) {
    return apiFail(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
  }
  const { token, expiresIn } = issue(sim, app);
  return apiOk({ accessToken: token.token, expireIn: expiresIn });
}

/** GET /gettoken?appkey=&appsecret= — the old endpoint; same tokens, errors on HTTP 200. */
export async function getToken(sim: DingtalkSim, req: SimRequest): Promise<SimResponse> {
  sim.core.log.tag(req, { api: 'token' });
  const fault = await sim.core.takeFault(sim.edition, req);
  if (fault) return faultResponse(fault, 'oapi');
  const appKey = req.query.get('appkey');
  if (!appKey) return oapiFail(40035, '缺少参数 corpid or appkey');
  const app = sim.core.apps.get(sim.edition, appKey);
  if (app) sim.core.log.tag(req, { appId: app.appId });
  if (!app || app.appSecret !== req.query.get('appsecret')) return oapiFail(40096, '不合法的appKey或appSecret');
  const { token, expiresIn } = issue(sim, app);
  return oapiOk({ access_token: token.token, expires_in: expiresIn });
}

export interface GuardOptions {
  /** API kind for the request log and the per-app-per-API QPS limit. */
  api: string;
  /** Counts toward the monthly quota; token and 通讯录 lookups are exempt (reference §2a, §6). */
  billed: boolean;
}

/**
 * Everything in front of a business API, in the platform's order: injected faults, the token (header on the new
 * API, `?access_token=` on the old one), the per-app-per-API QPS limit, the monthly quota.
 */
export async function guard(
  sim: DingtalkSim,
  req: SimRequest,
  family: Family,
  options: GuardOptions,
): Promise<SimApp | SimResponse> {
  sim.core.log.tag(req, { api: options.api });
  const raw = family === 'api' ? req.headers['x-acs-dingtalk-access-token'] : req.query.get('access_token');
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? undefined;
  const looked = token ? sim.core.tokens.lookup(sim.edition, token) : { status: 'unknown' as const };
  const app = looked.status === 'unknown' ? undefined : sim.core.apps.get(sim.edition, looked.token.appId);
  if (app) sim.core.log.tag(req, { appId: app.appId });
  const fault = await sim.core.takeFault(sim.edition, req);
  if (fault) return faultResponse(fault, family);
  if (!token) return family === 'api' ? apiMissingToken() : oapiFail(40000, 'access_token is blank', true);
  if (!app || looked.status !== 'valid') return tokenRefused(family, looked.status === 'expired');
  if (app.rateLimitPerSecond !== undefined) {
    const decision = sim.core.limiter.hit(`${sim.edition}:${app.appId}:${options.api}`, app.rateLimitPerSecond);
    if (!decision.allowed) return family === 'api' ? apiQpsLimited() : oapiQpsLimited();
  }
  if (options.billed && sim.core.quota.exhausted(app))
    return family === 'api' ? apiQuotaExhausted() : oapiQuotaExhausted();
  return app;
}

function tokenRefused(family: Family, expired: boolean): SimResponse {
  if (family === 'api') return apiInvalidToken();
  return expired ? oapiFail(42001, 'access_token超时', true) : oapiFail(40014, '不合法的access_token', true);
}

export function isResponse(value: SimApp | SimResponse): value is SimResponse {
  return 'status' in value && 'body' in value;
}
