import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { request, type Dispatcher } from 'undici';
import type { NotifyTicketSystemInput } from './contract.js';

export const SIGNATURE_HEADER = 'x-approvals-signature';
export const TIMESTAMP_HEADER = 'x-approvals-timestamp';

/** `sha256=<hex HMAC-SHA256 over "<timestamp>.<raw body>">`, so a receiver can reject stale replays too. */
export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * POST the outcome to the ticket system. Temporal retries failures; a 4xx other than 408/429 means the ticket
 * system rejected the request itself, which no retry fixes.
 */
export async function notifyTicketSystem(
  deps: { secret?: string; dispatcher?: Dispatcher; now?: () => number; signal?: AbortSignal },
  { url, result }: NotifyTicketSystemInput,
): Promise<void> {
  const body = JSON.stringify({ type: 'approval.completed', approval: result });
  const timestamp = String(Math.floor((deps.now ?? Date.now)() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp };
  if (deps.secret) headers[SIGNATURE_HEADER] = signWebhook(deps.secret, timestamp, body);

  let status: number;
  try {
    const res = await request(url, {
      method: 'POST',
      body,
      headers,
      dispatcher: deps.dispatcher,
      signal: deps.signal,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    status = res.statusCode;
    await res.body.dump();
  } catch (err) {
    throw ApplicationFailure.create({
      type: 'WEBHOOK_UNREACHABLE',
      message: `ticket system unreachable: ${(err as Error).message}`,
    });
  }
  if (status >= 200 && status < 300) return;
  const retryable = status >= 500 || status === 408 || status === 429;
  throw ApplicationFailure.create({
    type: 'WEBHOOK_REJECTED',
    message: `ticket system answered HTTP ${status}`,
    nonRetryable: !retryable,
  });
}
