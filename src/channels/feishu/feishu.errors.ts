import type { ChannelErrorCode } from '../../domain/channel.js';
import { ChannelError } from '../channel-error.js';

/**
 * Vendor code → our code, one table for Feishu and Lark (same codes on both). Sources: generic error table, the
 * im/v1/messages, reply and PATCH error tables, larksuite/cli lark_errors.go (see shared/reference/feishu-lark.md).
 */
export const FEISHU_ERROR_TABLE: Readonly<Record<number, ChannelErrorCode>> = {
  // Frequency limits: 99991400 is the gateway's per-app limit; 230020 the per-user / per-message IM limit.
  99991400: 'RATE_LIMITED',
  230020: 'RATE_LIMITED',
  11232: 'RATE_LIMITED',
  11233: 'RATE_LIMITED',
  // Monthly call quota / advanced API package used up; retrying before the month rolls over can't help.
  99991403: 'QUOTA_EXHAUSTED',
  99991406: 'QUOTA_EXHAUSTED',
  11247: 'QUOTA_EXHAUSTED',
  // Bad app credentials or app state / permissions (token endpoint answers 10003/10014/10015 on HTTP 200).
  10003: 'AUTH_INVALID',
  10012: 'AUTH_INVALID',
  10013: 'AUTH_INVALID',
  10014: 'AUTH_INVALID',
  10015: 'AUTH_INVALID',
  99991401: 'AUTH_INVALID',
  99991543: 'AUTH_INVALID',
  99991661: 'AUTH_INVALID',
  99991662: 'AUTH_INVALID',
  99991672: 'AUTH_INVALID',
  99991673: 'AUTH_INVALID',
  99991676: 'AUTH_INVALID',
  230006: 'AUTH_INVALID',
  230027: 'AUTH_INVALID',
  // The token is no longer accepted: drop it, fetch a new one, retry once.
  99991663: 'TOKEN_EXPIRED',
  99991664: 'TOKEN_EXPIRED',
  99991665: 'TOKEN_EXPIRED',
  99991671: 'TOKEN_EXPIRED',
  // The person can't receive this bot's messages.
  230013: 'RECIPIENT_UNREACHABLE',
  230029: 'RECIPIENT_UNREACHABLE',
  230034: 'RECIPIENT_UNREACHABLE',
  230035: 'RECIPIENT_UNREACHABLE',
  230038: 'RECIPIENT_UNREACHABLE',
  230053: 'RECIPIENT_UNREACHABLE',
  // Group chats: the bot is not (or no longer) in the group; the chat was dissolved.
  230002: 'RECIPIENT_UNREACHABLE',
  232009: 'RECIPIENT_UNREACHABLE',
  // Our request is wrong (card too big, bad card JSON, recalled / too old message, validation failures).
  230001: 'INVALID_REQUEST',
  230011: 'INVALID_REQUEST',
  230025: 'INVALID_REQUEST',
  230031: 'INVALID_REQUEST',
  230099: 'INVALID_REQUEST',
  230110: 'INVALID_REQUEST',
  99992402: 'INVALID_REQUEST',
  // Platform-side failures ("2200 Internal Error"; 230049 "message is being sent").
  2200: 'TRANSIENT',
  230049: 'TRANSIENT',
};

export interface FeishuFailure {
  /** `Feishu` or `Lark`, for the message. */
  platform: string;
  /** Which call failed, for the message (e.g. `send`). */
  api: string;
  httpStatus: number;
  /** Vendor `code`; undefined when the body was not a Feishu JSON answer. */
  code?: number;
  msg?: string;
  /** `x-ogw-ratelimit-reset`: seconds until the limit window resets. */
  rateLimitReset?: string;
}

/** Per-user / per-message IM limits carry no reset header; they are per-second windows. */
const DEFAULT_RETRY_AFTER_MS = 1000;

function codeFor(f: FeishuFailure): ChannelErrorCode {
  const mapped = f.code === undefined ? undefined : FEISHU_ERROR_TABLE[f.code];
  if (mapped) return mapped;
  if (f.httpStatus === 429) return 'RATE_LIMITED';
  if (f.httpStatus >= 500) return 'TRANSIENT';
  // Unknown codes on HTTP 200/4xx: retrying the same request would fail the same way.
  return 'INVALID_REQUEST';
}

function retryAfterMs(f: FeishuFailure): number {
  const seconds = Number(f.rateLimitReset);
  return f.rateLimitReset !== undefined && Number.isFinite(seconds) && seconds >= 0
    ? seconds * 1000
    : DEFAULT_RETRY_AFTER_MS;
}

/** One failed Feishu answer as a ChannelError. The message holds the vendor's code and text, never secrets. */
export function feishuError(f: FeishuFailure): ChannelError {
  const code = codeFor(f);
  const vendor = f.code === undefined ? `HTTP ${f.httpStatus}` : `code ${f.code} (HTTP ${f.httpStatus})`;
  const message = `${f.platform} ${f.api} failed: ${vendor}${f.msg ? `: ${f.msg}` : ''}`;
  return new ChannelError(code, message, code === 'RATE_LIMITED' ? retryAfterMs(f) : undefined, f.code ?? f.httpStatus);
}
