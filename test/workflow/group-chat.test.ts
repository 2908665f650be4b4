/**
 * Group-chat cards (policy `groupChats`) on the whole stack: the API, a worker made of the service's plugins, the
 * Feishu and DingTalk simulators over HTTP and their real signed callbacks. Counts come from the simulator's request
 * log, i.e. what the platform would bill.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimClickResult } from '../../sim/core/clicks.js';
import type { SimMessage } from '../../sim/core/inbox.js';
import type { SimRequestRecord } from '../../sim/core/request-log.js';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import type { ApprovalState, PlatformCalls } from '../../src/domain/state.js';
import { isBilled } from '../../src/usage/billing.js';
import { state as stateQuery } from '../../src/workflows/definitions.js';
import { approvalState, startCallbackStack, type CallbackStack } from '../callbacks/callback-stack.js';
import { eventually } from '../support/stack.js';
import { silenceNotices } from '../support/notices.js';

/** A ticket type of its own whose outcome tells nobody: the counted calls are the approval's alone. */
const CARD_CALLS_TYPE = 'ticket.card_calls';

const CHAT = 'oc_approvers0001';

interface FeishuAnswer {
  toast?: { type: string; content: string };
  card?: unknown;
}
const answerOf = (result: SimClickResult) => JSON.parse(result.answer.body) as FeishuAnswer;

function ticket(ticketId: string, groupChats: unknown[]) {
  return {
    ticketId,
    ticketType: CARD_CALLS_TYPE,
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
    await silenceNotices((method, path, body) => stack.call(method, path, body), CARD_CALLS_TYPE);
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

  test("'also': one card per approver plus one in the chat (N + 1 sends); the clicked chat card shows the outcome through the click's answer", async () => {
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
    for (const user of ['bob', 'carol']) await updated('GC-ALSO', user);
    const closed = await eventually(
      () => live('GC-ALSO'),
      (s: ApprovalState) => s.groupCards?.[0]?.status === 'updated',
    );
    assert.equal(closed.groupCards?.[0]?.shownByClickAnswer, true, "carol's answer showed every member the outcome");
    const done = await approvalState(stack, 'GC-ALSO');
    assert.equal(done.status, 'rejected');
    assert.equal(done.outcome?.by?.userId, 'carol');
    assert.match(JSON.stringify((await groupCard('GC-ALSO')).content), /Rejected by Carol/);
    const updates = (await feishuCalls(since)).filter((api) => api === 'update');
    assert.equal(updates.length, 2, "one update per one-to-one card; none for the chat's card, already showing it");
  });

  test("'instead': exactly one send (to the chat), no PATCH after a click in it; non-approvers' clicks decide nothing", async () => {
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
        i18n: {
          en_us: 'You are not an approver of this ticket',
          zh_cn: '您不是此工单的审批人',
          ja_jp: 'あなたはこのチケットの承認者ではありません',
        },
      });
      assert.equal(answerOf(refused).card, undefined, 'the group card stays as it is');
    }
    const still = await live('GC-INSTEAD');
    assert.equal(still.status, 'pending');
    assert.deepEqual(still.decisions, []);

    const bob = answerOf(await click(card, 'bob'));
    assert.equal(bob.toast?.content, 'You approved this request');
    const closed = await eventually(
      () => live('GC-INSTEAD'),
      (s: ApprovalState) => s.groupCards?.[0]?.status === 'updated',
    );
    assert.equal(closed.groupCards?.[0]?.shownByClickAnswer, true);
    // Once closed, the API shows the run's result: the group card is in it too.
    const done = await eventually(
      () => approvalState(stack, 'GC-INSTEAD'),
      (s) => s.workflowStatus === 'COMPLETED',
    );
    assert.deepEqual(
      done.groupCards?.map((g) => [g.chatId, g.status, g.shownByClickAnswer]),
      [[CHAT, 'updated', true]],
    );
    assert.equal(done.status, 'approved');
    assert.equal(done.outcome?.by?.userId, 'bob');
    assert.deepEqual(
      done.decisions?.map((d) => [d.userId, d.via]),
      [['bob', 'feishu']],
    );
    assert.match(JSON.stringify((await groupCard('GC-INSTEAD')).content), /Approved by Bob/);
    // Steady state (token and user ids cached by the first test): the approval cost one counted call, because bob's
    // answer already showed the chat the outcome (a decision made elsewhere costs the PATCH: two calls).
    assert.deepEqual(await feishuCalls(since), ['send']);
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

  test("a group chat card is in the tenant's language and zone, the zone named (members read it from anywhere)", async () => {
    const settings = { locale: 'zh-CN', timeZone: 'Asia/Shanghai' };
    assert.equal((await stack.call('PUT', '/v1/tenants/default/settings', settings)).status, 200);
    try {
      const chats = [{ kind: 'feishu', chatId: CHAT, mode: 'instead' }];
      assert.equal((await stack.call('POST', '/v1/approvals', ticket('GC-ZH', chats))).status, 201);
      await eventually(
        () => live('GC-ZH'),
        (s: ApprovalState) => s.groupCards?.[0]?.status === 'sent',
      );
      const content = (await groupCard('GC-ZH')).content as { header: { title: { content: string } } };
      assert.equal(content.header.title.content, '待审批：Export orders (GC-ZH)');
      assert.match(JSON.stringify(content), /截止时间: \d+月\d+日 \d{2}:\d{2} \(GMT\+8\)/);
    } finally {
      await stack.call('PUT', '/v1/tenants/default/settings', {});
    }
  });
});

