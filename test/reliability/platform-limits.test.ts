/**
 * Platform faults not covered by test/e2e/platform-faults.e2e.test.ts: access tokens expiring mid-run (retried with
 * a fresh token, nothing lost, nothing doubled) and a monthly API quota used up (not retried forever: surfaced on
 * the delivery with its error, while the other platforms deliver).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  approvalState,
  cardOf,
  KINDS,
  startCallbackStack,
  ticket,
  type CallbackStack,
} from '../callbacks/callback-stack.js';
import { SANDBOX_APPS } from '../support/simulator.js';
import { eventually } from '../support/stack.js';

describe('platform limits mid-run', () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack();
  });
  after(async () => {
    await stack?.stop();
  });

  test('tokens expire mid fan-out on every platform: every card still arrives exactly once', async () => {
    assert.equal((await stack.call('POST', '/v1/approvals', ticket('TOK-1'))).status, 201);
    await eventually(
      () => approvalState(stack, 'TOK-1'),
      (s) => (s.deliveries ?? []).some((d) => d.status === 'sent'),
    );
    await stack.sim.control.expireTokens();
    assert.equal((await stack.call('POST', '/v1/approvals', ticket('TOK-2'))).status, 201);
    await stack.sim.control.expireTokens();
    for (const id of ['TOK-1', 'TOK-2']) {
      await eventually(
        () => approvalState(stack, id),
        (s) => s.deliveries?.filter((d) => d.status === 'sent').length === 8,
        60_000,
      );
      for (const kind of KINDS) for (const user of ['bob', 'carol']) await cardOf(stack, kind, user, id);
    }
  });

  test('monthly quota used up on Lark: the Lark cards fail with a named error (not retried forever), the rest deliver', async () => {
    const appId = SANDBOX_APPS.lark.appId;
    await stack.sim.control.setApp('lark', appId, { monthlyQuota: 1, quotaUsed: 1 });
    try {
      assert.equal((await stack.call('POST', '/v1/approvals', ticket('QUOTA-1'))).status, 201);
      const s = await eventually(
        () => approvalState(stack, 'QUOTA-1'),
        (st) =>
          st.deliveries?.length === 8 &&
          st.deliveries.every((d) => (d.kind === 'lark' ? d.status === 'failed' : d.status === 'sent')),
        60_000,
      );
      for (const d of s.deliveries.filter((x) => x.kind === 'lark'))
        assert.ok(d.error?.message, `the failure is named: ${JSON.stringify(d)}`);
    } finally {
      await stack.sim.control.setApp('lark', appId, { monthlyQuota: null, quotaUsed: 0 });
    }
  });
});
