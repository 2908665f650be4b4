import type { ChannelKind } from './channel-constants.js';
import type { User } from './user.js';

/**
 * How a person's own switches apply to one event on one channel. Pure: the worker (who is told), the dry run and the
 * users API (the effective settings) read them the same way. The per-channel switches (`user.channels`) always count;
 * the per-event ones (`user.notices`) count where the rule honours them.
 */

/** Why the person is not told of `event` at all, or undefined when they are. */
export function eventOffReason(user: Pick<User, 'notices'>, event: string): string | undefined {
  return user.notices[event]?.enabled === false ? `the user switched "${event}" notices off` : undefined;
}

/** Why the person is not told of `event` on `kind`, or undefined when the channel is on for it. */
export function channelOffReason(
  user: Pick<User, 'channels' | 'notices'>,
  event: string,
  kind: ChannelKind,
  respectEventSettings: boolean,
): string | undefined {
  if (user.channels[kind] === false) return `the user switched ${kind} notifications off`;
  if (respectEventSettings && user.notices[event]?.channels[kind] === false) {
    return `the user switched "${event}" notices off on ${kind}`;
  }
  return undefined;
}
