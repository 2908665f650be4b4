/**
 * The channel constants workflow code needs, free of zod: everything a workflow imports is evaluated again for
 * every workflow run the worker holds, so a schema library here would cost memory and CPU per pending approval.
 * src/domain/channel.ts builds the zod schemas from these values.
 */

/** The chat platforms we deliver approval cards to. Adding one means one folder under src/channels/. */
export const CHANNEL_KIND_VALUES = ['dingtalk', 'dingtalk-exclusive', 'feishu', 'lark'] as const;
export type ChannelKind = (typeof CHANNEL_KIND_VALUES)[number];
export const CHANNEL_KINDS: readonly ChannelKind[] = CHANNEL_KIND_VALUES;

/**
 * Platforms whose provider shows one card instance to many recipients (SharedCardProvider in
 * src/channels/provider.ts): the workflow sends one card per approval there, delivered to each round's recipients.
 */
export const SHARED_CARD_KINDS: readonly ChannelKind[] = ['dingtalk', 'dingtalk-exclusive'];

/** Task queue that runs the orchestration workflow and its database / webhook activities. */
export const APPROVALS_TASK_QUEUE = 'approvals';

/** Each platform's send / update activities run on their own queue so the server can rate-limit it. */
export function channelTaskQueue(kind: ChannelKind): string {
  return `approvals-channel-${kind}`;
}

/** Our error codes for platform failures; one table per platform maps vendor codes onto these. */
export const CHANNEL_ERROR_CODES = [
  'RATE_LIMITED',
  'QUOTA_EXHAUSTED',
  'AUTH_INVALID',
  'TOKEN_EXPIRED',
  'RECIPIENT_UNREACHABLE',
  'TRANSIENT',
  'INVALID_REQUEST',
  'CHANNEL_DISABLED',
] as const;
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number];

/** Codes a retry cannot fix: the workflow records them as a failed delivery instead of retrying forever. */
export const NON_RETRYABLE_CHANNEL_ERRORS: readonly ChannelErrorCode[] = [
  'QUOTA_EXHAUSTED',
  'AUTH_INVALID',
  'RECIPIENT_UNREACHABLE',
  'INVALID_REQUEST',
  'CHANNEL_DISABLED',
];
