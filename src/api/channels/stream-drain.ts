import type { ChannelKind } from '../../domain/channel.js';

/** How long a DingTalk channel that left stream mode keeps its Stream connection for the cards already out. */
export const STREAM_DRAIN_DAYS = 30;

/**
 * A DingTalk card keeps the callback route it was created with (`callbackType` cannot be changed on a card that is
 * out), so a channel switched from stream back to HTTP keeps its Stream connection open until `streamUntil`: clicks
 * on cards sent in stream mode still arrive. Feishu / Lark need nothing: the console's mode is app-wide and
 * re-points every card. An admin's own `streamUntil` wins.
 */
export function withStreamDrain(
  kind: ChannelKind,
  previous: unknown,
  next: Record<string, unknown>,
  now: Date,
): Record<string, unknown> {
  if (kind !== 'dingtalk' && kind !== 'dingtalk-exclusive') return next;
  if (next.callbackMode === 'stream' || next.streamUntil !== undefined) return next;
  const before = (previous ?? {}) as { callbackMode?: unknown; streamUntil?: unknown };
  // Saving again in HTTP mode keeps a drain that is under way.
  if (typeof before.streamUntil === 'string') return { ...next, streamUntil: before.streamUntil };
  if (before.callbackMode !== 'stream') return next;
  const until = new Date(now.getTime() + STREAM_DRAIN_DAYS * 86_400_000);
  return { ...next, streamUntil: until.toISOString() };
}
