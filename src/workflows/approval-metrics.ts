/**
 * Business metrics emitted from the workflow through the SDK's workflow meter: they land in the worker's
 * Prometheus endpoint and are skipped while a history is replayed, so each event counts once. Emitting adds
 * nothing to history (no commands), so it is safe for runs already in flight.
 */
import { metricMeter } from '@temporalio/workflow';
import type { ApprovalStatus } from '../domain/approval.js';
import type { ChannelKind } from '../domain/channel.js';
import type { PlatformCalls } from '../domain/state.js';
import { WORKER_METRICS } from '../metrics/metric-names.js';

export function countCardSent(kind: ChannelKind): void {
  metricMeter.createCounter(WORKER_METRICS.cardsSent, undefined, 'Approval cards delivered').add(1, { platform: kind });
}

export function countCardFailed(kind: ChannelKind, code: string): void {
  metricMeter
    .createCounter(WORKER_METRICS.cardsFailed, undefined, 'Approval cards not delivered after every retry')
    .add(1, { platform: kind, code });
}

export function countEscalation(level: number): void {
  metricMeter
    .createCounter(WORKER_METRICS.escalations, undefined, 'Approvals escalated, by level reached')
    .add(1, { level: String(level) });
}

export function countCompleted(outcome: ApprovalStatus): void {
  metricMeter.createCounter(WORKER_METRICS.completed, undefined, 'Approvals finished, by outcome').add(1, { outcome });
}

/** Counted platform calls of one finished approval, one sample per platform it used (quota spent per approval). */
export function countPlatformCalls(calls: PlatformCalls | undefined): void {
  if (!calls) return;
  const histogram = metricMeter.createHistogram(
    WORKER_METRICS.platformCallsPerApproval,
    'int',
    'calls',
    'Platform API calls spent per finished approval, by platform',
  );
  for (const [kind, perKind] of Object.entries(calls.byKind)) histogram.record(perKind.total, { platform: kind });
}
