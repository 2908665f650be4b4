import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CHANNEL_KINDS, type ChannelKind } from '../../src/domain/channel.js';
import type { ApprovalState } from '../../src/domain/state.js';
import { eventually, startStack, type Stack } from '../support/stack.js';

const state = (stack: Stack, ticketId: string) =>
  stack.call<ApprovalState>('GET', `/v1/approvals/${ticketId}`).then((r) => r.body);

async function cardCount(stack: Stack, kind: ChannelKind, user: string, ticketId: string): Promise<number> {
  const inbox = await stack.sim.control.inbox(kind, user);
  return inbox.filter((m) => m.msgType !== 'text' && JSON.stringify(m.content).includes(ticketId)).length;
}

function ticket(ticketId: string) {
  return {
    ticketId,
    ticketType: 'ticket.data_export',
    title: `Export (${ticketId})`,
    requester: { userId: 'alice' },
  };
}

describe('platform faults: retried where retryable, surfaced where not, never a duplicate card', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  test('a storm of 429s, 5xx and dropped connections: every card still arrives exactly once', async () => {
    const { control } = stack.sim;
    await control.addFault({
      platform: 'feishu',
      path: '/im/v1/messages',
      kind: 'rate-limit',
      resetSeconds: 1,
      count: 3,
    });
    await control.addFault({ platform: 'feishu', path: '/im/v1/messages', kind: 'error', status: 500, count: 2 });
    await control.addFault({ platform: 'lark', path: '/im/v1/messages', kind: 'reset', count: 2 });
    await control.addFault({ platform: 'dingtalk', path: 'createAndDeliver', kind: 'error', status: 503, count: 2 });
    await control.addFault({
      platform: 'dingtalk-exclusive',
      path: 'createAndDeliver',
      kind: 'rate-limit',
      count: 2,
    });

    assert.equal((await stack.call('POST', '/v1/approvals', ticket('STORM-1'))).status, 201);
    const settled = await eventually(
      () => state(stack, 'STORM-1'),
      (s) => s.deliveries?.length === 8 && s.deliveries.every((d) => d.status === 'sent'),
      60_000,
    );
    assert.equal(settled.deliveries.length, 8);
    for (const kind of CHANNEL_KINDS) {
      for (const user of ['bob', 'carol']) {
        assert.equal(await cardCount(stack, kind, user, 'STORM-1'), 1, `${user}: exactly one ${kind} card`);
      }
    }
    const throttled = await control.requests({ platform: 'feishu', api: 'send' });
    assert.ok(
      throttled.some((r) => r.status === 429),
      'the platform really answered 429 and the send was retried after it',
    );
    assert.equal((await control.call<unknown[]>('GET', '/faults')).length, 0, 'every injected fault was hit');
  });

  test('bad credentials: a non-retryable failure shown on the approval, not retried forever', async () => {
    // The admin rotated the Lark app secret in the console but not here; the old token then expires.
    await stack.sim.control.setApp('lark', 'cli_sim_lark_0001', { appSecret: 'rotated-in-the-console' });
    await stack.sim.control.expireTokens({ platform: 'lark' });
    assert.equal((await stack.call('POST', '/v1/approvals', ticket('CREDS-1'))).status, 201);
    const s = await eventually(
      () => state(stack, 'CREDS-1'),
      (st) => st.deliveries?.length === 8 && st.deliveries.every((d) => d.status !== 'pending'),
      30_000,
    );
    const lark = s.deliveries.filter((d) => d.kind === 'lark');
    assert.deepEqual(lark.map((d) => [d.userId, d.status, d.error?.code]).sort(), [
      ['bob', 'failed', 'AUTH_INVALID'],
      ['carol', 'failed', 'AUTH_INVALID'],
    ]);
    assert.equal(s.deliveries.filter((d) => d.status === 'sent').length, 6, 'the other platforms are unaffected');
    assert.equal(await cardCount(stack, 'lark', 'bob', 'CREDS-1'), 0);

    const tokenCalls = (await stack.sim.control.requests({ platform: 'lark', api: 'token' })).filter(
      (r) => r.status === 200 && r.vendorCode === 10014,
    );
    assert.ok(tokenCalls.length > 0 && tokenCalls.length <= 4, `token attempts are bounded (${tokenCalls.length})`);
    for (const st of JSON.stringify(s).match(/rotated-in-the-console/g) ?? []) assert.fail(`secret leaked: ${st}`);
  });
});
