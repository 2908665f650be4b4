import { z } from 'zod';
import type { Dispatcher } from 'undici';
import type { PlatformCall } from '../call-observer.js';
import { ChannelError } from '../channel-error.js';
import type { ResolvedFeishuConfig } from './feishu.config.js';
import { feishuError } from './feishu.errors.js';
import { header, httpJson, type HttpAnswer } from './feishu.http.js';
import { TenantTokenSource } from './feishu.token.js';

/** Every business answer: `{code, msg, data}`; `code != 0` is a failure even on HTTP 200. */
const Envelope = z.object({ code: z.number(), msg: z.string().optional(), data: z.unknown().optional() });

export interface FeishuCall<T> {
  /** API kind for error messages (`send`, `update`, `reply`, `resolve_user`). */
  api: string;
  method: 'POST' | 'PATCH';
  /** Path and query below the base URL, e.g. `/open-apis/im/v1/messages?receive_id_type=open_id`. */
  path: string;
  body: unknown;
  /** Schema of `data` on success. */
  data: z.ZodType<T>;
  signal?: AbortSignal;
}

export interface FeishuClientOptions {
  /** `Feishu` or `Lark`, for error messages. */
  platform: string;
  config: ResolvedFeishuConfig;
  dispatcher: Dispatcher;
  now?: () => number;
  /** Usage accounting: told about every HTTP call this app makes, the token included. */
  observer?: (call: PlatformCall) => void;
}

/**
 * The HTTP client for one Feishu / Lark app. No retry loop: Temporal owns retries. The one exception is a rejected
 * tenant token (99991663 and friends): drop it, fetch a new one and repeat the call once.
 */
export class FeishuClient {
  private readonly tokens: TenantTokenSource;

  constructor(private readonly options: FeishuClientOptions) {
    const { config, dispatcher, platform } = options;
    this.tokens = new TenantTokenSource({
      platform,
      baseUrl: config.baseUrl,
      appId: config.appId,
      appSecret: config.appSecret,
      dispatcher,
      timeoutMs: config.requestTimeoutMs,
      now: options.now ?? Date.now,
      ...(options.observer ? { observer: options.observer } : {}),
    });
  }

  async call<T>(call: FeishuCall<T>): Promise<T> {
    const token = await this.tokens.get(call.signal);
    try {
      return await this.once(call, token);
    } catch (err) {
      if (!(err instanceof ChannelError) || err.code !== 'TOKEN_EXPIRED') throw err;
      this.tokens.invalidate(token);
      return this.once(call, await this.tokens.get(call.signal));
    }
  }

  private async once<T>(call: FeishuCall<T>, token: string): Promise<T> {
    const { config, dispatcher, platform, observer } = this.options;
    const answer = await httpJson(dispatcher, platform, call.api, {
      method: call.method,
      url: `${config.baseUrl}${call.path}`,
      headers: { authorization: `Bearer ${token}` },
      body: call.body,
      timeoutMs: config.requestTimeoutMs,
      ...(call.signal ? { signal: call.signal } : {}),
      ...(observer ? { observer } : {}),
    });
    return this.interpret(call, answer);
  }

  private interpret<T>(call: FeishuCall<T>, answer: HttpAnswer): T {
    const platform = this.options.platform;
    const envelope = Envelope.safeParse(answer.json);
    if (!envelope.success || envelope.data.code !== 0 || answer.status !== 200) {
      throw feishuError({
        platform,
        api: call.api,
        httpStatus: answer.status,
        code: envelope.success ? envelope.data.code : undefined,
        msg: envelope.success ? envelope.data.msg : undefined,
        rateLimitReset: header(answer.headers, 'x-ogw-ratelimit-reset'),
      });
    }
    const data = call.data.safeParse(envelope.data.data);
    // A success answer we can't read is a vendor-side anomaly, not a fault in our request.
    if (!data.success) throw new ChannelError('TRANSIENT', `${platform} ${call.api}: unexpected answer shape`);
    return data.data;
  }
}
