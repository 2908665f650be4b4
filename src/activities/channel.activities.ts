import { cancellationSignal } from '@temporalio/activity';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import { countChannelFailure } from '../metrics/activity-metrics.js';
import type { ChannelKind } from '../domain/channel.js';
import type { ChannelActivities } from './contract.js';
import { translatingChannelErrors } from './channel-failure.js';

/**
 * Send / update / remind on one platform. Registered on that platform's task queue, whose server-side rate limit
 * keeps us under the platform's quota. Channel config is loaded by the registry (by reference), so no credential
 * ever travels through workflow history.
 */
export function createChannelActivities(registry: ChannelProviderRegistry): ChannelActivities {
  return {
    sendCard: ({ kind, recipient, card, idempotencyKey }) =>
      translatingChannelErrors(
        async () => {
          const provider = await registry.get(kind);
          return provider.sendCard({ recipient, card, idempotencyKey, signal: cancellationSignal() });
        },
        countFailure(kind, 'sendCard'),
      ),
    updateCard: ({ kind, cardRef, recipient, card }) =>
      translatingChannelErrors(
        async () => {
          const provider = await registry.get(kind);
          await provider.updateCard({ cardRef, recipient, card, signal: cancellationSignal() });
        },
        countFailure(kind, 'updateCard'),
      ),
    remind: ({ kind, cardRef, recipient, card, reminder, idempotencyKey }) =>
      translatingChannelErrors(
        async () => {
          const provider = await registry.get(kind);
          await provider.remind({ cardRef, recipient, card, reminder, idempotencyKey, signal: cancellationSignal() });
        },
        countFailure(kind, 'remind'),
      ),
  };
}

/** Rate-limited attempts are counted per platform and activity (worker metrics). */
function countFailure(kind: ChannelKind, activity: string): (err: unknown) => void {
  return (err) => countChannelFailure(kind, activity, err);
}
