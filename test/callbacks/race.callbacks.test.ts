/**
 * Two approvers click at the same moment on different platforms, one Approve and one Reject: exactly one outcome,
 * the other clicker is told who decided, and every card on every platform shows the same outcome.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimClickResult } from '../../sim/core/clicks.js';
import { eventually } from '../support/stack.js';
import {
  allCardsShow,
  approvalState,
  cardOf,
  click,
  KINDS,
  startCallbackStack,
  startTicket,
  viewOf,
  type CallbackStack,
} from './callback-stack.js';

/** What the clicker was told: the Feishu toast, or the DingTalk status line. */
function toldOf(result: SimClickResult): string {
  const body = JSON.parse(result.answer.body) as {
    toast?: { content: string };
    cardData?: { cardParamMap: { statusText?: string } };
  };
  return body.toast?.content ?? body.cardData?.cardParamMap.statusText ?? '';
}

describe('approve and reject racing from two approvers', () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack();
  });
  after(async () => {
    await stack?.stop();
  });

  for (const [round, approveOn, rejectOn] of [
    [1, 'feishu', 'dingtalk'],
    [2, 'dingtalk-exclusive', 'lark'],
    [3, 'lark', 'feishu'],
  ] as const) {
    test(`round ${round}: bob approves on ${approveOn}, carol rejects on ${rejectOn} → exactly one outcome`, async () => {
      const ticketId = `RACE-${round}`;
      await startTicket(stack, ticketId);
      const bobsCard = await cardOf(stack, approveOn, 'bob', ticketId);
      const carolsCard = await cardOf(stack, rejectOn, 'carol', ticketId);
      const [bob, carol] = await Promise.all([
        click(stack, approveOn, bobsCard, 'bob', 'approve'),
        click(stack, rejectOn, carolsCard, 'carol', 'reject'),
      ]);
      assert.equal(bob.answer.status, 200);
      assert.equal(carol.answer.status, 200);

      const done = await eventually(
        () => approvalState(stack, ticketId),
        (s) => s.status !== 'pending' && s.deliveries.every((d) => d.status === 'updated'),
      );
      assert.equal(done.decisions.length, 1, 'one decision counted');
      const winner = done.outcome?.by?.userId;
      const expected = done.status === 'approved' ? 'Approved by Bob Li' : 'Rejected by Carol Wang';
      assert.equal(winner, done.status === 'approved' ? 'bob' : 'carol');
      const [won, lost] = winner === 'bob' ? [bob, carol] : [carol, bob];
      assert.match(toldOf(won), /^You (approved|rejected) this request$|^(Approved|Rejected) by /);
      assert.match(toldOf(lost), new RegExp(`${expected.slice(1)}`), 'the other clicker is told who decided');

      await allCardsShow(stack, ticketId, expected);
      const other = expected.startsWith('Approved') ? 'Rejected by' : 'Approved by';
      for (const kind of KINDS) {
        for (const user of ['bob', 'carol']) {
          assert.doesNotMatch(await viewOf(stack, kind, user, ticketId), new RegExp(other), `${user} on ${kind}`);
        }
      }
    });
  }
});
