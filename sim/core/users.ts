import { createHash } from 'node:crypto';
import { SIM_PLATFORMS, SimInputError, type SimPlatform } from './types.js';

/**
 * How a user relates to a platform's app: `out_of_scope` = not in the app's availability scope, `blocked` = the
 * user stopped the bot, `resigned` = left the company, `unknown` = no account on that platform.
 */
export type SimUserStatus = 'active' | 'resigned' | 'blocked' | 'out_of_scope' | 'unknown';

export interface SimUser {
  /** Simulator id, e.g. `alice`; used by the control API (`/_sim/inbox?user=alice`, `/_sim/click`). */
  id: string;
  name: string;
  /** Mainland numbers without `+86` (lookups accept both forms). */
  mobile?: string;
  email?: string;
  /** Platform user ids: Feishu/Lark open_id, DingTalk userId (staffId). */
  ids: Partial<Record<SimPlatform, string>>;
  /** Default `active` on every platform. */
  status: Partial<Record<SimPlatform, SimUserStatus>>;
  /** Platform-specific extras (e.g. DingTalk unionId). */
  extra: Record<string, unknown>;
  /** The language of the user's chat app (zh-CN, en-US, ja-JP): Feishu / Lark show a card's i18n_content in it. */
  locale?: string;
}

export type SimUserPatch = Partial<Omit<SimUser, 'id'>>;

/** Deterministic platform id for a user, so ids are stable across resets and runs. */
export function defaultPlatformUserId(platform: SimPlatform, userId: string): string {
  const hash = createHash('sha256').update(`${platform}:${userId}`).digest('hex');
  if (platform === 'feishu' || platform === 'lark') return `ou_${hash.slice(0, 32)}`;
  return `${userId}${hash.slice(0, 6)}`;
}

function normalizeMobile(mobile: string): string {
  return mobile.replace(/[\s-]/g, '').replace(/^\+86/, '');
}

export class UserDirectory {
  private readonly users = new Map<string, SimUser>();

  get(id: string): SimUser | undefined {
    return this.users.get(id);
  }

  list(): SimUser[] {
    return [...this.users.values()];
  }

  /** Creates or merges; missing platform ids are filled with `defaultPlatformUserId`. */
  upsert(id: string, patch: SimUserPatch): SimUser {
    const existing = this.users.get(id);
    if (!existing && !patch.name) throw new SimInputError(`new user ${id} needs a name`);
    const user: SimUser = {
      id,
      name: patch.name ?? existing?.name ?? id,
      mobile: patch.mobile ?? existing?.mobile,
      email: patch.email ?? existing?.email,
      ids: { ...existing?.ids, ...patch.ids },
      status: { ...existing?.status, ...patch.status },
      extra: { ...existing?.extra, ...patch.extra },
    };
    const locale = patch.locale ?? existing?.locale;
    if (locale !== undefined) user.locale = locale;
    for (const p of SIM_PLATFORMS) user.ids[p] ??= defaultPlatformUserId(p, id);
    this.users.set(id, user);
    return user;
  }

  statusOn(user: SimUser, platform: SimPlatform): SimUserStatus {
    return user.status[platform] ?? 'active';
  }

  byPlatformId(platform: SimPlatform, platformUserId: string): SimUser | undefined {
    return this.list().find((u) => u.ids[platform] === platformUserId && this.statusOn(u, platform) !== 'unknown');
  }

  byMobile(mobile: string): SimUser | undefined {
    const wanted = normalizeMobile(mobile);
    return this.list().find((u) => u.mobile !== undefined && normalizeMobile(u.mobile) === wanted);
  }

  byEmail(email: string): SimUser | undefined {
    const wanted = email.trim().toLowerCase();
    return this.list().find((u) => u.email?.toLowerCase() === wanted);
  }

  clear(): void {
    this.users.clear();
  }
}
