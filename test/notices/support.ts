import assert from 'node:assert/strict';
import type { SimMessage } from '../../sim/core/inbox.js';
import { CHANNEL_KINDS, type ChannelKind } from '../../src/domain/channel.js';
import type { NoticeState } from '../../src/domain/notice-state.js';
import { eventually, type Stack } from '../support/stack.js';

/** Notices (not approval cards) about one ticket in one user's chat on one platform, as the simulator holds them. */
export async function noticesOf(
  stack: Stack,
  kind: ChannelKind,
  user: string,
  ticketId: string,
  text?: string,
): Promise<SimMessage[]> {
  const inbox = await stack.sim.control.inbox(kind, user);
  return inbox.filter((m) => {
    if (!m.idempotencyKey?.startsWith('nt-')) return false;
    const shown = JSON.stringify(m.content);
    return shown.includes(ticketId) && (text === undefined || shown.includes(text));
  });
}

/** Waits until the event's notice has finished and returns it (GET /v1/events/:eventId). */
export async function finished(stack: Stack, eventId: string, timeoutMs = 30_000): Promise<NoticeState> {
  const res = await eventually(
    () => stack.call<NoticeState>('GET', `/v1/events/${encodeURIComponent(eventId)}`),
    (r) => r.status === 200 && r.body.status !== 'delivering',
    timeoutMs,
  );
  return res.body;
}

/** Each user has exactly one notice with `text` about the ticket on each of `kinds`. */
export async function assertToldOnce(
  stack: Stack,
  users: readonly string[],
  ticketId: string,
  text: string,
  kinds: readonly ChannelKind[] = CHANNEL_KINDS,
): Promise<void> {
  for (const user of users) {
    for (const kind of kinds) {
      const found = await noticesOf(stack, kind, user, ticketId, text);
      assert.equal(found.length, 1, `${user} has one "${text}" notice about ${ticketId} on ${kind}`);
    }
  }
}

/** A rule as the tests write it: every channel, so each platform's rendering and delivery is exercised. */
export function tellRule(id: string, ticketType: string, event: string, recipients: Record<string, unknown>) {
  return { id, name: `${event} notice`, match: { ticketType, event }, recipients, deliverTo: 'every-channel' };
}

/** A ticket-system event of `ticketId`. */
export function ticketEvent(eventId: string, ticketId: string, ticketType: string, state: string, extra = {}) {
  return {
    eventId,
    ticketId,
    ticketType,
    state,
    title: `Export orders (${ticketId})`,
    requester: { userId: 'alice', name: 'Alice Chen' },
    fields: [{ label: 'Rows', value: '12,000' }],
    ...extra,
  };
}
