/**
 * A shared DingTalk card clicked by its second recipient: the simulator's signed callback carries that recipient's own
 * nonce (their privateData), and our callback handler verifies it against the approval (whole stack, real HTTP).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import type { SimClickResult } from '../../sim/core/clicks.js';
import type { SimMessage } from '../../sim/core/inbox.js';
import { createDingtalkProvider } from '../../src/channels/dingtalk/index.js';
import type { SharedCardRecipient } from '../../src/channels/provider.js';
import type { ApprovalCard } from '../../src/domain/card.js';
import type { ApprovalState } from '../../src/domain/state.js';
import { cardNonce } from '../../src/workflows/approval-cards.js';
import {
  approvalState,
  postCallback,
  startCallbackStack,
  ticket,
  withCallbacksParked,
  type CallbackStack,
} from '../callbacks/callback-stack.js';
import { eventually } from '../support/stack.js';

interface DingtalkAnswer {
  cardData?: { cardParamMap: Record<string, string> };
}

describe('a shared DingTalk card: each recipient clicks with their own nonce', () => {
  let stack: CallbackStack;
  const dispatcher = new Agent({ connections: 4 });
  before(async () => {
    stack = await startCallbackStack();
  });
  after(async () => {
    await stack?.stop();
    await dispatcher.close();
  });

  test('the second recipient’s click carries her nonce and decides; a swapped clicker does not', async () => {
    const ticketId = 'DT-SHARED-1';
    const started = await stack.call('POST', '/v1/approvals', ticket(ticketId));
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const dingtalkIdOf = (s: ApprovalState, user: string) =>
      s.recipients.find((r) => r.userId === user)?.channels.find((c) => c.kind === 'dingtalk')?.platformUserId;
    const state = await eventually(
      () => approvalState(stack, ticketId),
      (s) => Boolean(s.recipients && dingtalkIdOf(s, 'bob') && dingtalkIdOf(s, 'carol')),
    );

    // The shared instance, sent by the provider itself to bob and carol, each with the nonce bound to them.
    const stored = await stack.deps.channelSource.load('dingtalk');
    const provider = createDingtalkProvider('dingtalk', stored?.config, dispatcher);
    const recipients: SharedCardRecipient[] = ['bob', 'carol'].map((user) => ({
      userId: user,
      name: user,
      platformUserId: dingtalkIdOf(state, user) ?? '',
      nonce: cardNonce(state.workflowId, user, 'dingtalk'),
    }));
    const card: ApprovalCard = {
      tenant: state.tenant,
      ticketId,
      ticketType: 'ticket.data_export',
      title: 'Export orders (shared)',
      requesterName: 'Alice Chen',
      fields: [],
      deadlineAt: state.deadlines.finalDeadlineAt,
      status: 'pending',
      level: 1,
      nonce: 'unused',
    };
    const outTrackId = `ab-shared-${Date.now()}`;
    const delivery = await provider.sendSharedCard({ card, recipients, idempotencyKey: outTrackId });
    assert.ok(
      delivery.results.every((r) => r.delivered),
      JSON.stringify(delivery.results),
    );
    const sharedCardOf = async (user: string): Promise<SimMessage> => {
      const inbox = await stack.sim.control.inbox('dingtalk', user);
      const found = inbox.find((m) => m.meta.outTrackId === outTrackId);
      assert.ok(found, `${user} has the shared card`);
      return found;
    };
    const clickAs = (message: SimMessage, user: string, action: 'approve' | 'reject') =>
      stack.sim.control.click<SimClickResult>({ platform: 'dingtalk', messageId: message.id, userId: user, action });
    const bobsCard = await sharedCardOf('bob');
    const carolsCard = await sharedCardOf('carol');
    assert.equal(bobsCard.meta.outTrackId, carolsCard.meta.outTrackId, 'one instance');

    // Bob's genuine Reject, kept; sent again as if carol had pressed bob's button: bob's nonce is not carol's. (Reject,
    // because a DingTalk click's event id is outTrackId + clicker + action: the same action would be a replay.)
    const bobs = await withCallbacksParked(stack, 'dingtalk', () => clickAs(bobsCard, 'bob', 'reject'));
    const bobId = recipients[0]?.platformUserId ?? '';
    const carolId = recipients[1]?.platformUserId ?? '';
    assert.match(bobs.request.body, new RegExp(recipients[0]?.nonce ?? 'missing'));
    const swapped = bobs.request.body.replace(`"userId":"${bobId}"`, `"userId":"${carolId}"`);
    assert.notEqual(swapped, bobs.request.body);
    const refused = await postCallback(`${stack.apiUrl}/callbacks/dingtalk`, bobs.request.headers, swapped);
    assert.equal(refused.status, 200);
    assert.equal(
      (refused.body as DingtalkAnswer).cardData?.cardParamMap.statusText,
      'You are not an approver of this ticket',
    );
    assert.deepEqual((await approvalState(stack, ticketId)).decisions, []);

    // Carol presses Approve on her copy of the same instance: her own nonce, verified, decides.
    const result = await clickAs(carolsCard, 'carol', 'approve');
    assert.match(result.request.body, new RegExp(recipients[1]?.nonce ?? 'missing'));
    assert.doesNotMatch(result.request.body, new RegExp(recipients[0]?.nonce ?? 'missing'));
    assert.equal(result.answer.status, 200);
    assert.match(
      (JSON.parse(result.answer.body) as DingtalkAnswer).cardData?.cardParamMap.statusText ?? '',
      /^Approved by Carol/,
    );
    const done = await approvalState(stack, ticketId);
    assert.equal(done.status, 'approved');
    assert.deepEqual(
      done.decisions.map((d) => [d.userId, d.via]),
      [['carol', 'dingtalk']],
    );
  });
});
