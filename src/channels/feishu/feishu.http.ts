import { request, type Dispatcher } from 'undici';
import type { PlatformApiKind, PlatformCall } from '../call-observer.js';
import { ChannelError } from '../channel-error.js';

export interface HttpCall {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs: number;
  /** Told about the exchange once it is over (usage accounting); never affects the call. */
  observer?: (call: PlatformCall) => void;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined when the body was empty or not JSON (gateway 404 / 5xx pages). */
  json: unknown;
}

/**
 * One HTTP exchange over the injected dispatcher. The body is always read to the end (undici keeps the socket
 * busy until it is consumed). Network failures and our timeout become TRANSIENT; a caller's abort is rethrown
 * as is so activity cancellation stays cancellation.
 */
export async function httpJson(
  dispatcher: Dispatcher,
  platform: string,
  api: string,
  call: HttpCall,
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  try {
    const res = await request(call.url, {
      method: call.method,
      dispatcher,
      signal,
      headers: { 'content-type': 'application/json; charset=utf-8', ...call.headers },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
    const text = await res.body.text();
    call.observer?.({ api: feishuApiKind(api), status: res.statusCode });
    return { status: res.statusCode, headers: res.headers, json: parseJson(text) };
  } catch (err) {
    call.observer?.({ api: feishuApiKind(api) });
    if (call.signal?.aborted) throw call.signal.reason ?? err;
    const reason = timeout.aborted ? `timed out after ${call.timeoutMs} ms` : describe(err);
    throw new ChannelError('TRANSIENT', `${platform} ${api} failed: ${reason}`);
  }
}

/**
 * Our call names as quota kinds: the token (auth) and contact lookups are not billed; every IM call is. Any other
 * call added later counts like a send until named here.
 */
const FEISHU_API_KINDS: Record<string, PlatformApiKind> = {
  token: 'token',
  resolve_user: 'lookup',
  send: 'send',
  update: 'update',
  reply: 'reminder',
};

function feishuApiKind(api: string): PlatformApiKind {
  return FEISHU_API_KINDS[api] ?? 'send';
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Error name and code only: undici messages can echo the URL, and we keep request details out of errors. */
function describe(err: unknown): string {
  const e = err as { name?: string; code?: string };
  return `network error ${e.code ?? e.name ?? 'unknown'}`;
}

export function header(headers: HttpAnswer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
