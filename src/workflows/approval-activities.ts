/**
 * The workflow's side of its activities: proxies with their timeouts and retry policies, and the ticket-system
 * webhook. The card rounds that use the channel proxies are in approval-card-send.ts and approval-card-followups.ts.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { ActivityInterfaceFor, ActivityOptions } from '@temporalio/workflow';
import type { ChannelActivities, OrchestrationActivities } from '../activities/contract.js';
import type { ChannelKind } from '../domain/channel.js';
import { CHANNEL_KINDS, channelTaskQueue, NON_RETRYABLE_CHANNEL_ERRORS } from '../domain/channel-constants.js';
import type { ApprovalResult } from '../domain/state.js';

// Database reads (policy, directory): ride out short outages with backoff, but give up after an hour so a broken
// rule or directory surfaces as a failed run instead of an approval that silently never starts.
export const READS = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
} as const;
export const orchestration = proxyActivities<OrchestrationActivities>(READS);

/**
 * The same reads as local activities (runs from patch `local-orchestration-reads` on): they run in the worker that
 * runs the workflow, with no task-queue round trip and no workflow task of their own. At volume that is a fifth of
 * the Temporal server's work per approval; the reads are short and retried the same way.
 */
export const localOrchestration = proxyLocalActivities<OrchestrationActivities>(READS);

/** The reads' proxy for this run: local in runs that have the patch, as before in older ones. */
export function orchestrationReads(): typeof orchestration | typeof localOrchestration {
  return patched('local-orchestration-reads') ? localOrchestration : orchestration;
}

// The ticket system may be down for a while: keep trying for a day (backoff capped at 10 minutes); after that
// the failure is recorded on the state and the approval still completes.
const webhook = proxyActivities<OrchestrationActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m' },
});

// One platform call should take seconds (30 s per attempt). Rate limits and blips are retried with backoff for
// about five minutes (10 attempts, capped at 1 min apart; RATE_LIMITED failures carry the platform's own delay);
// codes no retry can fix (unreachable user, bad credentials, disabled channel) stop at once and are recorded.
export const CHANNEL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...NON_RETRYABLE_CHANNEL_ERRORS],
  },
};

// One proxy per platform: each platform's activities run on its own task queue, rate-limited server-side.
const channels = Object.fromEntries(
  CHANNEL_KINDS.map((kind) => [
    kind,
    proxyActivities<ChannelActivities>({ ...CHANNEL_OPTIONS, taskQueue: channelTaskQueue(kind) }),
  ]),
) as Partial<Record<ChannelKind, ActivityInterfaceFor<ChannelActivities>>>;

export function channel(kind: ChannelKind): ActivityInterfaceFor<ChannelActivities> {
  const proxy = channels[kind];
  if (!proxy) throw ApplicationFailure.nonRetryable(`unknown channel kind ${kind}`, 'UNKNOWN_CHANNEL');
  return proxy;
}

/** `{ code, message }` of a failed activity: the ApplicationFailure type the activity threw, or the failure kind. */
export function failureInfo(err: unknown): { code: string; message: string } {
  const cause = err instanceof ActivityFailure ? (err.cause ?? err) : err;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'UNKNOWN', message: cause.message };
  if (cause instanceof Error) return { code: cause.name, message: cause.message };
  return { code: 'UNKNOWN', message: String(cause) };
}

/** POSTs the result to the ticket system; a final failure is logged and returned, never thrown. */
export async function notifyTicketSystem(url: string, result: ApprovalResult): Promise<string | undefined> {
  try {
    await webhook.notifyTicketSystem.executeWithOptions({ summary: `notify ticket system: ${result.status}` }, [
      { url, result },
    ]);
    return undefined;
  } catch (err) {
    const { code, message } = failureInfo(err);
    log.error('ticket system not notified', { url, code, message });
    return `${code}: ${message}`;
  }
}
