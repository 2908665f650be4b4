import { randomBytes } from 'node:crypto';
import type { SimCore } from '../core/core.js';
import type { SimFault } from '../core/faults.js';
import { dropConnection, json } from '../core/http.js';
import type { SimResponse } from '../core/route.js';

/** Feishu and Lark share one wire format; only the registry (and base URL) differ. */
export type FeishuPlatform = 'feishu' | 'lark';

export interface FeishuSim {
  core: SimCore;
  platform: FeishuPlatform;
}

/** Every Feishu answer carries a request log id (the docs' samples print it "for debug or oncall"). */
function logId(): Record<string, string> {
  return { 'X-Tt-Logid': randomBytes(16).toString('hex') };
}

export function ok(data: unknown, msg = 'success'): SimResponse {
  return json(200, { code: 0, msg, data }, logId());
}

/** Business failures: IM errors are documented as HTTP 400; token-endpoint errors come back as HTTP 200. */
export function fail(status: number, code: number, msg: string, extra: Record<string, unknown> = {}): SimResponse {
  return json(status, { code, msg, ...extra }, logId());
}

/** 99992402 "field validation failed" with the offending fields (seen in live answers). */
export function fieldViolation(field: string, description: string): SimResponse {
  return fail(400, 99992402, 'field validation failed', { error: { field_violations: [{ field, description }] } });
}

/** 230001 with the `ext=` detail the platform appends to it. */
export const invalidParam = (ext: string): SimResponse =>
  fail(400, 230001, `Your request contains an invalid request parameter, ext=${ext}`);

export const invalidToken = (): SimResponse => fail(400, 99991663, 'Invalid access token for authorization');
export const missingToken = (): SimResponse => fail(400, 99991661, 'Need a token');

/** Documented rate-limit answer: HTTP 429, code 99991400, limit and seconds-to-reset headers. */
export function rateLimited(limit: number, resetSeconds: number): SimResponse {
  const res = fail(429, 99991400, 'request trigger frequency limit');
  res.headers = {
    ...res.headers,
    'x-ogw-ratelimit-limit': String(limit),
    'x-ogw-ratelimit-reset': String(resetSeconds),
  };
  return res;
}

export const quotaExceeded = (): SimResponse => fail(429, 99991403, "This month's API call quota has been exceeded");

/** How an injected fault looks on Feishu's wire. */
export function faultResponse(fault: SimFault, limit: number): SimResponse {
  switch (fault.kind) {
    case 'error':
      // "2200 Internal Error" is what Feishu answers for its own failures (larksuite/oapi-sdk-python#29).
      return fail(fault.status ?? 500, 2200, 'Internal Error');
    case 'token-expired':
      return invalidToken();
    case 'rate-limit':
      return rateLimited(limit, fault.resetSeconds ?? 1);
    case 'quota':
      return quotaExceeded();
    case 'reset':
      return dropConnection();
    case 'delay':
      throw new Error('delay faults are applied by the core');
  }
}
