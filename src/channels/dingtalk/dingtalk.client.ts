import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { PlatformApiKind, PlatformCall } from '../call-observer.js';
import { ChannelError } from '../channel-error.js';
import { OapiEnvelope, httpError, oapiError, transportError } from './dingtalk.errors.js';

export interface DingtalkClientOptions {
  appKey: string;
  appSecret: string;
  apiBaseUrl: string;
  oapiBaseUrl: string;
  dispatcher: Dispatcher;
  /** Injected clock (ms) so token expiry is testable. */
  now?: () => number;
  /** Usage accounting: told about every HTTP call this app makes, the token included. */
  observer?: (call: PlatformCall) => void;
}

const AccessToken = z.object({ accessToken: z.string().min(1), expireIn: z.number().positive() });
/** The docs ask to refresh 10 minutes before expiry; short-lived tokens (tests) refresh at half-life instead. */
const REFRESH_MARGIN_MS = 10 * 60_000;

interface Reply {
  status: number;
  body: unknown;
}

/**
 * HTTP for one DingTalk app: the token cache and both API families. Temporal owns retries, so the only retry here is
 * the single one after a stale token has been replaced.
 */
export class DingtalkClient {
  private token?: { value: string; refreshAt: number };
  private inflight?: Promise<string>;
  private readonly now: () => number;

  constructor(private readonly opts: DingtalkClientOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * New API (`api.dingtalk.com/v1.0/...`): token in a header, errors as HTTP 4xx/5xx `{code, message}`. `usage`
   * names the call for quota accounting when its path alone can't (a reminder is a card update).
   */
  api<T>(
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    signal?: AbortSignal,
    usage?: PlatformApiKind,
  ): Promise<T> {
    return this.withToken(async (token) => {
      const headers = { 'x-acs-dingtalk-access-token': token };
      const url = `${this.opts.apiBaseUrl}${path}`;
      const reply = await this.send(method, url, path, body, headers, signal, usage);
      if (reply.status >= 400) throw httpError(reply.status, reply.body);
      return parse(schema, reply.body, path);
    }, signal);
  }

  /** Old API (`oapi.dingtalk.com`): token in the query string, HTTP 200 with `errcode != 0` is a failure. */
  oapi<T>(path: string, body: unknown, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    return this.withToken(async (token) => {
      const url = `${this.opts.oapiBaseUrl}${path}?access_token=${encodeURIComponent(token)}`;
      const reply = await this.send('POST', url, path, body, {}, signal);
      if (reply.status >= 400) throw httpError(reply.status, reply.body);
      const env = parse(OapiEnvelope, reply.body, path);
      if (env.errcode !== 0) throw oapiError(env);
      return parse(schema, reply.body, path);
    }, signal);
  }

  private async withToken<T>(call: (token: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const token = await this.accessToken(signal);
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof ChannelError) || err.code !== 'TOKEN_EXPIRED') throw err;
      this.dropToken(token);
      return call(await this.accessToken(signal));
    }
  }

  /** Cached per app; concurrent callers share one in-flight fetch. */
  private async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    signal?.throwIfAborted();
    this.inflight ??= this.fetchToken().finally(() => (this.inflight = undefined));
    return abortable(this.inflight, signal);
  }

  private async fetchToken(): Promise<string> {
    const path = '/v1.0/oauth2/accessToken';
    const body = { appKey: this.opts.appKey, appSecret: this.opts.appSecret };
    // No caller signal: other callers share this fetch; the dispatcher's timeouts bound it.
    const reply = await this.send('POST', `${this.opts.apiBaseUrl}${path}`, path, body, {});
    if (reply.status >= 400) throw httpError(reply.status, reply.body);
    const { accessToken, expireIn } = parse(AccessToken, reply.body, path);
    const lifetimeMs = expireIn * 1000;
    this.token = {
      value: accessToken,
      refreshAt: this.now() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2),
    };
    return accessToken;
  }

  private dropToken(stale: string): void {
    if (this.token?.value === stale) this.token = undefined;
  }

  /** `what` (the path, never the URL: the old API's URL carries the token) names the call in errors. */
  private async send(
    method: 'POST' | 'PUT',
    url: string,
    what: string,
    body: unknown,
    headers: Record<string, string>,
    signal?: AbortSignal,
    usage: PlatformApiKind = dingtalkApiKind(what),
  ): Promise<Reply> {
    try {
      const res = await request(url, {
        method,
        dispatcher: this.opts.dispatcher,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal,
      });
      // Always read the body to the end so the connection returns to the pool.
      const text = await res.body.text();
      this.opts.observer?.({ api: usage, status: res.statusCode });
      return { status: res.statusCode, body: parseJson(text) };
    } catch (err) {
      this.opts.observer?.({ api: usage });
      if (signal?.aborted) throw err;
      throw transportError(err, what);
    }
  }
}

/**
 * Quota kinds by path: the token and getbymobile are on DingTalk's quota-exempt list, card and callback APIs are
 * billed. Any other path counts like a send until named here.
 */
const DINGTALK_API_KINDS: Record<string, PlatformApiKind> = {
  '/v1.0/oauth2/accessToken': 'token',
  '/topapi/v2/user/getbymobile': 'lookup',
  '/v1.0/card/instances/createAndDeliver': 'send',
  '/v1.0/card/instances/deliver': 'send',
  '/v1.0/card/instances': 'update',
  '/v1.0/card/callbacks/register': 'callback-registration',
};

function dingtalkApiKind(path: string): PlatformApiKind {
  return DINGTALK_API_KINDS[path] ?? 'send';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** An answer we cannot read is treated as transient: retries are safe because every write is idempotent. */
function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ChannelError('TRANSIENT', `DingTalk ${what}: unexpected response shape`);
  return parsed.data;
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
