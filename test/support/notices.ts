import type { NoticeCard, NoticeInput, NoticeSpec, NoticeState } from '../../src/domain/notice-state.js';
import { openNotice } from '../../src/workflows/notice-book.js';

/** Builders for notice tests: a spec, an input, a card, a state with recipients. */
export function createTestSpec(overrides: Partial<NoticeSpec> = {}): NoticeSpec {
  return {
    ruleVersion: 'notice-approved@v1',
    roles: [],
    users: [],
    relative: ['requester'],
    channels: [],
    deliverTo: 'one-channel',
    groupChats: [],
    respectUserSettings: true,
    ...overrides,
  };
}

export function createTestNoticeInput(overrides: Partial<NoticeInput> = {}): NoticeInput {
  return {
    eventId: 'evt-1',
    event: 'executed',
    source: 'ticket-system',
    ticket: {
      tenant: 'default',
      ticketId: 'T-1',
      ticketType: 'ticket.data_export',
      title: 'Export the orders table',
      requester: { userId: 'alice', name: 'Alice Chen' },
      fields: [{ label: 'Rows', value: '12,000' }],
    },
    occurredAt: '2026-12-06T06:20:00.000Z',
    spec: createTestSpec(),
    ...overrides,
  };
}

export function createTestNoticeCard(overrides: Partial<NoticeCard> = {}): NoticeCard {
  return {
    tenant: 'default',
    ticketId: 'T-1',
    ticketType: 'ticket.data_export',
    title: 'Export the orders table',
    requesterName: 'Alice Chen',
    fields: [{ label: 'Rows', value: '12,000' }],
    event: 'approved',
    label: 'Approved',
    at: '2026-12-06T06:20:00.000Z',
    by: 'Bob Li',
    ...overrides,
  };
}

/** A notice state with people on the given channels (platform ids `<kind>:<user>`). */
export function stateWith(people: Record<string, NoticeState['recipients'][number]['channels'][number]['kind'][]>) {
  const state = openNotice(createTestNoticeInput(), 'notice:default:evt-1', new Date('2026-12-06T06:20:00Z'));
  state.recipients = Object.entries(people).map(([userId, kinds]) => ({
    userId,
    name: userId,
    channels: kinds.map((kind) => ({ kind, platformUserId: `${kind}:${userId}` })),
  }));
  return state;
}

/**
 * Switches every notice of an approval's outcome off for `ticketType` (a disabled rule of the type's own wins over the
 * seeded `*` defaults), for tests that count what one approval alone spends on the platforms.
 */
export async function silenceNotices(
  call: (method: 'POST', path: string, body: unknown) => Promise<{ status: number; body: unknown }>,
  ticketType: string,
): Promise<void> {
  for (const event of ['approved', 'rejected', 'expired', 'withdrawn']) {
    const rule = { name: `No ${event} notice`, match: { ticketType, event }, recipients: { relative: ['requester'] } };
    const res = await call('POST', '/v1/rules', { ...rule, enabled: false });
    if (res.status !== 201) throw new Error(`silencing ${ticketType} × ${event}: ${JSON.stringify(res.body)}`);
  }
}
