/**
 * No call for an unchanged card: the answer to the settling Feishu / Lark click already shows the clicker their card
 * in its final state, so the workflow does not PATCH that card again once the API confirms the platform had the
 * answer in time. Without that confirmation the card gets its update as always. Whole stack, the simulator's
 * request log is what the platform saw.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChannelKind } from '../../src/domain/channel.js';
import type { ApprovalState, Delivery } from '../../src/domain/state.js';
import { eventually } from '../support/stack.js';
import {
  allCardsShow,
  approvalState,
  cardOf,
  click,
  startCallbackStack,
  startTicket,
  withPlatformClockOff,
  type CallbackStack,
} from './callback-stack.js';

describe('the settling click answer shows the clicker the outcome: no update call for that card', () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack();
  });
  after(async () => {
    await stack?.stop();
  });

  /** Feishu / Lark PATCHes (`update`) the platform received, per message id. */
  async function patchedMessages(kind: ChannelKind, sinceSeq: number): Promise<string[]> {
    const updates = await stack.sim.control.requests({ platform: kind, api: 'update', sinceSeq: String(sinceSeq) });
    return updates.map((r) => decodeURIComponent(r.path.split('/messages/')[1] ?? ''));
  }

  async function lastSeq(): Promise<number> {
    return (await stack.sim.control.requests()).at(-1)?.seq ?? 0;
  }

  /** Waits until every delivery is settled (updated or update_failed): the final round is over. */
  function settled(ticketId: string): Promise<ApprovalState> {
    return eventually(
      () => approvalState(stack, ticketId),
      (s) =>
        s.status !== 'pending' && s.deliveries.every((d) => d.status === 'updated' || d.status === 'update_failed'),
    );
  }

  const deliveryOf = (s: ApprovalState, userId: string, kind: ChannelKind): Delivery => {
    const found = s.deliveries.find((d) => d.userId === userId && d.kind === kind);
    assert.ok(found, `${userId} has a ${kind} delivery`);
    return found;
  };

  for (const { kind, mode } of [
    { kind: 'feishu', mode: undefined },
    { kind: 'lark', mode: undefined },
    { kind: 'feishu', mode: 'legacy' },
  ] as const) {
    test(`${kind}${mode ? ` (${mode} callback)` : ''}: the clicker's card is not PATCHed, every other card is`, async () => {
      const ticketId = `ANS-${kind}-${mode ?? 'v2'}`;
      await startTicket(stack, ticketId);
      const since = await lastSeq();
      const card = await cardOf(stack, kind, 'bob', ticketId);
      const result = await click(stack, kind, card, 'bob', 'approve', mode);
      assert.equal(result.record.cardApplied, true, 'the platform showed the answer card to bob');

      const done = await settled(ticketId);
      assert.equal(done.status, 'approved');
      const bobs = deliveryOf(done, 'bob', kind);
      assert.equal(bobs.cardRef, card.id);
      assert.equal(bobs.status, 'updated');
      assert.equal(bobs.shownByClickAnswer, true);
      const others = done.deliveries.filter((d) => d !== bobs);
      assert.equal(others.length, 7);
      assert.ok(others.every((d) => d.status === 'updated' && d.shownByClickAnswer === undefined));

      const patched = await patchedMessages(kind, since);
      assert.ok(!patched.includes(card.id), `no PATCH of bob's ${kind} card (${patched.join(', ')})`);
      const carols = deliveryOf(done, 'carol', kind);
      assert.deepEqual(patched, [carols.cardRef], "only carol's card on that platform was PATCHed");
      assert.equal(done.platformCalls?.byKind[kind]?.byApi.update, 1, 'one update call counted on that platform');
      await allCardsShow(stack, ticketId, 'Approved by Bob Li');
    });
  }

  test('when the answer cannot be vouched for (sent 2.5 s before it reached us), the card is PATCHed as usual', async () => {
    const ticketId = 'ANS-LATE';
    await startTicket(stack, ticketId);
    const since = await lastSeq();
    const card = await cardOf(stack, 'feishu', 'bob', ticketId);
    // The platform's clock is 2.5 s behind: its request looks 2.5 s old, too late for the answer to count as shown.
    await withPlatformClockOff(stack, -2_500, () => click(stack, 'feishu', card, 'bob', 'reject'));

    const done = await settled(ticketId);
    assert.equal(done.status, 'rejected');
    const bobs = deliveryOf(done, 'bob', 'feishu');
    assert.equal(bobs.status, 'updated');
    assert.equal(bobs.shownByClickAnswer, undefined);
    assert.ok((await patchedMessages('feishu', since)).includes(card.id), "bob's card was PATCHed");
    assert.equal(done.platformCalls?.byKind.feishu?.byApi.update, 2);
    await allCardsShow(stack, ticketId, 'Rejected by Bob Li');
  });

  test('a decision through the API (no click answer) updates every card without waiting', async () => {
    const ticketId = 'ANS-API';
    await startTicket(stack, ticketId);
    const since = await lastSeq();
    const carol = await stack.tokenFor('approver', 'carol');
    const res = await stack.call('POST', `/v1/approvals/${ticketId}/decisions`, { decision: 'approve' }, carol);
    assert.ok(res.status === 200 || res.status === 202, JSON.stringify(res.body));
    const done = await settled(ticketId);
    assert.ok(done.deliveries.every((d) => d.status === 'updated' && d.shownByClickAnswer === undefined));
    assert.equal((await patchedMessages('feishu', since)).length, 2);
  });
});
