import { cancellationSignal } from '@temporalio/activity';
import { ChannelError } from '../channels/channel-error.js';
import { isBatchNoticeProvider, isGroupNoticeProvider } from '../channels/provider.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import { counted } from './channel.activities.js';
import type { NoticeChannelActivities } from './contract.js';

/**
 * Notices on one platform's task queue, paced and rate-limited with its approval cards (the same quota). A platform
 * that cannot tell many at once or post into group chats answers INVALID_REQUEST (non-retryable): the workflow then
 * tells each person on their own.
 */
export function createNoticeActivities(registry: ChannelProviderRegistry): NoticeChannelActivities {
  return {
    sendNotice: ({ kind, recipient, notice, idempotencyKey }) =>
      counted(kind, 'sendNotice', async () => {
        const provider = await registry.get(kind);
        return provider.sendNotice({ recipient, notice, idempotencyKey, signal: cancellationSignal() });
      }),
    sendNoticeBatch: ({ kind, recipients, notice, idempotencyKey }) =>
      counted(kind, 'sendNoticeBatch', async () => {
        const provider = await registry.get(kind);
        if (!isBatchNoticeProvider(provider)) {
          throw new ChannelError('INVALID_REQUEST', `${kind} cannot tell many people in one call`);
        }
        return provider.sendNoticeBatch({ recipients, notice, idempotencyKey, signal: cancellationSignal() });
      }),
    sendGroupNotice: ({ kind, chatId, notice, idempotencyKey }) =>
      counted(kind, 'sendGroupNotice', async () => {
        const provider = await registry.get(kind);
        if (!isGroupNoticeProvider(provider)) {
          throw new ChannelError('INVALID_REQUEST', `${kind} cannot post notices to group chats`);
        }
        return provider.sendGroupNotice({ chatId, notice, idempotencyKey, signal: cancellationSignal() });
      }),
  };
}
