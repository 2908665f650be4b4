import { ChannelError } from '../channels/channel-error.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import type { ChannelKind } from '../domain/channel.js';
import { channelOffReason, eventOffReason } from '../domain/notice-settings.js';
import type { Recipient, Unreachable } from '../domain/state.js';
import type { User } from '../domain/user.js';
import { readerOf } from '../i18n/reader.js';
import type { UserDirectory } from '../store/ports.js';
import type { ResolveRecipientsInput, ResolveRecipientsResult } from './contract.js';
import { toActivityFailure } from './channel-failure.js';

/**
 * Who is asked at one level: named approvers plus members of the level's roles, minus the requester, each on
 * every channel that is enabled, wanted by the level and not switched off by the user (their approval-request notice
 * settings too when the policy respects them). Everyone who can't be reached is reported with the reason — never
 * silently dropped.
 */
export async function resolveRecipients(
  deps: { directory: UserDirectory; channels: ChannelProviderRegistry },
  input: ResolveRecipientsInput,
): Promise<ResolveRecipientsResult> {
  const users = await candidateUsers(deps.directory, input);
  const tenant = (await deps.directory.tenantSettings?.(input.tenant)) ?? {};
  const enabled = await deps.channels.enabledKinds();
  const wanted = input.spec.channels.length > 0 ? input.spec.channels : enabled;
  // People are resolved many at a time: each needs a directory read and a cached-id read or a platform lookup,
  // and 500 approvers one after the other spent over a second on round trips alone. Order is kept.
  const resolved = await mapInOrder(users, RESOLVE_CONCURRENCY, async (candidate) => {
    if ('reason' in candidate) return { unreachable: [candidate] };
    const user = candidate;
    const channels: Recipient['channels'] = [];
    const unreachable: Unreachable[] = [];
    const respect = input.respectUserSettings === true;
    const off = respect ? eventOffReason(user, REQUEST_EVENT) : undefined;
    if (off) return { unreachable: [{ userId: user.id, reason: off }] };
    for (const kind of wanted) {
      const setting = { event: REQUEST_EVENT, respect };
      const reason = await reachOn(deps.channels, enabled, user, kind, channels, setting);
      if (reason) unreachable.push({ userId: user.id, kind, reason });
    }
    if (wanted.length === 0) unreachable.push({ userId: user.id, reason: 'no channel is enabled' });
    const reader = readerOf(user, tenant);
    const recipient =
      channels.length > 0 ? { userId: user.id, name: user.name, level: input.level, channels, reader } : undefined;
    return { recipient, unreachable };
  });
  return {
    recipients: resolved.flatMap((r) => (r.recipient ? [r.recipient] : [])),
    unreachable: resolved.flatMap((r) => r.unreachable),
    tenantReader: readerOf({}, tenant),
  };
}

/**
 * How many people one resolveRecipients activity resolves at once: as many as one Feishu / Lark batch lookup takes,
 * so their provider can fill a `batch_get_id` call (feishu.lookup.ts).
 */
export const RESOLVE_CONCURRENCY = 50;

/** The event an approver's own settings are read for: being asked to decide. */
const REQUEST_EVENT = 'pending_approval';

/**
 * `items.map(fn)` with at most `limit` calls running; results in the items' order. The first failure rejects and
 * starts no further calls (a rate-limited lookup retries the activity; the others would only spend more calls).
 */
export async function mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

type Candidate = User | Unreachable;

async function candidateUsers(directory: UserDirectory, input: ResolveRecipientsInput): Promise<Candidate[]> {
  const ids = new Set(input.spec.approvers);
  for (const role of input.spec.roles) {
    for (const member of await directory.membersOf(role)) ids.add(member.id);
  }
  return mapInOrder([...ids], RESOLVE_CONCURRENCY, async (id): Promise<Candidate> => {
    if (id === input.requesterId) return { userId: id, reason: 'the requester cannot approve their own ticket' };
    return (await directory.get(id)) ?? { userId: id, reason: 'unknown user' };
  });
}

/** Resolves the user's platform id on one channel; returns why not, or pushes the channel and returns undefined. */
export async function reachOn(
  registry: ChannelProviderRegistry,
  enabled: ChannelKind[],
  user: User,
  kind: ChannelKind,
  channels: Recipient['channels'],
  setting: { event: string; respect: boolean },
): Promise<string | undefined> {
  if (!enabled.includes(kind)) return `channel ${kind} is not enabled`;
  const off = channelOffReason(user, setting.event, kind, setting.respect);
  if (off) return off;
  if (!user.mobile && !user.email) return 'the user has no mobile or email to look up';
  try {
    const provider = await registry.get(kind);
    const platformUserId = await provider.resolveUser({ mobile: user.mobile, email: user.email });
    channels.push({ kind, platformUserId });
    return undefined;
  } catch (err) {
    // A lookup that may succeed later (rate limit, outage) retries the activity; a definite "no" is reported.
    if (err instanceof ChannelError && !err.retryable) return `${err.code}: ${err.message}`;
    throw toActivityFailure(err);
  }
}
