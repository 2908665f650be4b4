import { z } from 'zod';

/** The chat platforms we deliver approval cards to. Adding one means one folder under src/channels/. */
export const ChannelKind = z.enum(['dingtalk', 'dingtalk-exclusive', 'feishu', 'lark']);
export type ChannelKind = z.infer<typeof ChannelKind>;
export const CHANNEL_KINDS: readonly ChannelKind[] = ChannelKind.options;

/** Task queue that runs the orchestration workflow and its database / webhook activities. */
export const APPROVALS_TASK_QUEUE = 'approvals';

/** Each platform's send / update activities run on their own queue so the server can rate-limit it. */
export function channelTaskQueue(kind: ChannelKind): string {
  return `approvals-channel-${kind}`;
}

/** Our error codes for platform failures; one table per platform maps vendor codes onto these. */
export const ChannelErrorCode = z.enum([
  'RATE_LIMITED',
  'QUOTA_EXHAUSTED',
  'AUTH_INVALID',
  'TOKEN_EXPIRED',
  'RECIPIENT_UNREACHABLE',
  'TRANSIENT',
  'INVALID_REQUEST',
  'CHANNEL_DISABLED',
]);
export type ChannelErrorCode = z.infer<typeof ChannelErrorCode>;

/** Codes a retry cannot fix: the workflow records them as a failed delivery instead of retrying forever. */
export const NON_RETRYABLE_CHANNEL_ERRORS: readonly ChannelErrorCode[] = [
  'QUOTA_EXHAUSTED',
  'AUTH_INVALID',
  'RECIPIENT_UNREACHABLE',
  'INVALID_REQUEST',
  'CHANNEL_DISABLED',
];
