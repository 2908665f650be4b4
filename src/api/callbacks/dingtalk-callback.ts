import { z } from 'zod';
import { parseCardCallback } from '../../channels/dingtalk/dingtalk.callback.js';
import { verifyCallbackSignature } from '../../channels/dingtalk/dingtalk.sign.js';
import { DecisionKind } from '../../domain/approval.js';
import { ApiError } from '../common/api-error.js';
import { callbackRefused as unauthenticated } from './callback-request.js';
import { CALLBACK_FRESHNESS_MS } from './freshness.js';

/** `x-ddpaas-signature-timestamp` (ms) and `x-ddpaas-signature` as received. */
export interface DingtalkHeaders {
  timestamp?: string;
  signature?: string;
}

/** The 回传参数 our template's buttons send (src/channels/dingtalk/dingtalk.card.ts `buttonParams`). */
const ButtonParams = z.object({
  action: DecisionKind,
  ticketId: z.string().min(1).max(64),
  tenant: z.string().min(1).max(63),
  nonce: z.string().min(1).max(64),
});
export type DingtalkButtonParams = z.infer<typeof ButtonParams>;

export interface DingtalkClick {
  /** DingTalk sends no event id: outTrackId + clicker + action name one click (a repeat gets the first answer). */
  eventId: string;
  /** The clicker as DingTalk authenticated them (userIdType 1). */
  userId: string;
  outTrackId: string;
  /** The clicker's org, as the platform names it. */
  corpId?: string;
  params: DingtalkButtonParams;
}

/**
 * A DingTalk card callback, verified (reference §5b) and parsed (both `content` and `value` variants). Without an
 * apiSecret DingTalk does not sign callbacks, and an unsigned click could claim any user: refused.
 */
export function readDingtalkCallback(
  raw: Buffer,
  headers: DingtalkHeaders,
  apiSecret: string | undefined,
  now: number,
): DingtalkClick {
  if (!apiSecret) throw unauthenticated('the channel has no apiSecret, so callbacks cannot be verified');
  const verified = verifyCallbackSignature({
    apiSecret,
    timestamp: headers.timestamp,
    signature: headers.signature,
    now,
    windowMs: CALLBACK_FRESHNESS_MS,
  });
  if (!verified.ok) throw unauthenticated(REASONS[verified.reason]);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError('BAD_REQUEST', 'The body is not JSON');
  }
  return readDingtalkClick(body);
}

/**
 * A card callback that came over the Stream connection: the connection itself is authenticated (the gateway
 * opened it for our app's credentials), so there is no signature; a click from another org is not for us.
 */
export function readDingtalkStreamCallback(payload: unknown, corpId: string | undefined): DingtalkClick {
  const click = readDingtalkClick(payload);
  if (corpId !== undefined && click.corpId !== undefined && click.corpId !== corpId) {
    throw unauthenticated(`a click from another organisation (${click.corpId})`);
  }
  return click;
}

/** The click in a verified callback body, as both routes deliver it. */
function readDingtalkClick(body: unknown): DingtalkClick {
  const callback = parseCardCallback(body);
  if (!callback) throw new ApiError('BAD_REQUEST', 'Not a DingTalk card callback (outTrackId, userId, content)');
  const params = ButtonParams.safeParse(callback.params);
  if (!params.success) throw new ApiError('BAD_REQUEST', 'The button parameters are not an approval action');
  const { outTrackId, userId, corpId } = callback;
  const eventId = `${outTrackId}|${userId}|${params.data.action}`;
  return { eventId, userId, outTrackId, params: params.data, ...(corpId !== undefined && { corpId }) };
}

const REASONS = {
  missing: 'x-ddpaas-signature is missing',
  malformed: 'x-ddpaas-signature-timestamp is malformed',
  stale: 'the request timestamp is outside the freshness window',
  mismatch: 'x-ddpaas-signature does not match',
} as const;
