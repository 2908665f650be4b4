import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApprovalState } from '../../src/domain/state.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../db/databases.js';
import { eventually, startStack, type Stack } from '../support/stack.js';
import { SANDBOX_APPS } from '../support/simulator.js';

type Json = Record<string, unknown>;

const ticket = (ticketId: string) => ({
  ticketId,
  ticketType: 'ticket.admin_flow',
  title: `Grant access (${ticketId})`,
  requester: { userId: 'alice' },
});

const rule = (roles: string[]) => ({
  name: 'Access grants',
  match: { ticketType: 'ticket.admin_flow', event: 'pending_approval' },
  recipients: { roles },
  channels: ['feishu'],
  approval: { mode: 'any' },
  deadline: { afterMs: 3_600_000, outcome: 'expired' },
});

const state = (stack: Stack, id: string) => stack.call<ApprovalState>('GET', `/v1/approvals/${id}`).then((r) => r.body);

for (const kind of databaseKinds()) {
  describe(`admin configures, a ticket system starts, the approval follows the stored rule (${kind})`, () => {
    let database: TestDatabase;
    let stack: Stack;
    before(async () => {
      database = await createTestDatabase(kind);
      stack = await startStack({ DATABASE_URL: database.url });
    });
    after(async () => {
      await stack?.stop();
      await database?.drop();
    });

    test('channel, user and rule over the API; the approval pins its rule version while the rule changes', async () => {
      const dba = await stack.tokenFor('dba', 'dora');
      const channel = await stack.call<Json>(
        'PUT',
        '/v1/channels/feishu',
        {
          kind: 'feishu',
          enabled: true,
          config: { appId: SANDBOX_APPS.feishu.appId, baseUrl: `${stack.sim.url}/feishu`, maxSendsPerSecond: 10 },
        },
        dba,
      );
      assert.equal(channel.status, 200, 'the seeded channel is reconfigured; its secrets are kept');
      const shown = await stack.call<Json>('GET', '/v1/channels/feishu', undefined, dba);
      assert.equal(JSON.stringify(shown.body).includes(SANDBOX_APPS.feishu.appSecret), false, 'GET shows no secret');
      assert.equal(((shown.body.secrets as Json).appSecret as Json).masked, '••••cret');

      const dave = await stack.call(
        'PUT',
        '/v1/users/dave',
        { name: 'Dave Zhang', mobile: '+8613800000004', roles: ['security-review'] },
        dba,
      );
      assert.equal(dave.status, 200);
      const created = await stack.call<{ id: string; ruleVersion: string }>(
        'POST',
        '/v1/rules',
        rule(['security-review']),
        dba,
      );
      assert.equal(created.status, 201);

      const system = await stack.tokenFor('ticket-system', 'tickets');
      assert.equal((await stack.call('POST', '/v1/approvals', ticket('ADM-1'), system)).status, 201);
      const first = await eventually(
        () => state(stack, 'ADM-1'),
        (s) => s.deliveries?.some((d) => d.status === 'sent'),
      );
      assert.equal(first.ruleVersion, created.body.ruleVersion);
      assert.deepEqual(
        first.recipients.map((r) => [r.userId, r.channels.map((c) => c.kind)]),
        [['dave', ['feishu']]],
      );

      const changed = await stack.call<{ ruleVersion: string }>(
        'PUT',
        `/v1/rules/${created.body.id}`,
        { ...rule(['dba']), version: 1 },
        dba,
      );
      assert.equal(changed.status, 200);
      assert.equal((await stack.call('POST', '/v1/approvals', ticket('ADM-2'), system)).status, 201);
      const second = await eventually(
        () => state(stack, 'ADM-2'),
        (s) => s.deliveries?.some((d) => d.status === 'sent'),
      );
      assert.equal(second.ruleVersion, changed.body.ruleVersion);
      assert.deepEqual(second.recipients.map((r) => r.userId).sort(), ['bob', 'carol']);

      const still = await state(stack, 'ADM-1');
      assert.equal(
        still.ruleVersion,
        created.body.ruleVersion,
        'the running approval keeps the version it started with',
      );
      const decided = await stack.call<{ outcome: string }>(
        'POST',
        '/v1/approvals/ADM-1/decisions',
        { decision: 'approve' },
        await stack.tokenFor('approver', 'dave'),
      );
      assert.equal(decided.body.outcome, 'applied', 'dave is still an approver of ADM-1 under its pinned rule');
      await eventually(
        () => state(stack, 'ADM-1'),
        (s) => s.status === 'approved',
      );
    });
  });
}
