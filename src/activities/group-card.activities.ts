import { cancellationSignal } from '@temporalio/activity';
import { ChannelError } from '../channels/channel-error.js';
import { isGroupCardProvider } from '../channels/provider.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import type { ApprovalCard } from '../domain/card.js';
import type { ChannelKind } from '../domain/channel.js';
import { counted } from './channel.activities.js';
import type { CountedCalls } from './contract.js';

/** Pure types for the workflow (`import type`): one shared card in an approvers' group chat. */
export interface SendGroupCardInput {
  kind: ChannelKind;
  chatId: string;
  card: ApprovalCard;
  idempotencyKey: string;
}

export interface GroupCardActivities {
  sendGroupCard(input: SendGroupCardInput): Promise<{ cardRef: string } & CountedCalls>;
}

/**
 * Posts the approval card to a group chat, on the platform's own (rate-limited) task queue beside send / update /
 * remind. The card is later updated with the ordinary `updateCard` activity. A platform without group cards answers
 * INVALID_REQUEST (non-retryable): the workflow then falls back to one-to-one cards.
 */
export function createGroupCardActivities(registry: ChannelProviderRegistry): GroupCardActivities {
  return {
    sendGroupCard: ({ kind, chatId, card, idempotencyKey }) =>
      counted(kind, 'sendGroupCard', async () => {
        const provider = await registry.get(kind);
        if (!isGroupCardProvider(provider)) {
          throw new ChannelError('INVALID_REQUEST', `${kind} cannot post cards to group chats`);
        }
        return provider.sendGroupCard({ chatId, card, idempotencyKey, signal: cancellationSignal() });
      }),
  };
}
