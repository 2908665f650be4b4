import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { SimMessage } from '../../sim/core/inbox.js';
import { CHANNEL_KINDS, type ChannelKind } from '../../src/domain/channel.js';
import type { ApprovalResult, ApprovalState } from '../../src/domain/state.js';
import { eventually, startStack, type Stack } from '../support/stack.js';

/** The cards of one ticket in one user's inbox on one platform. */
async function cardsOf(stack: Stack, kind: ChannelKind, user: string, ticketId: string): Promise<SimMessage[]> {
  const inbox = await stack.sim.control.inbox(kind, user);
  return inbox.filter((m) => m.msgType !== 'text' && JSON.stringify(m.content).includes(ticketId));
}

const state = (stack: Stack, ticketId: string) =>
  stack.call<ApprovalState & ApprovalResult>('GET', `/v1/approvals/${ticketId}`).then((r) => r.body);

function ticket(ticketId: string, extra: Record<string, unknown> = {}) {
  return {
    ticketId,
    ticketType: 'ticket.data_export',
    title: `Export orders (${ticketId})`,
    requester: { userId: 'alice', name: 'Alice Chen' },
    fields: [
      { label: 'Database', value: 'orders_prod' },
      { label: 'Rows', value: '12000' },
    ],
    ...extra,
  };
}

describe('an approval end to end: API → worker (plugins only) → simulator over HTTP → decision → every card', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  test('cards reach every approver on all four channel kinds; an approval over the API updates all of them', async () => {
    const start = await stack.call<{ workflowId: string; runId: string }>('POST', '/v1/approvals', ticket('E2E-1'));
    assert.equal(start.status, 201);
    assert.equal(start.body.workflowId, 'approval:default:E2E-1');

    // dba role → bob and carol; the requester alice is never asked.
    const pending = await eventually(
      () => state(stack, 'E2E-1'),
      (s) => s.deliveries?.filter((d) => d.status === 'sent').length === 8,
    );
    assert.deepEqual(pending.recipients.map((r) => r.userId).sort(), ['bob', 'carol']);
    for (const kind of CHANNEL_KINDS) {
      for (const user of ['bob', 'carol']) {
        assert.equal((await cardsOf(stack, kind, user, 'E2E-1')).length, 1, `${user} has one ${kind} card`);
      }
      assert.equal((await cardsOf(stack, kind, 'alice', 'E2E-1')).length, 0, `the requester gets no ${kind} card`);
    }

    const again = await stack.call<{ runId: string }>('POST', '/v1/approvals', ticket('E2E-1'));
    assert.equal(again.status, 200, 'the same ticket again returns the existing run');
    assert.equal(again.body.runId, start.body.runId);

    const bob = await stack.tokenFor('approver', 'bob');
    const decided = await stack.call<{ outcome: string; status: string }>(
      'POST',
      '/v1/approvals/E2E-1/decisions',
      { decision: 'approve', comment: 'fine' },
      bob,
    );
    assert.equal(decided.status, 200);
    assert.equal(decided.body.outcome, 'applied');

    const done = await eventually(
      () => state(stack, 'E2E-1'),
      (s) => s.status === 'approved' && s.deliveries.every((d) => d.status === 'updated'),
    );
    assert.equal(done.outcome?.by?.userId, 'bob');
    for (const kind of CHANNEL_KINDS) {
      for (const user of ['bob', 'carol']) {
        const [card] = await cardsOf(stack, kind, user, 'E2E-1');
        assert.ok(card, `${user}'s ${kind} card`);
        assert.ok(
          card.history.some((h) => h.source === 'update'),
          `${user}'s ${kind} card was updated to the outcome`,
        );
        assert.match(JSON.stringify(card.content), /Approved/i, `${user}'s ${kind} card shows the outcome`);
      }
    }

    const late = await stack.call<{ outcome: string }>(
      'POST',
      '/v1/approvals/E2E-1/decisions',
      { decision: 'reject' },
      await stack.tokenFor('approver', 'carol'),
    );
    assert.equal(late.status, 200);
    assert.equal(late.body.outcome, 'already_decided');
  });

  test('the outcome is POSTed to the ticket system, signed with HMAC-SHA256 over the raw body', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/approvals`;
      assert.equal((await stack.call('POST', '/v1/approvals', ticket('E2E-2', { callbackUrl: url }))).status, 201);
      await eventually(
        () => state(stack, 'E2E-2'),
        (s) => s.deliveries?.length === 8,
      );
      const withdrawn = await stack.call('POST', '/v1/approvals/E2E-2/withdraw', { reason: 'ticket cancelled' });
      assert.equal(withdrawn.status, 200);
      const [call] = await eventually(
        () => Promise.resolve(received),
        (r) => r.length > 0,
      );
      assert.ok(call);
      const ts = String(call.headers['x-approvals-timestamp']);
      const expected = `sha256=${createHmac('sha256', stack.webhookSecret).update(`${ts}.${call.body}`).digest('hex')}`;
      assert.equal(call.headers['x-approvals-signature'], expected);
      const payload = JSON.parse(call.body) as { approval: ApprovalResult };
      assert.equal(payload.approval.status, 'withdrawn');
      assert.equal(payload.approval.ticketId, 'E2E-2');
    } finally {
      hook.close();
    }
  });
});
