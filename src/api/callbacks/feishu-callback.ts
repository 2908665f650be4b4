import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  feishuDecrypt,
  feishuLegacyCardSignature,
  feishuSignature,
  signatureMatches,
} from '../../channels/feishu/feishu.crypto.js';
import { ApiError } from '../common/api-error.js';
import { callbackRefused as unauthenticated } from './callback-request.js';
import { isFresh, parseFeishuTimestamp, parseMicroseconds } from './freshness.js';

/**
 * Feishu / Lark card callbacks, verified and parsed (reference §5–§6). Pure: secrets and the clock come in, a
 * verified callback or an ApiError (401 not from the platform, 400 malformed) comes out.
 */
export interface FeishuSecrets {
  appId: string;
  verificationToken: string;
  encryptKey?: string;
}

/** `X-Lark-Request-Timestamp`, `X-Lark-Request-Nonce`, `X-Lark-Signature` as received. */
export interface FeishuHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
}

export type FeishuCallback =
  | { type: 'challenge'; challenge: string }
  /** A verified callback that is not a card action (another event type): answered with `{}`. */
  | { type: 'ignored' }
  | {
      type: 'click';
      legacy: boolean;
      eventId: string;
      openId: string;
      value: unknown;
      /** The clicked card's message id (`open_message_id`), when the platform names it. */
      messageId?: string;
      /** When the platform sent the click (ms since epoch, its clock). */
      sentAt: number;
    };

/** A verified callback other than the url_verification challenge (which only comes over HTTP). */
export type FeishuAction = Exclude<FeishuCallback, { type: 'challenge' }>;

const Challenge = z.looseObject({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(1024),
  token: z.string(),
});

const V2Body = z.looseObject({
  schema: z.literal('2.0'),
  header: z.looseObject({
    event_id: z.string().min(1).max(256),
    token: z.string(),
    event_type: z.string(),
    create_time: z.string().optional(),
    app_id: z.string().optional(),
  }),
  event: z.looseObject({
    operator: z.looseObject({ open_id: z.string().min(1).max(128) }).optional(),
    action: z.looseObject({ value: z.unknown() }).optional(),
    context: z.looseObject({ open_message_id: z.string().min(1).max(256).optional() }).optional(),
  }),
});

/** The same envelope over the long connection, where the Verification Token may be left out. */
const StreamBody = V2Body.extend({ header: V2Body.shape.header.extend({ token: z.string().optional() }) });

/** card.action.trigger_v1: flat, no event id, never encrypted, signed with SHA-1 over the Verification Token. */
const LegacyBody = z.looseObject({
  open_id: z.string().min(1).max(128),
  open_message_id: z.string().min(1).max(256),
  token: z.string().max(256).optional(),
  action: z.looseObject({ value: z.unknown() }),
});

interface Context {
  raw: Buffer;
  headers: FeishuHeaders;
  secrets: FeishuSecrets;
  now: number;
}

export function readFeishuCallback(
  raw: Buffer,
  headers: FeishuHeaders,
  secrets: FeishuSecrets,
  now: number,
): FeishuCallback {
  const ctx: Context = { raw, headers, secrets, now };
  const outer = parseObject(raw.toString('utf8'), 'The body is not a JSON object');
  if (typeof outer.encrypt === 'string') return readEncrypted(ctx, outer.encrypt);
  const challenge = Challenge.safeParse(outer);
  if (challenge.success) return answerChallenge(ctx, challenge.data);
  if (outer.schema === undefined && 'open_message_id' in outer) return readLegacy(ctx, outer);
  if (!secrets.encryptKey) return readV2(ctx, outer, false);
  // With an Encrypt Key the platform encrypts and signs every card.action.trigger: a plaintext one is not from it.
  if (!V2Body.safeParse(outer).success) throw new ApiError('BAD_REQUEST', 'Not a Feishu card callback');
  throw unauthenticated('expected an encrypted callback: the app has an Encrypt Key');
}

/** `{"encrypt": ...}`: check the SHA-256 signature over the raw body first, then decrypt (AES-256-CBC). */
function readEncrypted(ctx: Context, encrypted: string): FeishuCallback {
  const key = ctx.secrets.encryptKey;
  if (!key) throw new ApiError('BAD_REQUEST', 'The callback is encrypted but the channel has no Encrypt Key');
  const signed = ctx.headers.signature !== undefined;
  if (signed) {
    const { timestamp = '', nonce = '' } = ctx.headers;
    if (!signatureMatches(feishuSignature(timestamp, nonce, key, ctx.raw), ctx.headers.signature)) {
      throw unauthenticated('X-Lark-Signature does not match');
    }
  }
  let plain: string;
  try {
    plain = feishuDecrypt(encrypted, key);
  } catch {
    // Signed but undecryptable is a broken request; unsigned and undecryptable was never encrypted with our key.
    if (signed) throw new ApiError('BAD_REQUEST', 'The encrypted payload cannot be decrypted');
    throw unauthenticated('the payload was not encrypted with the Encrypt Key');
  }
  const payload = parseObject(plain, 'The decrypted payload is not a JSON object');
  const challenge = Challenge.safeParse(payload);
  if (challenge.success) return answerChallenge(ctx, challenge.data);
  if (!signed) throw unauthenticated('X-Lark-Signature is missing');
  return readV2(ctx, payload, true);
}

