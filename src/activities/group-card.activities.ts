import { cancellationSignal } from '@temporalio/activity';
import { ChannelError } from '../channels/channel-error.js';
import { isGroupCardProvider } from '../channels/provider.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import { counted } from './channel.activities.js';
import type { GroupCardActivities } from './contract.js';

export type { GroupCardActivities, SendGroupCardInput } from './contract.js';

/**
 * Posts the approval card to a group chat, on the platform's own (rate-limited) task queue beside send / update /
 * remind. The card is later updated with the ordinary `updateCard` activity. A platform without group cards answers
 * INVALID_REQUEST (non-retryable): the workflow then falls back to one-to-one cards.
 */
export function createGroupCardActivities(registry: ChannelProviderRegistry): GroupCardActivities {
  return {
    sendGroupCard: ({ kind, chatId, card, idempotencyKey, reader }) =>
      counted(kind, 'sendGroupCard', async () => {
        const provider = await registry.get(kind);
        if (!isGroupCardProvider(provider)) {
          throw new ChannelError('INVALID_REQUEST', `${kind} cannot post cards to group chats`);
        }
        const signal = cancellationSignal();
        return provider.sendGroupCard({ chatId, card, idempotencyKey, ...(reader && { reader }), signal });
      }),
  };
}
