import type { ChannelErrorCode } from '../domain/channel.js';
import { NON_RETRYABLE_CHANNEL_ERRORS } from '../domain/channel.js';

/** A platform call failed; `code` is ours (one table per platform maps vendor codes onto it). */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
    /** For RATE_LIMITED: how long the platform asked us to wait before the next try. */
    readonly retryAfterMs?: number,
    /** The vendor's own code, for logs and delivery status. */
    readonly vendorCode?: string | number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return !NON_RETRYABLE_CHANNEL_ERRORS.includes(this.code);
  }
}
