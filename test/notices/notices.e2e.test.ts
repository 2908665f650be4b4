/**
 * Every event notifies the people its rule names, end to end: the real dev server, the worker made of the service's
 * plugins, the API over HTTP and the platform simulator over HTTP. The rules here deliver on every channel, so each
 * notice is checked on all four platforms (one message per person × platform, none twice).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NoticeState } from '../../src/domain/notice-state.js';
import { eventually, startStack, type Stack } from '../support/stack.js';
import { assertToldOnce, finished, noticesOf, tellRule, ticketEvent } from './support.js';

const TYPE = 'ticket.notice_e2e';

describe('notices for every event, on all four platforms', () => {
  let stack: Stack;
  let bob: string;
  let carol: string;
  let jira: string;

  before(async () => {
    stack = await startStack();
    bob = await stack.tokenFor('approver', 'bob');
    carol = await stack.tokenFor('approver', 'carol');
    jira = await stack.tokenFor('ticket-system', 'jira');
    const approval = {
      id: 'e2e-approval',
      name: 'Approval with reminders, an escalation and a short deadline',
      match: { ticketType: TYPE, event: 'pending_approval' },
      recipients: { roles: ['dba'], additionalUsers: ['dave'], relative: ['requester'] },
      deliverTo: 'every-channel',
      approval: { mode: 'any' },
      reminders: { everyMs: 2_000, max: 1 },
      escalations: [{ afterMs: 4_000, recipients: { users: ['dave'] } }],
      deadline: { afterMs: 8_000, outcome: 'expired' },
    };
    const defined = await stack.call('PUT', '/v1/event-states/archived', { label: 'Archived' });
    assert.equal(defined.status, 201, JSON.stringify(defined.body));
    const rules = [
      approval,
      tellRule('e2e-reminder', TYPE, 'reminder', { relative: ['requester'] }),
      tellRule('e2e-escalated', TYPE, 'escalated', { relative: ['requester'] }),
      ...['approved', 'rejected', 'expired', 'withdrawn'].map((event) =>
        tellRule(`e2e-${event}`, TYPE, event, { relative: ['requester', 'approvers'] }),
      ),
      ...['executing', 'executed', 'execution_failed', 'closed', 'cancelled', 'archived'].map((event) =>
        tellRule(`e2e-${event}`, TYPE, event, { relative: ['requester', 'approvers'] }),
      ),
    ];
    for (const rule of rules) {
      const res = await stack.call('POST', '/v1/rules', rule);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });
  after(async () => {
    await stack?.stop();
  });

  const start = async (ticketId: string) => {
    const res = await stack.call(
      'POST',
      '/v1/approvals',
      {
        ticketId,
        ticketType: TYPE,
        title: `Export orders (${ticketId})`,
        requester: { userId: 'alice', name: 'Alice Chen' },
        fields: [{ label: 'Rows', value: '12,000' }],
      },
      jira,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };
  const pending = (ticketId: string) =>
    eventually(
      () => stack.call<{ deliveries?: { status: string }[] }>('GET', `/v1/approvals/${ticketId}`),
      (r) => (r.body.deliveries ?? []).filter((d) => d.status === 'sent').length === 8,
    );

  test('requested, reminder, escalated and expired: the requester, the additional user and those asked', async () => {
    await start('NE-1');
    const requested = await finished(stack, 'approval:NE-1:pending_approval');
    assert.equal(requested.status, 'delivered', JSON.stringify(requested));
    assert.equal(requested.ruleVersion, 'e2e-approval@v1');
    assert.deepEqual(requested.recipients.map((r) => r.userId).sort(), ['alice', 'dave'], 'not bob or carol');
    await assertToldOnce(stack, ['alice', 'dave'], 'NE-1', 'Approval requested');
    for (const kind of ['feishu', 'dingtalk'] as const) {
      assert.equal((await noticesOf(stack, kind, 'bob', 'NE-1')).length, 0, 'bob got the approval card only');
    }

    const reminded = await finished(stack, 'approval:NE-1:reminder:1');
    assert.equal(reminded.status, 'delivered');
    await assertToldOnce(stack, ['alice'], 'NE-1', 'Reminder 1: still waiting for Bob Li and Carol Wang');

    const escalated = await finished(stack, 'approval:NE-1:escalated:2');
    assert.equal(escalated.status, 'delivered');
    await assertToldOnce(stack, ['alice'], 'NE-1', 'Now also asked: Dave Zhang');

    const expired = await finished(stack, 'approval:NE-1:expired', 20_000);
    assert.equal(expired.status, 'delivered');
    assert.deepEqual(expired.recipients.map((r) => r.userId).sort(), ['alice', 'bob', 'carol', 'dave']);
    await assertToldOnce(stack, ['alice', 'bob', 'carol', 'dave'], 'NE-1', 'Expired: no decision in time');
  });

  test('approved, rejected (with the comment) and withdrawn: the requester and the approvers it is about', async () => {
    await Promise.all(['NE-2', 'NE-3', 'NE-4'].map(start));
    await Promise.all(['NE-2', 'NE-3', 'NE-4'].map(pending));
    assert.equal((await stack.call('POST', '/v1/approvals/NE-2/decisions', { decision: 'approve' }, bob)).status, 200);
    const rejection = { decision: 'reject', comment: 'not before the audit' };
    assert.equal((await stack.call('POST', '/v1/approvals/NE-3/decisions', rejection, carol)).status, 200);
    const withdrawal = await stack.call('POST', '/v1/approvals/NE-4/withdraw', { reason: 'duplicate' }, jira);
    assert.equal(withdrawal.status, 200, JSON.stringify(withdrawal.body));

    const approved = await finished(stack, 'approval:NE-2:approved');
    assert.deepEqual(approved.recipients.map((r) => r.userId).sort(), ['alice', 'bob'], 'bob decided it');
    await assertToldOnce(stack, ['alice', 'bob'], 'NE-2', 'Approved by Bob Li');

    const rejected = await finished(stack, 'approval:NE-3:rejected');
    assert.deepEqual(rejected.recipients.map((r) => r.userId).sort(), ['alice', 'carol']);
    await assertToldOnce(stack, ['alice', 'carol'], 'NE-3', 'Reason: not before the audit');

    const withdrawn = await finished(stack, 'approval:NE-4:withdrawn');
    assert.deepEqual(withdrawn.recipients.map((r) => r.userId).sort(), ['alice', 'bob', 'carol'], 'those asked');
    await assertToldOnce(stack, ['alice', 'bob', 'carol'], 'NE-4', 'Reason: duplicate');
    for (const notice of [approved, rejected, withdrawn]) {
      assert.equal(notice.status, 'delivered');
      assert.equal(notice.deliveries.length, notice.recipients.length * 4, 'one delivery per person × platform');
    }
  });

  test('every ticket state the ticket system reports, documented or the tenant’s own, tells them too', async () => {
    // NE-2 was approved by bob: he is the approver these events are about.
    const states = ['executing', 'executed', 'execution_failed', 'closed', 'cancelled', 'archived'];
    for (const state of states) {
      const note = state === 'execution_failed' ? { note: 'statement timeout after 300 s' } : {};
      const res = await stack.call<NoticeState>(
        'POST',
        '/v1/events',
        ticketEvent(`ne2-${state}`, 'NE-2', TYPE, state, note),
        jira,
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.ruleVersion, `e2e-${state}@v1`, 'the rule is matched and pinned at once');
    }
    const labels = ['Executing', 'Executed', 'Execution failed', 'Closed', 'Cancelled', 'Archived'];
    for (const [i, state] of states.entries()) {
      const notice = await finished(stack, `ne2-${state}`);
      assert.equal(notice.status, 'delivered', JSON.stringify(notice));
      assert.deepEqual(notice.recipients.map((r) => r.userId).sort(), ['alice', 'bob']);
      assert.equal(notice.source, 'ticket-system');
      await assertToldOnce(stack, ['alice', 'bob'], 'NE-2', labels[i] ?? state);
    }
    await assertToldOnce(stack, ['alice'], 'NE-2', 'Note: statement timeout after 300 s');
    const list = await stack.call<{ events: { eventId: string }[] }>('GET', '/v1/events?ticketId=NE-2');
    assert.deepEqual(
      list.body.events.map((e) => e.eventId).sort(),
      ['approval:NE-2:approved', 'approval:NE-2:pending_approval', ...states.map((s) => `ne2-${s}`)].sort(),
    );
  });
});
