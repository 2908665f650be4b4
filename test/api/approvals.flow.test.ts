/**
 * Approvals end to end over HTTP: the real Nest app, a real Temporal dev server, and the real `ticketApproval`
 * workflow on an in-process worker with stub activities (test/support/api-harness.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { approvalWorkflowId } from '../../src/domain/approval.js';
import type { StartApprovalRequestInput } from '../../src/domain/approval.js';
import { ApprovalStatusKey, RequesterKey, TicketIdKey, TicketTypeKey } from '../../src/domain/search-attributes.js';
import type { ApprovalState, DecideResult } from '../../src/domain/state.js';
import { startApi, startApprovalsWorker, TEST_ADMIN_TOKEN } from '../support/api-harness.js';
import type { ApiHarness, ApiResponse, ApprovalsWorker } from '../support/api-harness.js';
import { startDevServer } from '../support/environments.js';

let env: TestWorkflowEnvironment;
let api: ApiHarness;
let worker: ApprovalsWorker;
const tokens: Record<string, string> = {};

before(async () => {
  env = await startDevServer();
  worker = await startApprovalsWorker(env);
  api = await startApi(env, { timeouts: { decisionTimeoutMs: 3000 } });
  tokens.jira = await api.tokenFor('ticket-system', 'jira');
  for (const user of ['alice', 'bob', 'carol', 'dave', 'erin']) tokens[user] = await api.tokenFor('approver', user);
});

after(async () => {
  await api?.close();
  await worker?.stop();
  await env?.teardown();
});

type View = Partial<ApprovalState> & { runId: string; status: string; workflowStatus: string };

function startRequest(ticketId: string, overrides: Partial<StartApprovalRequestInput> = {}): StartApprovalRequestInput {
  return {
    ticketId,
    ticketType: 'ticket.data_export',
    title: 'Export the orders table',
    requester: { userId: 'alice', name: 'Alice' },
    fields: [{ label: 'Table', value: 'orders' }],
    ...overrides,
  };
}

async function start(ticketId: string, overrides: Partial<StartApprovalRequestInput> = {}): Promise<ApiResponse> {
  return api.request('POST', '/v1/approvals', { token: tokens.jira, json: startRequest(ticketId, overrides) });
}

function decide(ticketId: string, user: string, body: Record<string, unknown>): Promise<ApiResponse> {
  return api.request('POST', `/v1/approvals/${ticketId}/decisions`, { token: tokens[user], json: body });
}

async function view(ticketId: string): Promise<View> {
  const res = await api.request('GET', `/v1/approvals/${ticketId}`, { token: tokens.bob });
  assert.equal(res.status, 200, res.text);
  return res.body as View;
}

/** Reads the approval until `ok` holds, failing after `ms`. */
async function viewUntil(ticketId: string, ok: (v: View) => boolean, what: string, ms = 20_000): Promise<View> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await view(ticketId);
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function finished(ticketId: string): Promise<unknown> {
  return env.client.workflow.getHandle(approvalWorkflowId('default', ticketId)).result();
}

function errorCode(res: ApiResponse): string | undefined {
  return (res.body as { error?: { code?: string } } | undefined)?.error?.code;
}

