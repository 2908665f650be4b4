/**
 * Notice metrics from the workflow through the SDK's workflow meter (skipped on replay, no history commands), like the
 * approval's (approval-metrics.ts).
 */
import { metricMeter } from '@temporalio/workflow';
import type { NoticeState } from '../domain/notice-state.js';
import { WORKER_METRICS } from '../metrics/metric-names.js';

/** Every delivery once the notice is done: sent ones per platform, failed ones per platform and code. */
export function countNotice(state: NoticeState): void {
  const sent = metricMeter.createCounter(WORKER_METRICS.noticesSent, undefined, 'Notices delivered');
  const failed = metricMeter.createCounter(
    WORKER_METRICS.noticesFailed,
    undefined,
    'Notices not delivered on a channel after every retry',
  );
  for (const d of state.deliveries) {
    if (d.status === 'sent') sent.add(1, { platform: d.kind });
    else if (d.status === 'failed') failed.add(1, { platform: d.kind, code: d.error?.code ?? 'UNKNOWN' });
  }
  metricMeter
    .createCounter(WORKER_METRICS.noticesCompleted, undefined, 'Notice runs finished, by event and status')
    .add(1, { event: state.event, status: state.status });
}
