import { SimInputError, type SimPlatform } from './types.js';

/** A callback address, like the developer console's "callback URL" (DingTalk: one per callbackRouteKey). */
export interface SimCallbackTarget {
  url: string;
  /** DingTalk card callbacks sign with an apiSecret chosen at registration. */
  secret?: string;
}

/** One app as the platform's developer console knows it. */
export interface SimApp {
  platform: SimPlatform;
  /** Feishu `app_id` (cli_...), DingTalk `appKey` / `clientId`. */
  appId: string;
  appSecret: string;
  name: string;
  /** Feishu tenant_key / DingTalk corpId of the tenant the app is installed in. */
  tenantKey: string;
  /** Feishu: Verification Token (header.token of callbacks). */
  verificationToken?: string;
  /** Feishu: Encrypt Key; when set, callbacks are encrypted and signed. */
  encryptKey?: string;
  /** Feishu: the app's single callback URL (card.action.trigger). */
  callbackUrl?: string;
  /**
   * Feishu / Lark: the console's 订阅方式 for callbacks; `ws` = 使用长连接接收回调 (card clicks go over the app's long
   * connection, not to `callbackUrl`). Default `http`.
   */
  callbackMode?: 'http' | 'ws';
  /** Feishu: send the legacy card.action.trigger_v1 body instead of the schema 2.0 one. */
  legacyCallback?: boolean;
  /** DingTalk: callbackRouteKey → target. */
  callbackRoutes: Record<string, SimCallbackTarget>;
  /** Requests per second over all of this app's API calls; undefined = no limit. */
  rateLimitPerSecond?: number;
  /** Billed calls per calendar month; undefined = unlimited. */
  monthlyQuota?: number;
  /** Billed calls made in `quotaMonth` (YYYY-MM). */
  quotaUsed: number;
  quotaMonth?: string;
  /** Platform-specific settings (DingTalk robotCode, agentId, ...). */
  extra: Record<string, unknown>;
}

export type SimAppPatch = Partial<Omit<SimApp, 'platform' | 'appId'>>;

/** Per-platform app registries (Feishu and Lark are separate: a Feishu app cannot serve Lark). */
export class AppRegistry {
  private readonly apps = new Map<string, SimApp>();

  get(platform: SimPlatform, appId: string): SimApp | undefined {
    return this.apps.get(`${platform}\u0000${appId}`);
  }

  list(platform?: SimPlatform): SimApp[] {
    return [...this.apps.values()].filter((a) => platform === undefined || a.platform === platform);
  }

  /** Creates the app (appSecret required) or merges the patch into the existing one. */
  upsert(platform: SimPlatform, appId: string, patch: SimAppPatch): SimApp {
    const existing = this.get(platform, appId);
    if (!existing && !patch.appSecret) throw new SimInputError(`new app ${appId} needs an appSecret`);
    const app: SimApp = {
      platform,
      appId,
      appSecret: '',
      name: appId,
      tenantKey: `tenant_${platform}`,
      callbackRoutes: {},
      quotaUsed: 0,
      extra: {},
      ...existing,
      ...stripUndefined(patch),
    };
    // `null` in a JSON patch clears an optional setting (e.g. turn the rate limit off again).
    for (const [k, v] of Object.entries(patch)) if (v === null) delete (app as unknown as Record<string, unknown>)[k];
    this.apps.set(`${platform}\u0000${appId}`, app);
    return app;
  }

  remove(platform: SimPlatform, appId: string): boolean {
    return this.apps.delete(`${platform}\u0000${appId}`);
  }

  clear(): void {
    this.apps.clear();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
