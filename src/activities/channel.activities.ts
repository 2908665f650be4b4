import { cancellationSignal } from '@temporalio/activity';
import { countingCalls } from '../channels/call-observer.js';
import { ChannelError } from '../channels/channel-error.js';
import { isSharedCardProvider } from '../channels/provider.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import { countChannelFailure } from '../metrics/activity-metrics.js';
import type { ChannelKind } from '../domain/channel.js';
import type { ChannelActivities, CountedCalls } from './contract.js';
import { translatingChannelErrors } from './channel-failure.js';

/**
 * Send / update / remind on one platform. Registered on that platform's task queue, whose server-side rate limit
 * keeps us under the platform's quota. Channel config is loaded by the registry (by reference), so no credential
 * ever travels through workflow history. Each activity reports the platform calls it made (`calls`).
 */
export function createChannelActivities(registry: ChannelProviderRegistry): ChannelActivities {
  return {
    sendCard: ({ kind, recipient, card, idempotencyKey }) =>
      counted(kind, 'sendCard', async () => {
        const provider = await registry.get(kind);
        return provider.sendCard({ recipient, card, idempotencyKey, signal: cancellationSignal() });
      }),
    sendSharedCard: ({ kind, card, recipients, idempotencyKey, cardRef }) =>
      counted(kind, 'sendSharedCard', async () => {
        const provider = await registry.get(kind);
        if (!isSharedCardProvider(provider)) {
          // INVALID_REQUEST is non-retryable: no retry turns this provider into one that shares card instances.
          throw new ChannelError(
            'INVALID_REQUEST',
            `the ${kind} provider cannot send shared cards (SharedCardProvider)`,
          );
        }
        const req = { card, recipients, idempotencyKey, signal: cancellationSignal() };
        return cardRef === undefined ? provider.sendSharedCard(req) : provider.deliverSharedCard({ ...req, cardRef });
      }),
    updateCard: ({ kind, cardRef, recipient, card, readers }) =>
      counted(kind, 'updateCard', async () => {
        const provider = await registry.get(kind);
        await provider.updateCard({
          cardRef,
          recipient,
          card,
          ...(readers && { readers }),
          signal: cancellationSignal(),
        });
        return {};
      }),
    remind: ({ kind, cardRef, recipient, card, reminder, idempotencyKey, readers }) =>
      counted(kind, 'remind', async () => {
        const provider = await registry.get(kind);
        const signal = cancellationSignal();
        await provider.remind({
          cardRef,
          recipient,
          card,
          reminder,
          idempotencyKey,
          ...(readers && { readers }),
          signal,
        });
        return {};
      }),
  };
}

/**
 * Runs one platform activity with a call tally of its own and returns its result with the calls it made. Failures
 * are counted per platform and activity (worker metrics) and become the failure Temporal acts on.
 */
export async function counted<T extends object>(
  kind: ChannelKind,
  activity: string,
  call: () => Promise<T>,
): Promise<T & CountedCalls> {
  const { result, calls } = await countingCalls(() =>
    translatingChannelErrors(call, (err) => countChannelFailure(kind, activity, err)),
  );
  return { ...result, calls };
}
