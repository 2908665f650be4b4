import { ApplicationFailure } from '@temporalio/common';
import { ChannelError } from '../channels/channel-error.js';

/**
 * Turn a platform failure into the failure Temporal acts on: `type` is our code (the workflow records it on the
 * delivery), non-retryable codes stop retries at once, and a rate limit waits what the platform asked for.
 * Anything that is not a ChannelError is unexpected and left retryable.
 */
export function toActivityFailure(err: unknown): unknown {
  if (!(err instanceof ChannelError)) return err;
  return ApplicationFailure.create({
    type: err.code,
    message: err.message,
    nonRetryable: !err.retryable,
    // A 0 s delay (Feishu's `x-ogw-ratelimit-reset: 0` at the end of a window) ended the retries outright when tried
    // against the dev server, failing the card; below a second the retry policy's own backoff applies instead.
    nextRetryDelay: err.retryAfterMs !== undefined && err.retryAfterMs >= 1000 ? err.retryAfterMs : undefined,
    details: err.vendorCode === undefined ? [] : [{ vendorCode: err.vendorCode }],
  });
}

/** Runs a platform call; a failure is shown to `observe` (metrics) and rethrown as the failure Temporal acts on. */
export async function translatingChannelErrors<T>(
  call: () => Promise<T>,
  observe?: (err: unknown) => void,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    observe?.(err);
    throw toActivityFailure(err);
  }
}
