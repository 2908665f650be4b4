/**
 * Shared DingTalk cards and counted platform calls, on the whole stack: the real workflow on a Temporal dev server,
 * the service's worker and API, and the platform simulator over HTTP (its request log is what the platform saw).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApprovalResult, ApprovalState } from '../../src/domain/state.js';
import { eventually, startStack, type Stack } from '../support/stack.js';
import { silenceNotices } from '../support/notices.js';

/** A ticket type of its own whose outcome tells nobody: the counted calls are the approval's alone. */
const CARD_CALLS_TYPE = 'ticket.card_calls';

const state = (stack: Stack, ticketId: string) =>
  stack.call<ApprovalState & ApprovalResult>('GET', `/v1/approvals/${ticketId}`).then((r) => r.body);

/** DingTalk requests of one kind since `sinceSeq` (the simulator tags send / deliver / update / token / resolve_user). */
async function dingtalkRequests(stack: Stack, api: string, sinceSeq: number) {
  return stack.sim.control.requests({ platform: 'dingtalk', api, sinceSeq: String(sinceSeq) });
}

async function lastSeq(stack: Stack): Promise<number> {
  const all = await stack.sim.control.requests();
  return all.at(-1)?.seq ?? 0;
}

function ticket(ticketId: string, policy: Record<string, unknown>) {
  return {
    ticketId,
    ticketType: CARD_CALLS_TYPE,
    title: `Export orders (${ticketId})`,
    requester: { userId: 'alice', name: 'Alice Chen' },
    fields: [{ label: 'Database', value: 'orders_prod' }],
    policy: { deadlineMs: 600_000, onDeadline: 'expired', ...policy },
  };
}

