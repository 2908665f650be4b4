/**
 * Replay window for signed callbacks: a request whose timestamp is more than five minutes from our clock (either
 * way) is refused. The platforms answer clicks within 2–3 s, so anything older is a replay; five minutes tolerates
 * clock skew. Neither Feishu nor DingTalk documents a window for card callbacks (reference §6 / §5b).
 */
export const CALLBACK_FRESHNESS_MS = 5 * 60_000;

// "2026-10-04 18:23:46.052290112 +0800 CST m=+3612.1": Go's time.String(), reported for some Feishu card callbacks.
const GO_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)? ([+-])(\d{2})(\d{2})\b/;

/**
 * `X-Lark-Request-Timestamp` as ms since epoch: Unix seconds as documented, also tolerating milliseconds and Go's
 * time.String(); undefined when unreadable. The signature is always computed over the header string as received.
 */
export function parseFeishuTimestamp(header: string): number | undefined {
  const text = header.trim();
  if (/^\d{9,11}$/.test(text)) return Number(text) * 1000;
  if (/^\d{12,14}$/.test(text)) return Number(text);
  const go = GO_TIME.exec(text);
  if (!go) return undefined;
  const [, day, time, sign, hh, mm] = go;
  const ms = Date.parse(`${day}T${time}${sign}${hh}:${mm}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `header.create_time` of a card.action.trigger body: microseconds since epoch, as a string. */
export function parseMicroseconds(value: string): number | undefined {
  return /^\d{13,19}$/.test(value) ? Math.floor(Number(value) / 1000) : undefined;
}

export function isFresh(timestampMs: number, now: number, windowMs = CALLBACK_FRESHNESS_MS): boolean {
  return Math.abs(now - timestampMs) <= windowMs;
}