function answerChallenge(ctx: Context, body: z.infer<typeof Challenge>): FeishuCallback {
  checkToken(ctx.secrets.verificationToken, body.token);
  return { type: 'challenge', challenge: body.challenge };
}

function readV2(ctx: Context, payload: Record<string, unknown>, signed: boolean): FeishuCallback {
  const parsed = V2Body.safeParse(payload);
  if (!parsed.success) throw new ApiError('BAD_REQUEST', 'Not a card.action.trigger callback (schema 2.0)');
  const { header } = parsed.data;
  checkToken(ctx.secrets.verificationToken, header.token);
  if (header.app_id !== undefined && header.app_id !== ctx.secrets.appId) throw unauthenticated('for another app');
  const sent = signed ? headerTime(ctx) : parseMicroseconds(header.create_time ?? '');
  return readClick(ctx.now, parsed.data, sent);
}

/** A verified schema 2.0 envelope: fresh, then the click it carries (another event type is answered `{}`). */
function readClick(now: number, body: z.infer<typeof StreamBody>, sent: number | undefined): FeishuAction {
  const { header, event } = body;
  checkFresh(sent, now);
  if (header.event_type !== 'card.action.trigger') return { type: 'ignored' };
  if (!event.operator || !event.action) throw new ApiError('BAD_REQUEST', 'The card action has no operator or value');
  const messageId = event.context?.open_message_id;
  return {
    type: 'click',
    legacy: false,
    eventId: header.event_id,
    openId: event.operator.open_id,
    value: event.action.value,
    ...(messageId !== undefined && { messageId }),
    sentAt: sent ?? now,
  };
}

function readLegacy(ctx: Context, outer: Record<string, unknown>): FeishuCallback {
  const { timestamp, nonce, signature } = ctx.headers;
  if (timestamp === undefined || nonce === undefined || signature === undefined) {
    throw unauthenticated('legacy card callbacks must be signed (X-Lark-Signature)');
  }
  const expected = feishuLegacyCardSignature(timestamp, nonce, ctx.secrets.verificationToken, ctx.raw);
  if (!signatureMatches(expected, signature)) throw unauthenticated('X-Lark-Signature does not match');
  const sentAt = headerTime(ctx);
  checkFresh(sentAt, ctx.now);
  const parsed = LegacyBody.safeParse(outer);
  if (!parsed.success) throw new ApiError('BAD_REQUEST', 'Not a card callback (card.action.trigger_v1)');
  const body = parsed.data;
  // No event id in v1: the update token (`c-…`) is unique per click, so these four identify one click.
  const eventId = ['v1', body.open_message_id, body.open_id, JSON.stringify(body.action.value), body.token].join('|');
  return {
    type: 'click',
    legacy: true,
    eventId,
    openId: body.open_id,
    value: body.action.value,
    messageId: body.open_message_id,
    sentAt: sentAt ?? ctx.now,
  };
}

/**
 * A `card.action.trigger` that came over the long connection: no signature and never encrypted (the connection was
 * opened with the app's credentials), so the envelope is checked instead: this app, the Verification Token when
 * the platform sends it, and freshness. Legacy v1 card callbacks are not delivered over the connection.
 */
export function readFeishuStreamCallback(payload: unknown, secrets: FeishuSecrets, now: number): FeishuAction {
  const parsed = StreamBody.safeParse(payload);
  if (!parsed.success) throw new ApiError('BAD_REQUEST', 'Not a card.action.trigger callback (schema 2.0)');
  const { header } = parsed.data;
  if (header.app_id !== undefined && header.app_id !== secrets.appId) throw unauthenticated('for another app');
  if (header.token !== undefined && header.token !== '') checkToken(secrets.verificationToken, header.token);
  return readClick(now, parsed.data, parseMicroseconds(header.create_time ?? ''));
}

function headerTime(ctx: Context): number | undefined {
  return ctx.headers.timestamp === undefined ? undefined : parseFeishuTimestamp(ctx.headers.timestamp);
}

function checkFresh(sentAt: number | undefined, now: number): void {
  if (sentAt === undefined) throw unauthenticated('the request timestamp is missing or unreadable');
  if (!isFresh(sentAt, now)) throw unauthenticated('the request timestamp is outside the freshness window');
}

/** Constant-time comparison with the Verification Token (never echoed). */
function checkToken(expected: string, received: string): void {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw unauthenticated('the Verification Token does not match');
}

function parseObject(text: string, message: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('BAD_REQUEST', message);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError('BAD_REQUEST', message);
  return value as Record<string, unknown>;
}