void describe('start', { timeout: 60_000 }, () => {
  void test('201 then 200 with the same run; search attributes, summary and links set', async () => {
    const first = await start('F-100');
    assert.equal(first.status, 201, first.text);
    const created = first.body as { workflowId: string; runId: string; status: string; links: Record<string, string> };
    assert.equal(created.workflowId, 'approval:default:F-100');
    assert.equal(created.status, 'pending');
    assert.equal(created.links.self, '/v1/approvals/F-100?tenant=default');
    assert.equal(
      created.links.temporalUi,
      `http://127.0.0.1:8233/namespaces/default/workflows/approval%3Adefault%3AF-100/${created.runId}`,
    );

    const again = await start('F-100', { title: 'a retried request' });
    assert.equal(again.status, 200, again.text);
    assert.equal((again.body as { runId: string }).runId, created.runId);

    const description = await env.client.workflow.getHandle(created.workflowId).describe();
    assert.equal(description.taskQueue, 'approvals');
    const attributes = description.typedSearchAttributes;
    assert.equal(attributes.get(TicketIdKey), 'F-100');
    assert.equal(attributes.get(TicketTypeKey), 'ticket.data_export');
    assert.equal(attributes.get(RequesterKey), 'alice');
    assert.equal(attributes.get(ApprovalStatusKey), 'pending');
    assert.equal(await description.staticSummary(), 'Data export #F-100 by Alice');
    assert.match((await description.staticDetails()) ?? '', /\*\*Export the orders table\*\*[\s\S]*- Table: orders/);

    const state = await viewUntil('F-100', (v) => (v.pendingApprovers ?? []).length === 2, 'approvers notified');
    assert.equal(state.status, 'pending');
    assert.equal(state.workflowStatus, 'RUNNING');
    assert.equal(state.runId, created.runId);
    assert.deepEqual(state.pendingApprovers, ['bob', 'carol']);
  });

  void test('a ticket type no approval rule covers is refused at start, naming the type; nothing runs', async () => {
    // Tenant acme has no rules at all (the sandbox seeds only tenant default).
    const refused = await start('F-101', { tenant: 'acme' });
    assert.equal(refused.status, 422, refused.text);
    const error = (refused.body as { error: { code: string; message: string; details: { path: string }[] } }).error;
    assert.equal(error.code, 'NO_APPROVAL_RULE');
    assert.match(error.message, /ticket\.data_export/);
    assert.match(error.message, /acme/);
    assert.deepEqual(
      error.details.map((d) => d.path),
      ['ticketType'],
    );
    const get = await api.request('GET', '/v1/approvals/F-101?tenant=acme', { token: TEST_ADMIN_TOKEN });
    assert.equal(get.status, 404, 'no run was started');
  });

  void test('tenants are separate: the same ticket id in another tenant is another approval', async () => {
    const policy = { levels: [{ approvers: ['bob'] }], deadlineMs: 3_600_000 };
    const res = await start('F-100', { tenant: 'acme', policy });
    assert.equal(res.status, 201, res.text);
    assert.equal((res.body as { workflowId: string }).workflowId, 'approval:acme:F-100');
  });
});

void describe('decisions', { timeout: 60_000 }, () => {
  const quorum = {
    policy: {
      mode: 'quorum' as const,
      quorum: 3,
      levels: [{ approvers: ['bob', 'carol', 'dave'] }],
      deadlineMs: 3_600_000,
    },
  };

  void test('validator rejections: 403 for a non-approver and the requester, 409 for a second vote', async () => {
    assert.equal((await start('F-200', quorum)).status, 201);
    await viewUntil('F-200', (v) => (v.pendingApprovers ?? []).length === 3, 'approvers notified');

    const stranger = await decide('F-200', 'erin', { decision: 'approve' });
    assert.equal(stranger.status, 403, stranger.text);
    assert.equal(errorCode(stranger), 'NOT_AN_APPROVER');

    const requester = await decide('F-200', 'alice', { decision: 'approve' });
    assert.equal(requester.status, 403, requester.text);
    assert.equal(errorCode(requester), 'REQUESTER_CANNOT_DECIDE');

    const vote = await decide('F-200', 'bob', { decision: 'approve', comment: 'fine', eventId: 'evt-bob-1' });
    assert.equal(vote.status, 200, vote.text);
    const applied = vote.body as DecideResult;
    assert.equal(applied.outcome, 'applied');
    assert.equal(applied.status, 'pending');
    assert.equal(applied.decision?.userId, 'bob');
    assert.equal(applied.decision?.via, 'api');
    assert.equal(applied.decision?.eventId, 'api:bob:evt-bob-1');

    // The same event again (a client retry) gets the first answer.
    const retry = await decide('F-200', 'bob', { decision: 'approve', comment: 'fine', eventId: 'evt-bob-1' });
    assert.equal(retry.status, 200, retry.text);
    assert.deepEqual(retry.body, vote.body);

    const second = await decide('F-200', 'bob', { decision: 'reject' });
    assert.equal(second.status, 409, second.text);
    assert.equal(errorCode(second), 'ALREADY_VOTED');

    // Event ids are scoped to their caller: dave reusing bob's id casts dave's own vote.
    const dave = await decide('F-200', 'dave', { decision: 'approve', eventId: 'evt-bob-1' });
    assert.equal(dave.status, 200, dave.text);
    assert.deepEqual(
      [(dave.body as DecideResult).outcome, (dave.body as DecideResult).decision?.userId],
      ['applied', 'dave'],
    );

    const state = await view('F-200');
    assert.deepEqual(
      state.decisions?.map((d) => [d.userId, d.decision]),
      [
        ['bob', 'approve'],
        ['dave', 'approve'],
      ],
    );
    assert.deepEqual(state.pendingApprovers, ['carol']);
  });

  void test('the deciding user comes from the token, never from the body', async () => {
    const res = await decide('F-200', 'erin', { decision: 'approve', userId: 'carol' });
    assert.equal(res.status, 403, res.text);
    assert.equal(errorCode(res), 'NOT_AN_APPROVER');
  });

  void test('the quorum approves; later decisions get already_decided, before and after the run closed', async () => {
    const vote = await decide('F-200', 'carol', { decision: 'approve' });
    assert.equal(vote.status, 200, vote.text);
    assert.deepEqual(
      [(vote.body as DecideResult).outcome, (vote.body as DecideResult).status],
      ['applied', 'approved'],
    );

    const late = await decide('F-200', 'dave', { decision: 'reject' });
    assert.equal(late.status, 200, late.text);
    assert.equal((late.body as DecideResult).outcome, 'already_decided');
    assert.equal((late.body as DecideResult).decidedBy?.userId, 'carol');

    await finished('F-200');
    const closed = await decide('F-200', 'dave', { decision: 'reject' });
    assert.equal(closed.status, 200, closed.text);
    const answer = closed.body as DecideResult;
    assert.deepEqual(
      [answer.outcome, answer.status, answer.decidedBy?.userId],
      ['already_decided', 'approved', 'carol'],
    );

    const final = await view('F-200');
    assert.equal(final.workflowStatus, 'COMPLETED');
    assert.equal(final.status, 'approved');
    assert.equal(final.outcome?.by?.userId, 'carol');
    assert.equal(final.decisions?.length, 3);

    // The ticket sent again returns the decided run.
    const again = await start('F-200', quorum);
    assert.equal(again.status, 200, again.text);
    assert.equal((again.body as { status: string }).status, 'approved');
  });

  void test('worker down: the decision is stored (202) and applied once the worker is back', async () => {
    assert.equal((await start('F-300')).status, 201);
    await viewUntil('F-300', (v) => (v.pendingApprovers ?? []).length === 2, 'approvers notified');
    await worker.stop();
    try {
      const res = await decide('F-300', 'bob', { decision: 'approve', eventId: 'evt-offline' });
      assert.equal(res.status, 202, res.text);
      assert.deepEqual(res.body, { outcome: 'received', status: 'pending', eventId: 'api:bob:evt-offline' });
    } finally {
      await worker.start();
    }
    await finished('F-300');
    const final = await view('F-300');
    assert.equal(final.status, 'approved');
    assert.deepEqual(
      final.decisions?.map((d) => d.eventId),
      ['api:bob:evt-offline'],
      'applied once, though it arrived as update and signal',
    );
  });
});