// A DingTalk group conversation (IM_GROUP space) with the app's robot, and one without it.
const DT_CHAT = 'cidApproversDt01+Gq/w==';
const DT_NOBOT = 'cidNoRobotDt0001==';
const DT_APPROVERS = Array.from({ length: 12 }, (_, i) => `gca${String(i + 1).padStart(2, '0')}`);
const DT_NAME = (id: string) => `Approver ${Number(id.slice(3))}`;

interface DingtalkAnswer {
  cardData?: { cardParamMap?: Record<string, string> };
}
const statusTextOf = (result: SimClickResult) =>
  (JSON.parse(result.answer.body) as DingtalkAnswer).cardData?.cardParamMap?.statusText;

/** Billed calls per API kind on one platform (token and user lookups are free). */
function billed(calls: PlatformCalls | undefined, kind: 'dingtalk'): Record<string, number> {
  const byApi = calls?.byKind[kind]?.byApi ?? {};
  return Object.fromEntries(Object.entries(byApi).filter(([api]) => isBilled({ api: api as 'send', status: 200 })));
}

describe('group-chat cards on DingTalk (IM_GROUP)', () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack();
    await silenceNotices((method, path, body) => stack.call(method, path, body), CARD_CALLS_TYPE);
    // Twelve approvers known to DingTalk (by mobile) and to the API's directory, all in the approvers' group.
    for (const [i, id] of DT_APPROVERS.entries()) {
      const mobile = `1390000${String(i + 1).padStart(4, '0')}`;
      await stack.sim.control.setUser(id, { name: DT_NAME(id), mobile });
      const res = await stack.call('PUT', `/v1/users/${id}`, { name: DT_NAME(id), mobile: `+86${mobile}` });
      assert.ok(res.status < 300, JSON.stringify(res.body));
    }
    const robot = SANDBOX_APPS.dingtalk.appId;
    await setGroup(DT_CHAT, { name: 'Approvers', members: [...DT_APPROVERS, 'alice', 'dave'], robots: [robot] });
    await setGroup(DT_NOBOT, { name: 'No robot', members: ['alice', 'bob', 'carol'], robots: [] });
  });
  after(async () => {
    await stack?.stop();
  });

  // The workflow's own state (a query, answered after the run closed too): a closed run's API view has no groupCards.
  const live = (ticketId: string): Promise<ApprovalState> =>
    stack.temporal.client.workflow.getHandle(`approval:default:${ticketId}`).query(stateQuery);
  const setGroup = (id: string, group: Record<string, unknown>) =>
    stack.sim.control.call('PUT', `/groups/dingtalk/${encodeURIComponent(id)}`, group);
  const lastSeq = async () =>
    Math.max(0, ...(await stack.sim.control.requests({ platform: 'dingtalk' })).map((r) => r.seq));
  /** What the simulator would bill on DingTalk since `since`: card create / deliver / update calls, in order. */
  const billedRequests = async (since: number) =>
    (await stack.sim.control.requests({ platform: 'dingtalk', sinceSeq: String(since) }))
      .map((r: SimRequestRecord) => r.api ?? r.path)
      .filter((api) => ['send', 'deliver', 'update'].includes(api));
  const cardsIn = async (user: string, ticketId: string): Promise<SimMessage[]> =>
    (await stack.sim.control.inbox('dingtalk', user)).filter(
      (m) => m.msgType === 'interactiveCard' && JSON.stringify(m.content).includes(ticketId),
    );
  const groupCopy = async (user: string, ticketId: string) => {
    const cards = (await cardsIn(user, ticketId)).filter((m) => m.chatId === DT_CHAT);
    assert.equal(cards.length, 1, `${user} sees the group card of ${ticketId} once`);
    return cards[0] as SimMessage & { view: unknown };
  };
  const click = (card: SimMessage, userId: string, action: 'approve' | 'reject' = 'approve') =>
    stack.sim.control.click<SimClickResult>({ platform: 'dingtalk', messageId: card.id, userId, action });
  const policy = (levels: unknown[], chatId: string) => ({
    mode: 'any',
    levels,
    deadlineMs: 3_600_000,
    groupChats: [{ kind: 'dingtalk', chatId, mode: 'instead' }],
  });
  const start = async (ticketId: string, body: Record<string, unknown>) => {
    const res = await stack.call('POST', '/v1/approvals', { ...ticket(ticketId, []), policy: body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };

  test("'instead', 12 approvers: one createAndDeliver into the group and one PUT; only an approver's click decides", async () => {
    const since = await lastSeq();
    await start('GCD-INSTEAD', policy([{ approvers: DT_APPROVERS, channels: ['dingtalk'] }], DT_CHAT));
    const pending = await eventually(
      () => approvalState(stack, 'GCD-INSTEAD'),
      (s) => s.groupCards?.[0]?.status === 'sent',
    );
    assert.deepEqual(
      pending.groupCards?.map((g) => [g.kind, g.chatId, g.mode, g.status]),
      [['dingtalk', DT_CHAT, 'instead', 'sent']],
    );
    assert.deepEqual(pending.deliveries, [], 'no robot-chat card on dingtalk');
    assert.deepEqual(pending.unreachable, []);
    assert.deepEqual([...pending.pendingApprovers].sort(), DT_APPROVERS);
    // Every member sees the one group card: the approvers, the requester, and dave (no approver).
    const carriers = new Set<unknown>();
    for (const user of [...DT_APPROVERS, 'alice', 'dave'])
      carriers.add((await groupCopy(user, 'GCD-INSTEAD')).meta.carrierId);
    assert.equal(carriers.size, 1, 'one message in the group');

    // dave is in the group but no approver; alice requested the ticket: their clicks decide nothing.
    for (const user of ['dave', 'alice']) {
      const refused = await click(await groupCopy(user, 'GCD-INSTEAD'), user);
      assert.equal(refused.answer.status, 200);
      assert.equal(statusTextOf(refused), 'You are not an approver of this ticket');
    }
    const still = await approvalState(stack, 'GCD-INSTEAD');
    assert.equal(still.status, 'pending');
    assert.deepEqual(still.decisions, []);

    // gca07 approves from the group card: DingTalk's signed callback names them.
    const approved = await click(await groupCopy('gca07', 'GCD-INSTEAD'), 'gca07');
    assert.match(statusTextOf(approved) ?? '', /^Approved by Approver 7/);
    const done = await eventually(
      () => live('GCD-INSTEAD'),
      (s) => s.status === 'approved' && s.groupCards?.[0]?.status === 'updated',
    );
    assert.equal(done.outcome?.by?.userId, 'gca07');
    assert.deepEqual(
      done.decisions?.map((d) => [d.userId, d.via]),
      [['gca07', 'dingtalk']],
    );
    for (const user of [...DT_APPROVERS, 'alice', 'dave']) {
      const copy = await groupCopy(user, 'GCD-INSTEAD');
      assert.ok(
        copy.history.some((h) => h.source === 'update'),
        `${user}'s copy was updated`,
      );
      assert.match(JSON.stringify(copy.view), /Approved by Approver 7/, `${user} sees the outcome`);
      assert.match(JSON.stringify(copy.view), /"buttons":\[\]/, `${user} sees no buttons`);
    }
    // Two counted calls for twelve approvers: in the approval's own count and in what the platform saw.
    assert.deepEqual(billed(done.platformCalls, 'dingtalk'), { send: 1, update: 1 });
    assert.deepEqual(await billedRequests(since), ['send', 'update']);
  });

  test("'instead' with an escalation: level 2 is reached through the same group card (≤ 2 + levels calls)", async () => {
    const since = await lastSeq();
    const levels = [
      { approvers: DT_APPROVERS.slice(0, 6), channels: ['dingtalk'] },
      { approvers: DT_APPROVERS.slice(6), channels: ['dingtalk'], afterMs: 2_000 },
    ];
    await start('GCD-ESCALATE', policy(levels, DT_CHAT));
    const l2 = await eventually(
      () => approvalState(stack, 'GCD-ESCALATE'),
      (s) => s.level === 2 && s.pendingApprovers.length === 12,
    );
    assert.deepEqual(l2.deliveries, []);
    assert.equal(l2.groupCards?.length, 1, 'still the one group card');
    // An escalated approver decides from the group card posted at level 1.
    const answer = await click(await groupCopy('gca10', 'GCD-ESCALATE'), 'gca10', 'reject');
    assert.match(statusTextOf(answer) ?? '', /^Rejected by Approver 10/);
    const done = await eventually(
      () => live('GCD-ESCALATE'),
      (s) => s.status === 'rejected' && s.groupCards?.[0]?.status === 'updated',
    );
    const calls = billed(done.platformCalls, 'dingtalk');
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    assert.ok(total <= 2 + levels.length, `${total} counted calls`);
    assert.deepEqual(calls, { send: 1, update: 1 });
    assert.deepEqual(await billedRequests(since), ['send', 'update']);
    assert.match(JSON.stringify((await groupCopy('gca01', 'GCD-ESCALATE')).view), /Rejected by Approver 10/);
  });

  test("'instead' with a group the robot is not in: the approvers get robot-chat cards after all", async () => {
    await start('GCD-FALLBACK', policy([{ approvers: ['bob', 'carol'], channels: ['dingtalk'] }], DT_NOBOT));
    const pending = await eventually(
      () => approvalState(stack, 'GCD-FALLBACK'),
      (s) => s.deliveries.length === 2 && s.deliveries.every((d) => d.status === 'sent'),
    );
    assert.equal(pending.groupCards?.[0]?.status, 'failed');
    assert.equal(pending.groupCards?.[0]?.error?.code, 'RECIPIENT_UNREACHABLE');
    assert.match(pending.groupCards?.[0]?.error?.message ?? '', /robot is not a member/);
    assert.ok(pending.deliveries.every((d) => d.kind === 'dingtalk' && d.shared === true));
    const [bobsCard, ...more] = await cardsIn('bob', 'GCD-FALLBACK');
    assert.ok(bobsCard);
    assert.deepEqual(more, []);
    assert.equal(bobsCard.meta.group, undefined, "bob's card is in his robot chat");
    assert.match(statusTextOf(await click(bobsCard, 'bob')) ?? '', /^Approved by Bob/);
    await eventually(
      () => cardsIn('carol', 'GCD-FALLBACK'),
      (cards) => cards.length === 1 && /Approved by Bob/.test(JSON.stringify(cards[0]?.content)),
    );
  });
});
