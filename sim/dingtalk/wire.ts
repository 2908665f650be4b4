import { randomUUID } from 'node:crypto';
import { dropConnection, json, type SimCore, type SimFault, type SimResponse } from '../core/index.js';
import type { CardStore } from './store.js';

/** Standard and Exclusive share one wire format (reference §7); only the app registry and prefix differ. */
export type DingtalkEdition = 'dingtalk' | 'dingtalk-exclusive';

export interface DingtalkSim {
  core: SimCore;
  edition: DingtalkEdition;
  cards: CardStore;
}

/** New API (`api.dingtalk.com`): success is HTTP 200 with the bare result. */
export const apiOk = (body: unknown): SimResponse => json(200, body);

/** New API errors: HTTP 4xx/5xx with `{code, message, requestid}` (live wire: S-PROBE). */
export function apiFail(status: number, code: string, message: string): SimResponse {
  return json(status, { requestid: randomUUID().toUpperCase(), code, message });
}

/** Old API: HTTP 200, `errcode` 0 on success. */
export function oapiOk(fields: Record<string, unknown>): SimResponse {
  return json(200, { errcode: 0, errmsg: 'ok', ...fields, request_id: randomUUID().replace(/-/g, '').slice(0, 13) });
}

/**
 * Old API failures. `topapi` wraps gateway-level failures (token, throttling, quota, permission) as errcode 88 with the
 * real code in `sub_code` and in the errmsg text (live wire: S-PROBE); business errors come back directly.
 */
export function oapiFail(code: number, msg: string, wrapped = false, status = 200): SimResponse {
  if (!wrapped) return json(status, { errcode: code, errmsg: msg, request_id: requestId() });
  const errmsg = `ding talk error[subcode=${code},submsg=${msg}]`;
  return json(status, { errcode: 88, sub_code: String(code), sub_msg: msg, errmsg, request_id: requestId() });
}

function requestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 13);
}

export const apiInvalidToken = (): SimResponse => apiFail(400, 'InvalidAuthentication', '不合法的access_token');
export const apiMissingToken = (): SimResponse =>
  apiFail(400, 'AuthenticationFailed.MissingParameter', '缺少参数：x-acs-dingtalk-access-token');
export const apiQpsLimited = (): SimResponse =>
  apiFail(403, 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', '应用调用该接口的频率超过限制');
export const apiQuotaExhausted = (): SimResponse =>
  apiFail(403, 'Forbidden.AccessDenied.ApiCountLimitForOrg', '企业调用该接口的次数超过限制');

export const oapiQpsLimited = (): SimResponse => oapiFail(90018, '应用调用该接口的频率超过限制', true);
export const oapiQuotaExhausted = (): SimResponse => oapiFail(90020, '企业调用接口的次数超过限制', true);

export type Family = 'api' | 'oapi';

/** How an injected fault looks on each API family's wire. */
export function faultResponse(fault: SimFault, family: Family): SimResponse {
  switch (fault.kind) {
    case 'error':
      return family === 'api' ? apiError(fault.status ?? 500) : oapiFail(-1, '系统繁忙', false, fault.status ?? 500);
    case 'token-expired':
      return family === 'api' ? apiInvalidToken() : oapiFail(40014, '不合法的access_token', true);
    case 'rate-limit':
      return family === 'api' ? apiQpsLimited() : oapiQpsLimited();
    case 'quota':
      return family === 'api' ? apiQuotaExhausted() : oapiQuotaExhausted();
    case 'reset':
      return dropConnection();
    case 'delay':
      throw new Error('delay faults are applied by the core');
  }
}

/** 500 and 429 are `system.busy` (server trouble vs throttling); other statuses a generic parameter error. */
function apiError(status: number): SimResponse {
  if (status >= 500 || status === 429) return apiFail(status, 'system.busy', '系统繁忙');
  return apiFail(status, 'param.invalid', '参数错误');
}
