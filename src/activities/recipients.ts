import { ChannelError } from '../channels/channel-error.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import type { ChannelKind } from '../domain/channel.js';
import type { Recipient, Unreachable } from '../domain/state.js';
import type { User } from '../domain/user.js';
import type { UserDirectory } from '../store/ports.js';
import type { ResolveRecipientsInput, ResolveRecipientsResult } from './contract.js';
import { toActivityFailure } from './channel-failure.js';

/**
 * Who is asked at one level: named approvers plus members of the level's roles, minus the requester, each on
 * every channel that is enabled, wanted by the level and not switched off by the user. Everyone who can't be
 * reached is reported with the reason — never silently dropped.
 */
export async function resolveRecipients(
  deps: { directory: UserDirectory; channels: ChannelProviderRegistry },
  input: ResolveRecipientsInput,
): Promise<ResolveRecipientsResult> {
  const users = await candidateUsers(deps.directory, input);
  const enabled = await deps.channels.enabledKinds();
  const recipients: Recipient[] = [];
  const unreachable: Unreachable[] = [];

  for (const candidate of users) {
    if ('reason' in candidate) {
      unreachable.push(candidate);
      continue;
    }
    const user = candidate;
    const wanted = input.spec.channels.length > 0 ? input.spec.channels : enabled;
    const channels: Recipient['channels'] = [];
    for (const kind of wanted) {
      const reason = await reachOn(deps.channels, enabled, user, kind, channels);
      if (reason) unreachable.push({ userId: user.id, kind, reason });
    }
    if (channels.length > 0) recipients.push({ userId: user.id, name: user.name, level: input.level, channels });
    else if (wanted.length === 0) unreachable.push({ userId: user.id, reason: 'no channel is enabled' });
  }
  return { recipients, unreachable };
}

type Candidate = User | Unreachable;

async function candidateUsers(directory: UserDirectory, input: ResolveRecipientsInput): Promise<Candidate[]> {
  const ids = new Set(input.spec.approvers);
  for (const role of input.spec.roles) {
    for (const member of await directory.membersOf(role)) ids.add(member.id);
  }
  const out: Candidate[] = [];
  for (const id of ids) {
    if (id === input.requesterId) {
      out.push({ userId: id, reason: 'the requester cannot approve their own ticket' });
      continue;
    }
    out.push((await directory.get(id)) ?? { userId: id, reason: 'unknown user' });
  }
  return out;
}

/** Resolves the user's platform id on one channel; returns why not, or pushes the channel and returns undefined. */
async function reachOn(
  registry: ChannelProviderRegistry,
  enabled: ChannelKind[],
  user: User,
  kind: ChannelKind,
  channels: Recipient['channels'],
): Promise<string | undefined> {
  if (!enabled.includes(kind)) return `channel ${kind} is not enabled`;
  if (user.channels[kind] === false) return `the user switched ${kind} notifications off`;
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