void describe('withdraw', { timeout: 60_000 }, () => {
  void test('withdraws a pending approval; afterwards returns the final state', async () => {
    assert.equal((await start('F-400')).status, 201);
    const res = await api.request('POST', '/v1/approvals/F-400/withdraw', {
      token: tokens.jira,
      json: { reason: 'duplicate ticket' },
    });
    assert.equal(res.status, 200, res.text);
    const withdrawn = res.body as View;
    assert.equal(withdrawn.status, 'withdrawn');
    assert.deepEqual(withdrawn.outcome?.by, { userId: 'jira', name: 'jira' });
    assert.equal(withdrawn.outcome?.reason, 'duplicate ticket');

    await finished('F-400');
    const again = await api.request('POST', '/v1/approvals/F-400/withdraw', { token: TEST_ADMIN_TOKEN, json: {} });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([(again.body as View).status, (again.body as View).workflowStatus], ['withdrawn', 'COMPLETED']);

    const late = await decide('F-400', 'bob', { decision: 'approve' });
    assert.equal(late.status, 200, late.text);
    assert.deepEqual(
      [(late.body as DecideResult).outcome, (late.body as DecideResult).status],
      ['already_decided', 'withdrawn'],
    );
  });
});

void describe('runs that end without an outcome', { timeout: 60_000 }, () => {
  void test('a terminated run reads as failed, and the ticket may be started afresh', async () => {
    const first = await start('F-500');
    assert.equal(first.status, 201);
    await env.client.workflow.getHandle(approvalWorkflowId('default', 'F-500')).terminate('operator: stuck');
    const failed = await view('F-500');
    assert.deepEqual([failed.status, failed.workflowStatus], ['failed', 'TERMINATED']);

    const restarted = await start('F-500');
    assert.equal(restarted.status, 201, restarted.text);
    assert.notEqual((restarted.body as { runId: string }).runId, (first.body as { runId: string }).runId);
  });
});

void describe('secrets', { timeout: 60_000 }, () => {
  void test('the admin token never appears in any response', () => {
    for (const text of api.transcript) assert.ok(!text.includes(TEST_ADMIN_TOKEN), 'admin token leaked');
  });
});
