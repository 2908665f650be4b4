/**
 * What operators see in the Temporal UI, read back from a real run through the Temporal client: search attributes
 * kept current as the approval moves, the run's summary and details, the current-details line, and summaries on
 * activities and timers in its history.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import {
  ApprovalStatusKey,
  EscalationLevelKey,
  PendingApproversKey,
  RequesterKey,
  TicketIdKey,
  TicketTypeKey,
} from '../../src/domain/search-attributes.js';
import { eventually, startStack, type Stack } from '../support/stack.js';

const TICKET = 'OPS-VIS-1';
// Bob now; Dave 1.5 s later (a real escalation on the dev server); the deadline far away.
const policy = {
  mode: 'any',
  levels: [
    { approvers: ['bob'], channels: ['feishu'] },
    { approvers: ['dave'], channels: ['feishu'], afterMs: 1500 },
  ],
  deadlineMs: 3_600_000,
  onDeadline: 'expired',
};

/** The filters the README's "Operators" section shows; each must be a query the server accepts. */
const README_FILTERS = [
  `TicketId = "${TICKET}"`,
  'ApprovalStatus = "pending" AND EscalationLevel > 1',
  'PendingApprovers = "bob"',
  'TicketType = "ticket.data_export" AND ApprovalStatus = "expired"',
  'Requester = "alice" AND ApprovalStatus IN ("approved", "rejected")',
  'ApprovalStatus = "pending" AND PendingApprovers IS NULL',
];

const text = (p: Payload | null | undefined): string =>
  p ? String(defaultPayloadConverter.fromPayload<string>(p)) : '';

describe('Temporal UI visibility of a real approval', () => {
  let stack: Stack;
  let started: { workflowId: string; runId: string; links: { temporalUi: string } };

  const ids = async (query: string) => {
    const found: string[] = [];
    for await (const run of stack.temporal.client.workflow.list({ query })) found.push(run.workflowId);
    return found;
  };
  const describeRun = (): Promise<WorkflowExecutionDescription> =>
    stack.temporal.client.workflow.getHandle(started.workflowId).describe();

  before(async () => {
    stack = await startStack();
    const res = await stack.call<typeof started>('POST', '/v1/approvals', {
      ticketId: TICKET,
      ticketType: 'ticket.data_export',
      title: 'Export the orders table',
      requester: { userId: 'alice', name: 'Alice Chen' },
      fields: [{ label: 'Database', value: 'orders_prod' }],
      policy,
    });
    assert.equal(res.status, 201);
    started = res.body;
  });
  after(async () => {
    await stack?.stop();
  });

  test("the API's answer opens the run in the Temporal UI", async () => {
    const description = await describeRun();
    const expected =
      `http://127.0.0.1:8233/namespaces/default/workflows/` +
      `${encodeURIComponent(started.workflowId)}/${encodeURIComponent(description.runId)}`;
    assert.equal(started.links.temporalUi, expected);
  });

  test('while pending and escalated: filterable by ticket id, status, level and pending approver', async () => {
    await eventually(
      () => ids('ApprovalStatus = "pending" AND EscalationLevel > 1'),
      (found) => found.includes(started.workflowId),
    );
    assert.deepEqual(await ids(`TicketId = "${TICKET}"`), [started.workflowId]);
    assert.ok((await ids('PendingApprovers = "dave"')).includes(started.workflowId));
    for (const query of README_FILTERS) await stack.temporal.client.workflow.count(query);

    const description = await describeRun();
    const attrs = description.typedSearchAttributes;
    assert.equal(attrs.get(TicketIdKey), TICKET);
    assert.equal(attrs.get(TicketTypeKey), 'ticket.data_export');
    assert.equal(attrs.get(RequesterKey), 'alice');
    assert.equal(attrs.get(ApprovalStatusKey), 'pending');
    assert.equal(attrs.get(EscalationLevelKey), 2);
    assert.deepEqual([...(attrs.get(PendingApproversKey) ?? [])].sort(), ['bob', 'dave']);
    assert.equal(await description.staticSummary(), 'Data export #OPS-VIS-1 by Alice Chen');
    const details = (await description.staticDetails()) ?? '';
    assert.match(details, /\*\*Export the orders table\*\*/);
    assert.match(details, /- Database: orders_prod/);
  });

  test('after the decision the attributes follow: approved, nobody pending, found by status', async () => {
    const bob = await stack.tokenFor('approver', 'bob');
    const decided = await stack.call('POST', `/v1/approvals/${TICKET}/decisions`, { decision: 'approve' }, bob);
    assert.equal(decided.status, 200);
    await eventually(
      () => ids(`TicketId = "${TICKET}" AND ApprovalStatus = "approved"`),
      (found) => found.length === 1,
    );
    const attrs = (await describeRun()).typedSearchAttributes;
    assert.equal(attrs.get(PendingApproversKey), undefined, 'an empty list removes the attribute');
    const handle = stack.temporal.client.workflow.getHandle(started.workflowId);
    await handle.result();
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(
      metadata.currentDetails ?? '',
      /^Export the orders table #OPS-VIS-1 by Alice Chen — approved by Bob Li/,
    );
  });

  test('activities and timers in the history carry readable summaries', async () => {
    const history = await stack.temporal.client.workflow.getHandle(started.workflowId).fetchHistory();
    const summaries = (history.events ?? []).map((e) => text(e.userMetadata?.summary)).filter(Boolean);
    for (const expected of [
      'load policy for ticket.data_export',
      'resolve level 1 approvers',
      'card to Bob Li via feishu (level 1)',
      'card to Dave Zhang via feishu (level 2)',
      'show approved to Bob Li via feishu',
    ]) {
      assert.ok(summaries.includes(expected), `"${expected}" in ${JSON.stringify(summaries)}`);
    }
    assert.ok(
      summaries.some((s) => /^escalate to level 2 at \d\d:\d\d UTC$/.test(s)),
      'the escalation timer',
    );
    assert.ok(
      summaries.some((s) => /^final deadline at /.test(s)),
      'the deadline timer',
    );
  });
});
