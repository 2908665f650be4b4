import type { TenantSettingsRepository } from './tenant-settings.repo.js';
import {
  isBatchNoticeProvider,
  isGroupCardProvider,
  isGroupNoticeProvider,
  isSharedCardProvider,
} from '../channels/provider.js';
import type {
  ChannelProvider,
  ChannelProviderRegistry,
  GroupCardRequest,
  GroupNoticeRequest,
  NoticeBatchRequest,
  SharedCardRequest,
} from '../channels/provider.js';
import type { ChannelConfigSource } from '../channels/registry.js';
import { CHANNEL_KINDS, type ChannelKind } from '../domain/channel.js';
import type { ApprovalPolicy } from '../domain/policy.js';
import { APPROVAL_EVENTS } from '../domain/events.js';
import type { ApprovalNotices } from '../domain/notice-state.js';
import { ruleToNoticeSpec, ruleToPolicy, ruleVersionTag } from '../domain/rule.js';
import type { PolicySource, UserDirectory } from '../store/ports.js';
import type { ChannelRepository } from './channels.repo.js';
import type { RuleRepository } from './rules.repo.js';
import { contactKey, type PlatformIdRepository, type UserRepository } from './users.repo.js';

/**
 * Policies from stored rules: the current version of the matching rule, tagged so the approval pins it, and the
 * notices of the approval's own transitions (one query for all seven).
 */
export function dbPolicySource(rules: RuleRepository): PolicySource {
  return {
    async forTicketType(tenant: string, ticketType: string): Promise<ApprovalPolicy | undefined> {
      const found = await rules.forTicket(tenant, ticketType);
      return found ? ruleToPolicy(found.rule, ruleVersionTag(found.id, found.version)) : undefined;
    },
    async noticesFor(tenant: string, ticketType: string): Promise<ApprovalNotices> {
      const matched = await rules.matchMany(tenant, ticketType, APPROVAL_EVENTS);
      const notices: ApprovalNotices = {};
      for (const event of APPROVAL_EVENTS) {
        const rule = matched.get(event)?.rule;
        const spec = rule && ruleToNoticeSpec(rule.rule, ruleVersionTag(rule.id, rule.version));
        if (spec) notices[event] = spec;
      }
      return notices;
    },
  };
}

export function dbUserDirectory(users: UserRepository, tenants?: TenantSettingsRepository): UserDirectory {
  return {
    get: (id) => users.get(id),
    membersOf: (role) => users.membersOf(role),
    ...(tenants && { tenantSettings: (tenant: string) => tenants.get(tenant) }),
  };
}

/** Channel configs loaded (and secrets opened) from the database on every call. */
export function dbChannelSource(channels: ChannelRepository): ChannelConfigSource {
  return {
    load: (kind) => (CHANNEL_KINDS.includes(kind) ? channels.load(kind) : Promise.resolve(undefined)),
  };
}

/** How long a worker reuses a channel config it loaded (the config source of the worker's registry). */
export const CHANNEL_CONFIG_REUSE_MS = 2_000;

/**
 * Reuses each kind's load for `ttlMs`: a fan-out of 500 cards reads the channel row once instead of 500 times (the
 * embedded database serves one query at a time). A changed config reaches the workers within `ttlMs`; the registry
 * then rebuilds the provider because the version moved. A failed load is not kept.
 */
export function recentChannelSource(
  source: ChannelConfigSource,
  ttlMs = CHANNEL_CONFIG_REUSE_MS,
  now: () => number = Date.now,
): ChannelConfigSource {
  const recent = new Map<ChannelKind, { at: number; load: ReturnType<ChannelConfigSource['load']> }>();
  return {
    load(kind) {
      const hit = recent.get(kind);
      if (hit && now() - hit.at < ttlMs) return hit.load;
      const load = source.load(kind);
      recent.set(kind, { at: now(), load });
      load.catch(() => {
        if (recent.get(kind)?.load === load) recent.delete(kind);
      });
      return load;
    },
  };
}

/** How long a resolved platform id is trusted before it is looked up again (people rarely change accounts). */
export const PLATFORM_ID_TTL_MS = 24 * 3600_000;

/**
 * Providers whose user lookups go through the stored cache of resolved platform ids: a fresh entry answers at once,
 * a stale or missing one is looked up on the platform and stored with the time it was resolved.
 */
export function cachedResolution(
  registry: ChannelProviderRegistry,
  cache: PlatformIdRepository,
  options: { ttlMs?: number; now?: () => number } = {},
): ChannelProviderRegistry {
  const ttlMs = options.ttlMs ?? PLATFORM_ID_TTL_MS;
  const now = options.now ?? Date.now;
  const wrap = (provider: ChannelProvider, kind: ChannelKind): ChannelProvider => ({
    kind: provider.kind,
    async resolveUser(contact, signal) {
      const key = contactKey(contact);
      const hit = await cache.get(kind, key);
      if (hit && now() - hit.resolvedAt.getTime() < ttlMs) return hit.platformUserId;
      const platformUserId = await provider.resolveUser(contact, signal);
      await cache.put(kind, key, platformUserId, new Date(now()));
      return platformUserId;
    },
    sendCard: (req) => provider.sendCard(req),
    updateCard: (req) => provider.updateCard(req),
    remind: (req) => provider.remind(req),
    sendNotice: (req) => provider.sendNotice(req),
    // Shared card instances (DingTalk) pass through, or the workflow's shared-card activity would find none.
    ...(isSharedCardProvider(provider) && {
      sendSharedCard: (req: SharedCardRequest) => provider.sendSharedCard(req),
      deliverSharedCard: (req: SharedCardRequest & { cardRef: string }) => provider.deliverSharedCard(req),
    }),
    // Group-chat cards (Feishu / Lark) likewise.
    ...(isGroupCardProvider(provider) && {
      sendGroupCard: (req: GroupCardRequest) => provider.sendGroupCard(req),
    }),
    // Notices to many at once (DingTalk) and into group chats likewise.
    ...(isBatchNoticeProvider(provider) && {
      sendNoticeBatch: (req: NoticeBatchRequest) => provider.sendNoticeBatch(req),
    }),
    ...(isGroupNoticeProvider(provider) && {
      sendGroupNotice: (req: GroupNoticeRequest) => provider.sendGroupNotice(req),
    }),
  });
  return {
    get: async (kind) => wrap(await registry.get(kind), kind),
    enabledKinds: () => registry.enabledKinds(),
  };
}
