import { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { PlatformCall } from '../call-observer.js';
import { feishuError } from './feishu.errors.js';
import { header, httpJson } from './feishu.http.js';

/** Flat answer (not wrapped in `data`): `{code, msg, tenant_access_token, expire}`; errors come on HTTP 200. */
const TokenAnswer = z.object({
  code: z.number(),
  msg: z.string().optional(),
  tenant_access_token: z.string().min(1).optional(),
  expire: z.number().int().nonnegative().optional(),
});

export interface TokenSourceOptions {
  platform: string;
  baseUrl: string;
  appId: string;
  appSecret: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  now: () => number;
  /** Usage accounting: told about every token request. */
  observer?: (call: PlatformCall) => void;
}

/** Refresh this long before expiry (the official SDK uses 3 min; we take 5 to absorb clock skew and slow calls). */
const REFRESH_AHEAD_MS = 5 * 60_000;

/**
 * tenant_access_token for one app: cached, refreshed ahead of expiry, and concurrent callers share one in-flight
 * fetch. `invalidate` drops a token the platform rejected so the next `get` fetches a fresh one.
 */
export class TenantTokenSource {
  private cached?: { token: string; refreshAt: number };
  private inflight?: Promise<string>;

  constructor(private readonly options: TokenSourceOptions) {}

  async get(signal?: AbortSignal): Promise<string> {
    if (this.cached && this.options.now() < this.cached.refreshAt) return this.cached.token;
    // The shared fetch is not tied to one caller's signal (another caller may still want it); each caller can
    // still stop waiting on its own.
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return signal ? abortable(this.inflight, signal) : this.inflight;
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    const { platform, baseUrl, appId, appSecret, dispatcher, timeoutMs, now, observer } = this.options;
    const answer = await httpJson(dispatcher, platform, 'token', {
      method: 'POST',
      url: `${baseUrl}/open-apis/auth/v3/tenant_access_token/internal`,
      body: { app_id: appId, app_secret: appSecret },
      timeoutMs,
      ...(observer ? { observer } : {}),
    });
    const parsed = TokenAnswer.safeParse(answer.json);
    const ok = parsed.success && parsed.data.code === 0 && parsed.data.tenant_access_token && parsed.data.expire;
    if (!ok || answer.status !== 200) {
      const code = parsed.success ? parsed.data.code : undefined;
      const msg = parsed.success ? parsed.data.msg : undefined;
      const reset = header(answer.headers, 'x-ogw-ratelimit-reset');
      throw feishuError({ platform, api: 'token', httpStatus: answer.status, code, msg, rateLimitReset: reset });
    }
    const lifetimeMs = (parsed.data.expire ?? 0) * 1000;
    // Short-lived tokens (tests, or the last minutes of a reused token) refresh at half their lifetime instead.
    const token = parsed.data.tenant_access_token ?? '';
    this.cached = { token, refreshAt: now() + Math.max(lifetimeMs - REFRESH_AHEAD_MS, lifetimeMs / 2) };
    return token;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e as Error)),
    );
  });
}
