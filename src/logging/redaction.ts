/**
 * What never reaches a log line: values under secret-looking keys (at any depth) and credentials embedded in text
 * (bearer tokens, `access_token=` in DingTalk's old-API URLs). Applied by the logger to every line.
 */
export const REDACTED = '[redacted]';

/** Keys whose values are secrets: app secrets, encrypt keys, tokens, API secrets, Authorization, passwords. */
const SECRET_KEY =
  /(secret|token|password|passwd|authorization|cookie|encryptkey|apikey|privatekey|masterkey|_key|signature)$/i;

const TEXT_SECRETS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(access_token|app_secret|appSecret|token|secret|sign|signature)=([^&\s"']+)/gi, `$1=${REDACTED}`],
];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function scrubText(text: string): string {
  return TEXT_SECRETS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}

const MAX_DEPTH = 8;

/** A copy of `value` with secret keys censored and texts scrubbed; the caller's objects are never changed. */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redactError(value);
  if (depth >= MAX_DEPTH || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretKey(key) && v !== undefined && v !== null ? REDACTED : redactDeep(v, depth + 1, seen);
  }
  return out;
}

/** Errors as plain objects (type, message, stack, code, cause), scrubbed like any text. */
export function redactError(err: Error, depth = 0): Record<string, unknown> {
  const e = err as Error & { code?: unknown; type?: unknown };
  return {
    type: err.name,
    message: scrubText(err.message),
    ...(err.stack ? { stack: scrubText(err.stack) } : {}),
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(typeof e.type === 'string' ? { failureType: e.type } : {}),
    ...(err.cause instanceof Error && depth < 3 ? { cause: redactError(err.cause, depth + 1) } : {}),
  };
}