describe('shared DingTalk cards: one instance per approval, one update for everyone, calls counted', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    await silenceNotices((method, path, body) => stack.call(method, path, body), CARD_CALLS_TYPE);
  });
  after(async () => {
    await stack?.stop();
  });

  test('3 recipients: one createAndDeliver; two decisions at once: one PUT; counted calls in state and result', async () => {
    const since = await lastSeq(stack);
    const policy = {
      mode: 'quorum',
      quorum: 2,
      levels: [{ approvers: ['bob', 'carol', 'dave'], roles: [], channels: ['dingtalk'], afterMs: 0 }],
    };
    assert.equal((await stack.call('POST', '/v1/approvals', ticket('SHARED-1', policy))).status, 201);
    const pending = await eventually(
      () => state(stack, 'SHARED-1'),
      (s) => s.deliveries?.length === 3 && s.deliveries.every((d) => d.status === 'sent'),
    );
    const [first] = pending.deliveries;
    assert.ok(first?.cardRef);
    assert.ok(pending.deliveries.every((d) => d.shared === true && d.cardRef === first.cardRef));
    assert.equal((await dingtalkRequests(stack, 'send', since)).length, 1, 'one createAndDeliver for 3 recipients');
    assert.equal((await dingtalkRequests(stack, 'deliver', since)).length, 0);
    for (const user of ['bob', 'carol', 'dave']) {
      const inbox = await stack.sim.control.inbox('dingtalk', user);
      assert.equal(inbox.filter((m) => JSON.stringify(m.content).includes('SHARED-1')).length, 1, `${user}'s card`);
    }
    assert.equal(pending.platformCalls?.byKind.dingtalk?.byApi.send, 1, 'the send is counted');
    assert.ok((pending.platformCalls?.total ?? 0) >= 1);

    // Two decisions at once settle the quorum: the card is updated once, after both.
    const [bob, carol] = await Promise.all([stack.tokenFor('approver', 'bob'), stack.tokenFor('approver', 'carol')]);
    const answers = await Promise.all([
      stack.call('POST', '/v1/approvals/SHARED-1/decisions', { decision: 'approve' }, bob),
      stack.call('POST', '/v1/approvals/SHARED-1/decisions', { decision: 'approve' }, carol),
    ]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200],
    );
    const done = await eventually(
      () => state(stack, 'SHARED-1'),
      (s) => s.status === 'approved' && s.deliveries.every((d) => d.status === 'updated'),
    );
    const updates = await dingtalkRequests(stack, 'update', since);
    assert.equal(updates.length, 1, 'one PUT card/instances for every recipient');
    assert.deepEqual(
      updates.map((u) => u.method),
      ['PUT'],
    );
    for (const user of ['bob', 'carol', 'dave']) {
      const [card] = (await stack.sim.control.inbox('dingtalk', user)).filter((m) =>
        JSON.stringify(m.content).includes('SHARED-1'),
      );
      assert.match(JSON.stringify(card?.content), /Approved/i, `${user}'s card shows the outcome`);
    }
    const calls = done.platformCalls;
    assert.ok(calls, 'the result carries the counted calls');
    assert.equal(calls.byKind.dingtalk?.byApi.send, 1);
    assert.equal(calls.byKind.dingtalk?.byApi.update, 1);
    assert.equal(
      calls.total,
      Object.values(calls.byApi).reduce((a, b) => a + b, 0),
      'the total is the sum of the kinds',
    );
    const seen = (await stack.sim.control.requests({ platform: 'dingtalk', sinceSeq: String(since) })).length;
    assert.equal(calls.byKind.dingtalk?.total, seen, 'every DingTalk request the simulator saw is counted');
  });

  test('escalation delivers the same instance once; a recipient whose space fails is unreachable with the reason', async () => {
    await stack.sim.control.setUser('dave', { status: { dingtalk: 'out_of_scope' } });
    try {
      const since = await lastSeq(stack);
      const policy = {
        levels: [
          { approvers: ['bob'], roles: [], channels: ['dingtalk'], afterMs: 0 },
          { approvers: ['carol', 'dave'], roles: [], channels: ['dingtalk'], afterMs: 2_000 },
        ],
      };
      assert.equal((await stack.call('POST', '/v1/approvals', ticket('SHARED-2', policy))).status, 201);
      const l2 = await eventually(
        () => state(stack, 'SHARED-2'),
        (s) => s.level === 2 && s.deliveries?.length === 3 && s.deliveries.every((d) => d.status !== 'pending'),
      );
      assert.deepEqual(
        l2.deliveries.map((d) => `${d.userId}/L${d.level}:${d.status}`),
        ['bob/L1:sent', 'carol/L2:sent', 'dave/L2:failed'],
      );
      assert.equal(new Set(l2.deliveries.map((d) => d.cardRef)).size, 1, 'one instance for both rounds');
      assert.equal((await dingtalkRequests(stack, 'send', since)).length, 1, 'created once');
      assert.equal((await dingtalkRequests(stack, 'deliver', since)).length, 1, 'one deliver for the escalation');
      const dave = l2.deliveries.find((d) => d.userId === 'dave');
      assert.equal(dave?.error?.code, 'RECIPIENT_UNREACHABLE');
      assert.match(dave?.error?.message ?? '', /visible range/);
      const unreachable = l2.unreachable.find((u) => u.userId === 'dave');
      assert.match(unreachable?.reason ?? '', /dingtalk: RECIPIENT_UNREACHABLE/);
      assert.deepEqual(
        l2.pendingApprovers,
        ['bob', 'carol', 'dave'],
        'dave still owes a decision (API, other channels)',
      );

      const carol = await stack.tokenFor('approver', 'carol');
      const before = await lastSeq(stack);
      const decided = await stack.call('POST', '/v1/approvals/SHARED-2/decisions', { decision: 'reject' }, carol);
      assert.equal(decided.status, 200);
      const done = await eventually(
        () => state(stack, 'SHARED-2'),
        (s) => s.status === 'rejected' && s.deliveries.filter((d) => d.status === 'updated').length === 2,
      );
      assert.equal((await dingtalkRequests(stack, 'update', before)).length, 1, 'one final PUT for both rounds');
      assert.equal(done.deliveries.find((d) => d.userId === 'dave')?.status, 'failed');
      // createAndDeliver + deliver count as sends; only the outcome is an update (everyone shares the card's nonce,
      // so the escalation binds nothing): 2 + 1 escalation level counted calls.
      assert.equal(done.platformCalls?.byKind.dingtalk?.byApi.send, 2);
      assert.equal(done.platformCalls?.byKind.dingtalk?.byApi.update, 1);
      assert.equal((await dingtalkRequests(stack, 'update', since)).length, 1, 'no PUT at the escalation');
    } finally {
      await stack.sim.control.setUser('dave', { status: { dingtalk: 'active' } });
    }
  });
});
