import { ChannelError } from '../../channels/channel-error.js';
import type { ChannelProviderRegistry } from '../../channels/provider.js';
import type { ChannelKind } from '../../domain/channel.js';
import type { ApprovalLevel, ApprovalPolicy } from '../../domain/policy.js';
import type { User } from '../../domain/user.js';
import type { UserDirectory } from '../../store/ports.js';
import { requiredApprovals } from '../../workflows/approval-rules.js';
import { planNotice, type ApproverLookup } from '../../activities/notice-plan.js';
import type { ChannelProvider } from '../../channels/provider.js';
import type { NoticeSpec } from '../../domain/notice-state.js';
import type { DryRunResult, NoticeDryRun } from './rules.schemas.js';

export interface DryRunDeps {
  directory: UserDirectory;
  channels: ChannelProviderRegistry;
  /** Look platform ids up (through the cache); false stops at what is stored. */
  resolve: boolean;
}

type Level = NonNullable<DryRunResult['levels']>[number];
type Recipient = Level['recipients'][number];
type Unreachable = Level['unreachable'][number];

/**
 * What an approval started now would do: who each level asks on which channels, who can't be reached and why, and
 * when reminders, escalations and the deadline fire. Same rules as the recipients activity, but a platform failure
 * is reported per user instead of retried.
 */
export async function dryRun(
  deps: DryRunDeps,
  policy: ApprovalPolicy,
  requesterId: string,
  now: number,
): Promise<Omit<DryRunResult, 'source' | 'ruleVersion' | 'event'>> {
  const enabled = await deps.channels.enabledKinds();
  const at = (afterMs: number) => ({ afterMs, at: new Date(now + afterMs).toISOString() });
  const levels: Level[] = [];
  for (const [i, spec] of policy.levels.entries()) {
    levels.push({ level: i + 1, ...at(spec.afterMs), ...(await resolveLevel(deps, enabled, spec, requesterId)) });
  }
  const reminders: DryRunResult['reminders'] = [];
  for (let n = 1; policy.reminders && n <= policy.reminders.max; n++) {
    const afterMs = n * policy.reminders.everyMs;
    if (afterMs >= policy.deadlineMs) break;
    reminders.push({ reminder: n, ...at(afterMs) });
  }
  const asked = levels[0]?.recipients.length ?? 0;
  return {
    mode: policy.mode,
    requiredApprovals: requiredApprovals(policy.mode, policy.quorum, asked),
    levels,
    reminders,
    deadline: { ...at(policy.deadlineMs), outcome: policy.onDeadline },
  };
}

async function resolveLevel(
  deps: DryRunDeps,
  enabled: ChannelKind[],
  spec: ApprovalLevel,
  requesterId: string,
): Promise<Pick<Level, 'recipients' | 'unreachable'>> {
  const ids = new Set(spec.approvers);
  for (const role of spec.roles) for (const member of await deps.directory.membersOf(role)) ids.add(member.id);
  const recipients: Recipient[] = [];
  const unreachable: Unreachable[] = [];
  for (const id of ids) {
    const user = id === requesterId ? undefined : await deps.directory.get(id);
    if (!user) {
      unreachable.push({
        userId: id,
        reason: id === requesterId ? 'the requester cannot approve their own ticket' : 'unknown user',
      });
      continue;
    }
    const wanted = spec.channels.length > 0 ? spec.channels : enabled;
    if (wanted.length === 0) unreachable.push({ userId: id, reason: 'no channel is enabled' });
    const channels: Recipient['channels'] = [];
    for (const kind of wanted) {
      const reached = await reach(deps, enabled, user, kind);
      if ('reason' in reached) unreachable.push({ userId: id, kind, reason: reached.reason });
      else channels.push({ kind, ...reached });
    }
    if (channels.length > 0) recipients.push({ userId: id, name: user.name, channels });
  }
  return { recipients, unreachable };
}

async function reach(
  deps: DryRunDeps,
  enabled: ChannelKind[],
  user: User,
  kind: ChannelKind,
): Promise<{ platformUserId?: string } | { reason: string }> {
  if (!enabled.includes(kind)) return { reason: `channel ${kind} is not enabled` };
  if (user.channels[kind] === false) return { reason: `the user switched ${kind} notifications off` };
  if (!user.mobile && !user.email) return { reason: 'the user has no mobile or email to look up' };
  if (!deps.resolve) return {};
  try {
    const provider = await deps.channels.get(kind);
    return { platformUserId: await provider.resolveUser({ mobile: user.mobile, email: user.email }) };
  } catch (err) {
    const why = err instanceof ChannelError ? `${err.code}: ${err.message}` : 'the lookup failed';
    return { reason: `not resolvable on ${kind}: ${why}` };
  }
}

/** The ticket a notice dry run is about, and who its approvers would be. */
export interface NoticeTry {
  tenant: string;
  event: string;
  ticketId?: string;
  requesterId: string;
  /** Given approvers (ids), tried as the relative `approvers`. */
  approverIds?: string[];
  /** Reads the approvers of `ticketId`'s approval. */
  approvers?: ApproverLookup;
}

/**
 * Who a notice would tell, on which channels in which order, and who is left out and why: the worker's own planning
 * (planNotice), with lookups through the cache, or none at all when `resolve` is false.
 */
export async function dryRunNotice(deps: DryRunDeps, spec: NoticeSpec, t: NoticeTry): Promise<NoticeDryRun> {
  const channels = deps.resolve ? deps.channels : withoutLookups(deps.channels);
  const lookup: ApproverLookup | undefined =
    t.ticketId !== undefined
      ? t.approvers
      : () => Promise.resolve({ none: 'known when the event happens (try ticket.ticketId or approvers)' });
  const plan = await planNotice(
    { directory: deps.directory, channels, ...(lookup && { approvers: lookup }) },
    {
      tenant: t.tenant,
      event: t.event,
      spec,
      ticketId: t.ticketId ?? '',
      requesterId: t.requesterId,
      ...(t.approverIds && { approverIds: t.approverIds }),
    },
  );
  return {
    deliverTo: spec.deliverTo,
    recipients: plan.recipients.map((r) => ({
      ...r,
      channels: r.channels.map((c) => (c.platformUserId ? c : { kind: c.kind })),
    })),
    optedOut: plan.optedOut,
    unreachable: plan.unreachable,
    groupChats: spec.groupChats.map(({ kind, chatId, mode }) => ({ kind, chatId, mode })),
  };
}

/** Providers that look nobody up: the plan then stops at what is stored (ids are left out). */
function withoutLookups(registry: DryRunDeps['channels']): DryRunDeps['channels'] {
  return {
    enabledKinds: () => registry.enabledKinds(),
    get: async (kind) => {
      await registry.get(kind); // a disabled channel still answers CHANNEL_DISABLED
      const never = () => Promise.reject(new Error('a dry run sends nothing'));
      const offline: ChannelProvider = {
        kind,
        resolveUser: () => Promise.resolve(''),
        sendCard: never,
        updateCard: never,
        remind: never,
        sendNotice: never,
      };
      return offline;
    },
  };
}
