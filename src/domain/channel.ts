import { z } from 'zod';
import { CHANNEL_ERROR_CODES, CHANNEL_KIND_VALUES } from './channel-constants.js';

export {
  APPROVALS_TASK_QUEUE,
  CHANNEL_KINDS,
  channelTaskQueue,
  NON_RETRYABLE_CHANNEL_ERRORS,
  SHARED_CARD_KINDS,
} from './channel-constants.js';

/** The chat platforms we deliver approval cards to (values in channel-constants.ts, which workflows import). */
export const ChannelKind = z.enum(CHANNEL_KIND_VALUES);
export type ChannelKind = z.infer<typeof ChannelKind>;

/** Our error codes for platform failures; one table per platform maps vendor codes onto these. */
export const ChannelErrorCode = z.enum(CHANNEL_ERROR_CODES);
export type ChannelErrorCode = z.infer<typeof ChannelErrorCode>;
