import { randomBytes } from 'node:crypto';
import type { SimClock, SimPlatform } from './types.js';

export interface SimToken {
  token: string;
  platform: SimPlatform;
  appId: string;
  issuedAt: number;
  expiresAt: number;
}

export type TokenLookup =
  { status: 'valid'; token: SimToken } | { status: 'expired'; token: SimToken } | { status: 'unknown' };

export interface IssueOptions {
  /** Token prefix: Feishu `t-`, DingTalk none. */
  prefix?: string;
  /**
   * Return the app's current token instead of a new one while it has at least this many seconds left (Feishu:
   * 1800 — "remaining >= 30 min returns the existing token"). 0 = always issue a new one.
   */
  reuseIfRemainingSeconds?: number;
}

/** Issues access tokens with an expiry; `ttlSeconds` is configurable and all tokens can be force-expired. */
export class TokenStore {
  private readonly tokens = new Map<string, SimToken>();
  ttlSeconds = 7200;

  constructor(private readonly clock: SimClock) {}

  issue(platform: SimPlatform, appId: string, options: IssueOptions = {}): SimToken {
    const now = this.clock.now();
    const reuse = options.reuseIfRemainingSeconds ?? 0;
    const current = this.current(platform, appId);
    if (current && reuse > 0 && current.expiresAt - now >= reuse * 1000) return current;
    const token: SimToken = {
      token: `${options.prefix ?? ''}${randomBytes(20).toString('hex')}`,
      platform,
      appId,
      issuedAt: now,
      expiresAt: now + this.ttlSeconds * 1000,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** The newest still-valid token of an app. */
  current(platform: SimPlatform, appId: string): SimToken | undefined {
    const now = this.clock.now();
    let best: SimToken | undefined;
    for (const t of this.tokens.values()) {
      if (t.platform !== platform || t.appId !== appId || t.expiresAt <= now) continue;
      if (!best || t.issuedAt >= best.issuedAt) best = t;
    }
    return best;
  }

  lookup(platform: SimPlatform, token: string): TokenLookup {
    const found = this.tokens.get(token);
    if (!found || found.platform !== platform) return { status: 'unknown' };
    return found.expiresAt > this.clock.now() ? { status: 'valid', token: found } : { status: 'expired', token: found };
  }

  /** Force-expire every token (optionally of one platform / app); returns how many were valid. */
  expireAll(filter: { platform?: SimPlatform; appId?: string } = {}): number {
    const now = this.clock.now();
    let count = 0;
    for (const t of this.tokens.values()) {
      if (filter.platform && t.platform !== filter.platform) continue;
      if (filter.appId && t.appId !== filter.appId) continue;
      if (t.expiresAt > now) count++;
      t.expiresAt = Math.min(t.expiresAt, now);
    }
    return count;
  }

  clear(): void {
    this.tokens.clear();
  }
}
