import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Card callback signing (event-callback-card page, checked in the doc crawl): when an apiSecret was registered for the
 * callbackRouteKey, DingTalk sends `x-ddpaas-signature-timestamp` (ms) and `x-ddpaas-signature` =
 * Base64(HMAC-SHA256(key = apiSecret, message = String(timestamp))). Not the robot scheme (`timestamp\nsecret`).
 */
export const SIGNATURE_HEADER = 'x-ddpaas-signature';
export const SIGNATURE_TIMESTAMP_HEADER = 'x-ddpaas-signature-timestamp';

/**
 * DingTalk signs when it sends and wants an answer within 2 s, so an old timestamp is a replay; five minutes
 * tolerates clock skew between DingTalk and us. (The docs give no window for card callbacks; robot callbacks use 1 h.)
 */
export const DEFAULT_FRESHNESS_MS = 5 * 60_000;

export function signCallback(apiSecret: string, timestampMs: number | string): string {
  return createHmac('sha256', apiSecret).update(String(timestampMs), 'utf8').digest('base64');
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export interface VerifyInput {
  apiSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** Injected clock, ms since epoch. */
  now: number;
  windowMs?: number;
}

export function verifyCallbackSignature(input: VerifyInput): VerifyResult {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  if (Math.abs(input.now - Number(timestamp)) > (input.windowMs ?? DEFAULT_FRESHNESS_MS)) {
    return { ok: false, reason: 'stale' };
  }
  const expected = Buffer.from(signCallback(input.apiSecret, timestamp), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Constant-time compare; lengths differ only for a forged value, which may fail fast.
  const match = expected.length === given.length && timingSafeEqual(expected, given);
  return match ? { ok: true } : { ok: false, reason: 'mismatch' };
}
