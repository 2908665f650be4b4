import { z } from 'zod';
import type { ChannelErrorCode } from '../../domain/channel.js';
import { ChannelError } from '../channel-error.js';

/** DingTalk's QPS bans last one second (reference §6: "sleep 1 s and retry"). */
const QPS_BAN_MS = 1_000;
const QPM_BAN_MS = 60_000;

/**
 * The one table: vendor code (old-API errcode / sub_code, or new-API `code`) → our code. Codes not listed fall back
 * by family in `classify` (900xx throttling, `param.*` invalid, HTTP status).
 */
const TABLE: Record<string, ChannelErrorCode> = {
  // Throttling (old API errcodes, new API codes).
  '90018': 'RATE_LIMITED',
  '90002': 'RATE_LIMITED',
  'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi': 'RATE_LIMITED',
  'Forbidden.AccessDenied.QpmLimitForAppkeyAndApi': 'RATE_LIMITED',
  'Forbidden.AccessDenied.QpsLimitForApi': 'RATE_LIMITED',
  'request.too.fast': 'RATE_LIMITED',
  'send.too.fast': 'RATE_LIMITED',
  'send.byToken.tooFast': 'RATE_LIMITED',
  'too.many.people': 'RATE_LIMITED',
  'failure.operation.operatingFrequencyTooFast': 'RATE_LIMITED',
  systemBusy: 'RATE_LIMITED',
  // Monthly org quota: retrying this month cannot help.
  '90020': 'QUOTA_EXHAUSTED',
  'Forbidden.AccessDenied.ApiCountLimitForOrg': 'QUOTA_EXHAUSTED',
  // Credentials, permissions, IP whitelist: an admin must fix the channel.
  invalidClientIdOrSecret: 'AUTH_INVALID',
  '40096': 'AUTH_INVALID',
  '40089': 'AUTH_INVALID',
  '43007': 'AUTH_INVALID',
  '60011': 'AUTH_INVALID',
  '60020': 'AUTH_INVALID',
  'Forbidden.AccessDenied.AccessTokenPermissionDenied': 'AUTH_INVALID',
  'Forbidden.AccessDenied.IpNotInWhiteList': 'AUTH_INVALID',
  // The token is stale or missing: the client drops it, fetches a new one and retries once.
  InvalidAuthentication: 'TOKEN_EXPIRED',
  '40014': 'TOKEN_EXPIRED',
  '42001': 'TOKEN_EXPIRED',
  '41001': 'TOKEN_EXPIRED',
  '40001': 'TOKEN_EXPIRED',
  '40000': 'TOKEN_EXPIRED',
  // The person is not (or no longer) an active member the app can see.
  '60121': 'RECIPIENT_UNREACHABLE',
  '40104': 'RECIPIENT_UNREACHABLE',
  'param.userIdNotExist': 'RECIPIENT_UNREACHABLE',
  '-1': 'TRANSIENT',
  '400002': 'INVALID_REQUEST',
};

function classify(vendorCode: string, httpStatus: number): ChannelErrorCode {
  const listed = TABLE[vendorCode];
  if (listed) return listed;
  // 429 system.busy is throttling; 500 system.busy is a server hiccup (reference §3a, §6).
  if (vendorCode === 'system.busy') return httpStatus === 429 ? 'RATE_LIMITED' : 'TRANSIENT';
  if (/^900(0[1-9]|1[0-9])$/.test(vendorCode)) return 'RATE_LIMITED';
  if (vendorCode.startsWith('param.')) return 'INVALID_REQUEST';
  if (httpStatus === 401) return 'TOKEN_EXPIRED';
  if (httpStatus === 429) return 'RATE_LIMITED';
  if (httpStatus >= 500) return 'TRANSIENT';
  if (httpStatus === 403) return 'AUTH_INVALID';
  return 'INVALID_REQUEST';
}

function retryAfter(code: ChannelErrorCode, vendorCode: string): number | undefined {
  if (code !== 'RATE_LIMITED') return undefined;
  return vendorCode.includes('Qpm') ? QPM_BAN_MS : QPS_BAN_MS;
}

export function dingtalkError(vendorCode: string, httpStatus: number, message: string): ChannelError {
  const code = classify(vendorCode, httpStatus);
  return new ChannelError(code, `DingTalk ${vendorCode}: ${message}`, retryAfter(code, vendorCode), vendorCode);
}

/** Old API envelope: HTTP 200 with errcode != 0 is a failure; `topapi` wraps the real code as errcode 88. */
export const OapiEnvelope = z.looseObject({
  errcode: z.number(),
  errmsg: z.string().optional(),
  sub_code: z.union([z.string(), z.number()]).optional(),
  sub_msg: z.string().optional(),
});
export type OapiEnvelope = z.infer<typeof OapiEnvelope>;

/** The code that matters: `sub_code`, else the one inside `ding talk error[subcode=NNN,...]`, else errcode. */
export function effectiveOapiCode(env: OapiEnvelope): string {
  if (env.errcode !== 88) return String(env.errcode);
  if (env.sub_code !== undefined && env.sub_code !== '') return String(env.sub_code);
  const inMsg = /subcode=(-?\w+)/.exec(env.errmsg ?? '');
  return inMsg?.[1] ?? '88';
}

export function oapiError(env: OapiEnvelope, httpStatus = 200): ChannelError {
  const message = env.sub_msg ?? env.errmsg ?? 'error';
  return dingtalkError(effectiveOapiCode(env), httpStatus, message);
}

/** New API errors: HTTP 4xx/5xx with `{code, message, requestid}`. */
const ApiErrorBody = z.looseObject({ code: z.string(), message: z.string().optional() });
/** Per-IP ban (10,000 requests / 20 s): `{"status":1111,"wait":5,...}`, wait in minutes (reference §6). */
const IpBanBody = z.looseObject({ status: z.literal(1111), wait: z.number().optional() });

export function httpError(httpStatus: number, body: unknown): ChannelError {
  const api = ApiErrorBody.safeParse(body);
  if (api.success) return dingtalkError(api.data.code, httpStatus, api.data.message ?? 'error');
  const oapi = OapiEnvelope.safeParse(body);
  if (oapi.success && oapi.data.errcode !== 0) return oapiError(oapi.data, httpStatus);
  const ban = IpBanBody.safeParse(body);
  if (ban.success) {
    return new ChannelError('RATE_LIMITED', 'DingTalk IP ban', (ban.data.wait ?? 5) * 60_000, 'ip-ban');
  }
  return dingtalkError(`HTTP ${httpStatus}`, httpStatus, 'unexpected error body');
}

/** Network failures, timeouts and unreadable answers are worth another try. */
export function transportError(err: unknown, what: string): ChannelError {
  if (err instanceof ChannelError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'network';
  return new ChannelError('TRANSIENT', `DingTalk ${what} failed: ${code}`, undefined, code);
}
