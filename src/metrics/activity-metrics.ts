import { Context } from '@temporalio/activity';
import { ChannelError } from '../channels/channel-error.js';
import type { ChannelKind } from '../domain/channel.js';
import { WORKER_METRICS } from './metric-names.js';

/**
 * Counts a platform call refused by a rate limit, on the activity's metric meter (it lands in the worker's
 * Prometheus endpoint with the SDK's activity tags). Outside an activity (unit tests) it does nothing.
 */
export function countChannelFailure(kind: ChannelKind, activity: string, err: unknown): void {
  if (!(err instanceof ChannelError) || err.code !== 'RATE_LIMITED') return;
  let meter;
  try {
    meter = Context.current().metricMeter;
  } catch {
    return;
  }
  meter
    .createCounter(WORKER_METRICS.rateLimited, undefined, 'Platform calls refused by a rate limit')
    .add(1, { platform: kind, activity });
}
