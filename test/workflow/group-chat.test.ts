/**
 * Group-chat cards (policy `groupChats`) on the whole stack: the API, a worker made of the service's plugins, the
 * Feishu simulator over HTTP and its real signed callbacks. Counts come from the simulator's request log, i.e. what
 * the platform would bill.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimClickResult } from '../../sim/core/clicks.js';
import type { SimMessage } from '../../sim/core/inbox.js';
import type { SimRequestRecord } from '../../sim/core/request-log.js';
import type { ApprovalState } from '../../src/domain/state.js';
import { state as stateQuery } from '../../src/workflows/definitions.js';
import { approvalState, startCallbackStack, type CallbackStack } from '../callbacks/callback-stack.js';
import { eventually } from '../support/stack.js';

const CHAT = 'oc_approvers0001';

interface FeishuAnswer {
  toast?: { type: string; content: string };
  card?: unknown;
}
const answerOf = (result: SimClickResult) => JSON.parse(result.answer.body) as FeishuAnswer;

function ticket(ticketId: string, groupChats: unknown[]) {
  return {
    ticketId,
    ticketType: 'ticket.data_export',
    title: `Export orders (${ticketId})`,
    requester: { userId: 'alice', name: 'Alice Chen' },
    policy: {
      mode: 'any',
      levels: [{ approvers: ['bob', 'carol'], channels: ['feishu'] }],
      deadlineMs: 3_600_000,
      groupChats,
    },
  };
}

describe('group-chat cards on Feishu', () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack();
  });
  after(async () => {
    await stack?.stop();
  });

  const lastSeq = async () =>
    Math.max(0, ...(await stack.sim.control.requests({ platform: 'feishu' })).map((r) => r.seq));
  const feishuCalls = async (since: number) =>
    (await stack.sim.control.requests({ platform: 'feishu', sinceSeq: String(since) })).map(
      (r: SimRequestRecord) => r.api ?? r.path,
    );
  const live = (ticketId: string) =>
    stack.temporal.client.workflow.getHandle(`approval:default:${ticketId}`).query(stateQuery);
  const cardsIn = async (user: string, ticketId: string): Promise<SimMessage[]> =>
    (await stack.sim.control.inbox('feishu', user)).filter(
      (m) => m.msgType === 'interactive' && JSON.stringify(m.content).includes(ticketId),
    );
  const groupCard = async (ticketId: string) => {
    const cards = await cardsIn(CHAT, ticketId);
    assert.equal(cards.length, 1, `one group card for ${ticketId}`);
    return cards[0] as SimMessage;
  };
  const click = (card: SimMessage, userId: string, action: 'approve' | 'reject' = 'approve') =>
    stack.sim.control.click<SimClickResult>({ platform: 'feishu', messageId: card.id, userId, action });
  const updated = async (ticketId: string, user: string) =>
    eventually(
      () => cardsIn(user, ticketId),
      (cards) => cards.length === 1 && cards.every((c) => c.history.some((h) => h.source === 'update')),
    );

  test("'also': one card per approver plus one in the chat (N + 1 sends), each updated once", async () => {
    const since = await lastSeq();
    const res = await stack.call('POST', '/v1/approvals', ticket('GC-ALSO', [{ kind: 'feishu', chatId: CHAT }]));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const pending = await eventually(
      () => live('GC-ALSO'),
      (s: ApprovalState) => s.deliveries.length === 2 && s.deliveries.every((d) => d.status === 'sent'),
    );
    assert.deepEqual(
      pending.groupCards?.map((g) => [g.kind, g.chatId, g.mode, g.status]),
      [['feishu', CHAT, 'also', 'sent']],
    );
    const sends = (await feishuCalls(since)).filter((api) => api === 'send');
    assert.equal(sends.length, 3, 'bob, carol and the group chat');
    assert.equal((await cardsIn('bob', 'GC-ALSO')).length, 1);
    assert.equal((await cardsIn('carol', 'GC-ALSO')).length, 1);

    // carol rejects from the group card: her open_id identifies her.
    const answer = answerOf(await click(await groupCard('GC-ALSO'), 'carol', 'reject'));
    assert.equal(answer.toast?.content, 'You rejected this request');
    for (const user of [CHAT, 'bob', 'carol']) await updated('GC-ALSO', user);
    const done = await approvalState(stack, 'GC-ALSO');
    assert.equal(done.status, 'rejected');
    assert.equal(done.outcome?.by?.userId, 'carol');
    assert.match(JSON.stringify((await groupCard('GC-ALSO')).content), /Rejected by Carol/);
    const updates = (await feishuCalls(since)).filter((api) => api === 'update');
    assert.equal(updates.length, 3, 'one update per card, no more');
  });

  test("'instead': exactly one send (to the chat) and one PATCH; non-approvers' clicks decide nothing", async () => {
    const since = await lastSeq();
    const chats = [{ kind: 'feishu', chatId: CHAT, mode: 'instead' }];
    assert.equal((await stack.call('POST', '/v1/approvals', ticket('GC-INSTEAD', chats))).status, 201);
    const pending = await eventually(
      () => live('GC-INSTEAD'),
      (s: ApprovalState) => s.groupCards?.[0]?.status === 'sent',
    );
    assert.deepEqual(pending.deliveries, [], 'no one-to-one card on feishu');
    assert.deepEqual(pending.unreachable, [], 'approvers reached through the chat are not unreachable');
    assert.deepEqual(pending.pendingApprovers, ['bob', 'carol']);
    const card = await groupCard('GC-INSTEAD');
    assert.equal(card.chatId, CHAT);
    assert.deepEqual(await cardsIn('bob', 'GC-INSTEAD'), []);

    // dave is in the chat but no approver; alice requested the ticket.
    for (const user of ['dave', 'alice']) {
      const refused = await click(card, user);
      assert.equal(refused.answer.status, 200);
      assert.deepEqual(answerOf(refused).toast, {
        type: 'error',
        content: 'You are not an approver of this ticket',
        i18n: { en_us: 'You are not an approver of this ticket' },
      });
      assert.equal(answerOf(refused).card, undefined, 'the group card stays as it is');
    }
    const still = await live('GC-INSTEAD');
    assert.equal(still.status, 'pending');
    assert.deepEqual(still.decisions, []);

    const bob = answerOf(await click(card, 'bob'));
    assert.equal(bob.toast?.content, 'You approved this request');
    await updated('GC-INSTEAD', CHAT);
    const done = await approvalState(stack, 'GC-INSTEAD');
    assert.equal(done.status, 'approved');
    assert.equal(done.outcome?.by?.userId, 'bob');
    assert.deepEqual(
      done.decisions?.map((d) => [d.userId, d.via]),
      [['bob', 'feishu']],
    );
    assert.match(JSON.stringify((await groupCard('GC-INSTEAD')).content), /Approved by Bob/);
    // Steady state (token and user ids cached by the first test): the approval cost two counted calls.
    assert.deepEqual(await feishuCalls(since), ['send', 'update']);
  });

  test("'instead' with a chat the bot is not in: the approvers get one-to-one cards after all", async () => {
    const chats = [{ kind: 'feishu', chatId: 'oc_nobot00000001', mode: 'instead' }];
    assert.equal((await stack.call('POST', '/v1/approvals', ticket('GC-FALLBACK', chats))).status, 201);
    const pending = await eventually(
      () => live('GC-FALLBACK'),
      (s: ApprovalState) => s.deliveries.length === 2 && s.deliveries.every((d) => d.status === 'sent'),
    );
    assert.equal(pending.groupCards?.[0]?.status, 'failed');
    assert.equal(pending.groupCards?.[0]?.error?.code, 'RECIPIENT_UNREACHABLE');
    const [bobsCard] = await cardsIn('bob', 'GC-FALLBACK');
    assert.ok(bobsCard);
    assert.equal(answerOf(await click(bobsCard, 'bob')).toast?.content, 'You approved this request');
    await updated('GC-FALLBACK', 'carol');
  });
});
