import type { ChannelProviderRegistry } from '../channels/provider.js';
import type { ChannelKind } from '../domain/channel.js';
import { channelOffReason, eventOffReason } from '../domain/notice-settings.js';
import type { NoticeOmission, NoticeRecipient } from '../domain/notice-state.js';
import { readerOf, type TenantSettings } from '../i18n/reader.js';
import type { UserDirectory } from '../store/ports.js';
import type { PlanNoticeInput, PlanNoticeResult } from './contract.js';
import { mapInOrder, reachOn, RESOLVE_CONCURRENCY } from './recipients.js';

/** The ticket's approvers (asked, or the ones who decided), or why it has none. */
export type ApproverLookup = (
  tenant: string,
  ticketId: string,
) => Promise<{ approverIds: string[] } | { none: string }>;

export interface NoticePlanDeps {
  directory: UserDirectory;
  channels: ChannelProviderRegistry;
  /** Reads the relative `approvers` of a reported event from the ticket's approval; without it they are unknown. */
  approvers?: ApproverLookup;
}

type Planned = { recipient?: NoticeRecipient; optedOut: NoticeOmission[]; unreachable: NoticeOmission[] };

/**
 * Who a notice is for: the rule's users, members of its roles and the relative recipients, each on the channels that
 * reach them in order of preference (the rule's channels, else every enabled one). People who switched the event or a
 * channel off are listed as opted out (when the rule honours their settings); people who can't be reached, with why.
 * For a request (`pending_approval`) the approvers are left out: they got the approval card.
 */
export async function planNotice(deps: NoticePlanDeps, input: PlanNoticeInput): Promise<PlanNoticeResult> {
  const { ids, unreachable } = await candidates(deps, input);
  const enabled = await deps.channels.enabledKinds();
  const wanted = input.spec.channels.length > 0 ? input.spec.channels : enabled;
  const tenant = (await deps.directory.tenantSettings?.(input.tenant)) ?? {};
  const plan = (id: string) => planOne(deps, input, id, enabled, wanted, tenant);
  const planned = await mapInOrder([...ids], RESOLVE_CONCURRENCY, plan);
  return {
    recipients: planned.flatMap((p) => (p.recipient ? [p.recipient] : [])),
    optedOut: planned.flatMap((p) => p.optedOut),
    unreachable: [...unreachable, ...planned.flatMap((p) => p.unreachable)],
  };
}

async function candidates(
  deps: NoticePlanDeps,
  input: PlanNoticeInput,
): Promise<{ ids: Set<string>; unreachable: NoticeOmission[] }> {
  const { spec } = input;
  const ids = new Set(spec.users);
  const unreachable: NoticeOmission[] = [];
  for (const role of spec.roles) for (const member of await deps.directory.membersOf(role)) ids.add(member.id);
  if (spec.relative.includes('requester')) ids.add(input.requesterId);
  if (spec.relative.includes('approvers')) {
    const found = input.approverIds ? { approverIds: input.approverIds } : await lookUpApprovers(deps, input);
    if ('none' in found) unreachable.push({ userId: 'approvers', reason: found.none });
    else for (const id of found.approverIds) ids.add(id);
  }
  if (input.event === 'pending_approval') for (const id of input.approverIds ?? []) ids.delete(id);
  return { ids, unreachable };
}

function lookUpApprovers(deps: NoticePlanDeps, input: PlanNoticeInput) {
  if (!deps.approvers) return Promise.resolve({ none: 'approvers are only known for events the approval raises' });
  return deps.approvers(input.tenant, input.ticketId);
}

async function planOne(
  deps: NoticePlanDeps,
  input: PlanNoticeInput,
  id: string,
  enabled: ChannelKind[],
  wanted: readonly ChannelKind[],
  tenant: TenantSettings,
): Promise<Planned> {
  const { event, spec } = input;
  const planned: Planned = { optedOut: [], unreachable: [] };
  const user = await deps.directory.get(id);
  if (!user) {
    const reason = id === input.requesterId ? 'the requester is not in the directory' : 'unknown user';
    planned.unreachable.push({ userId: id, reason });
    return planned;
  }
  const off = spec.respectUserSettings ? eventOffReason(user, event) : undefined;
  if (off) {
    planned.optedOut.push({ userId: id, reason: off });
    return planned;
  }
  const channels: NoticeRecipient['channels'] = [];
  for (const kind of wanted) {
    const switchedOff = enabled.includes(kind) && channelOffReason(user, event, kind, spec.respectUserSettings);
    if (switchedOff) {
      planned.optedOut.push({ userId: id, kind, reason: switchedOff });
      continue;
    }
    const reason = await reachOn(deps.channels, enabled, user, kind, channels, { event, respect: false });
    if (reason) planned.unreachable.push({ userId: id, kind, reason });
  }
  if (wanted.length === 0) planned.unreachable.push({ userId: id, reason: 'no channel is enabled' });
  if (channels.length > 0)
    planned.recipient = { userId: id, name: user.name, channels, reader: readerOf(user, tenant) };
  return planned;
}
