/**
 * The click → decision logic on its own, over stub Temporal reads and a stub decision submitter: who counts as the
 * approver, what the clicker is told, what is cached, and that an answer always comes within the budget.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Logger } from '@nestjs/common';
import type { ApprovalLookup, ApprovalSnapshot } from '../../src/api/callbacks/approval-lookup.js';
import type { CardClick } from '../../src/api/callbacks/card-click.js';
import { CardClicksService } from '../../src/api/callbacks/card-clicks.service.js';
import { dingtalkAnswer, feishuAnswer } from '../../src/api/callbacks/platform-answers.js';
import type { ApprovalsService } from '../../src/api/approvals/approvals.service.js';
import type { DecideResponse } from '../../src/api/approvals/approvals.schemas.js';
import { ApiError } from '../../src/api/common/api-error.js';
import type { DecisionRequest } from '../../src/domain/approval.js';
import type { ApprovalResult, ApprovalState } from '../../src/domain/state.js';
import { cardNonce } from '../../src/workflows/approval-cards.js';
import { DEFAULT_READER } from '../../src/i18n/locale.js';
import { say } from '../../src/i18n/say.js';

/** What the clicker reads, when we know nothing of their language: the default reader's. */
const said = (answer: { message: Parameters<typeof say>[1] }) => say(DEFAULT_READER, answer.message);

// The "not recorded" case logs an error on purpose; keep the test output to the assertions.
Logger.overrideLogger(false);

const WORKFLOW_ID = 'approval:default:T-1';
const AT = '2026-05-01T08:30:00.000Z';

function createTestState(overrides: Partial<ApprovalState> = {}): ApprovalState {
  return {
    workflowId: WORKFLOW_ID,
    tenant: 'default',
    ticketId: 'T-1',
    ticketType: 'ticket.data_export',
    title: 'Export orders',
    requester: { userId: 'alice', name: 'Alice' },
    fields: [],
    status: 'pending',
    mode: 'any',
    requiredApprovals: 1,
    level: 1,
    levels: 1,
    recipients: [
      { userId: 'bob', name: 'Bob', level: 1, channels: [{ kind: 'feishu', platformUserId: 'ou_bob' }] },
      { userId: 'carol', name: 'Carol', level: 1, channels: [{ kind: 'dingtalk', platformUserId: 'carol01' }] },
    ],
    unreachable: [],
    deliveries: [],
    decisions: [],
    pendingApprovers: ['bob', 'carol'],
    deadlines: { finalDeadlineAt: '2026-05-02T08:30:00.000Z' },
    remindersSent: 0,
    startedAt: AT,
    ...overrides,
  };
}

function createTestClick(overrides: Partial<CardClick> = {}): CardClick {
  return {
    kind: 'feishu',
    eventId: 'feishu:ev-1',
    platformUserId: 'ou_bob',
    tenant: 'default',
    ticketId: 'T-1',
    action: 'approve',
    nonce: cardNonce(WORKFLOW_ID, 'bob', 'feishu'),
    ...overrides,
  };
}

const APPLIED: DecideResponse = {
  outcome: 'applied',
  status: 'approved',
  decision: { eventId: 'feishu:ev-1', userId: 'bob', name: 'Bob', decision: 'approve', via: 'feishu', at: AT },
};

function service(snapshot: () => Promise<ApprovalSnapshot>, submit: (r: DecisionRequest) => Promise<DecideResponse>) {
  const lookups: number[] = [];
  const submitted: DecisionRequest[] = [];
  const lookup = { snapshot: () => (lookups.push(1), snapshot()) } as unknown as ApprovalLookup;
  const record = async (_t: string, _id: string, request: DecisionRequest) => {
    submitted.push(request);
    return { status: 200, body: await submit(request) };
  };
  const approvals = { submitDecision: record, recordDecision: record } as unknown as ApprovalsService;
  return { clicks: new CardClicksService(lookup, approvals), lookups, submitted };
}

const live =
  (state = createTestState()) =>
  () =>
    Promise.resolve<ApprovalSnapshot>({ kind: 'live', state });

describe('a verified click becomes a decision', () => {
  test('the operator is mapped to our approver; the answer carries the final card for the clicker', async () => {
    const { clicks, submitted } = service(live(), () => Promise.resolve(APPLIED));
    const answer = await clicks.handle(createTestClick(), 1000);
    assert.deepEqual(submitted, [
      { eventId: 'feishu:ev-1', userId: 'bob', decision: 'approve', via: 'feishu', platformUserId: 'ou_bob' },
    ]);
    assert.equal(said(answer), 'You approved this request');
    assert.equal(answer.card?.status, 'approved');
    assert.equal(answer.card?.decidedBy, 'Bob');
    assert.equal(answer.card?.nonce, cardNonce(WORKFLOW_ID, 'bob', 'feishu'));
    const body = feishuAnswer(answer, false, {}) as { card: { type: string; data: { header: unknown } } };
    assert.equal(body.card.type, 'raw');
    assert.match(JSON.stringify(body.card.data.header), /Approved by Bob/);
    const legacy = feishuAnswer(answer, true, {});
    assert.equal(legacy.schema, '2.0', 'legacy answers carry the card at the top level');
    const dingtalk = dingtalkAnswer(answer, {}) as { cardData: { cardParamMap: Record<string, string> } };
    assert.deepEqual(Object.keys(dingtalk.cardData.cardParamMap), ['status', 'statusText', 'showActions']);
  });

  test('someone else, or an approver pressing another approver’s card, decides nothing', async () => {
    const { clicks, submitted } = service(live(), () => Promise.resolve(APPLIED));
    const stranger = await clicks.handle(createTestClick({ eventId: 'feishu:1', platformUserId: 'ou_dave' }), 1000);
    assert.equal(said(stranger), 'You are not an approver of this ticket');
    // Carol's DingTalk id on her own channel, but with bob's nonce from bob's card.
    const colleague = createTestClick({
      kind: 'dingtalk',
      eventId: 'dingtalk:2',
      platformUserId: 'carol01',
      nonce: cardNonce(WORKFLOW_ID, 'bob', 'dingtalk'),
    });
    assert.equal(said(await clicks.handle(colleague, 1000)), 'You are not an approver of this ticket');
    // Bob's open_id presented on another platform is not bob there.
    const elsewhere = createTestClick({
      kind: 'lark',
      eventId: 'lark:3',
      nonce: cardNonce(WORKFLOW_ID, 'bob', 'lark'),
    });
    assert.equal(said(await clicks.handle(elsewhere, 1000)), 'You are not an approver of this ticket');
    assert.deepEqual(submitted, []);
  });

  test('without a worker, the run history names the approver and the decision is recorded as received', async () => {
    const roster = { workflowId: WORKFLOW_ID, requesterId: 'alice', recipients: createTestState().recipients };
    const received: DecideResponse = { outcome: 'received', status: 'pending', eventId: 'feishu:ev-1' };
    const { clicks, submitted } = service(
      () => Promise.resolve({ kind: 'offline', roster }),
      () => Promise.resolve(received),
    );
    const answer = await clicks.handle(createTestClick(), 1000);
    assert.equal(said(answer), 'Received: your decision is being processed');
    assert.equal(answer.card, undefined);
    await clicks.handle(createTestClick(), 1000);
    assert.equal(submitted.length, 2, '"received" is not cached: a repeat asks the workflow again');
  });

  test('final answers are replayed from the cache; refusals say why', async () => {
    const { clicks, lookups } = service(live(), () => Promise.reject(new ApiError('ALREADY_VOTED', 'voted')));
    const first = await clicks.handle(createTestClick(), 1000);
    assert.equal(said(first), 'You have already decided on this ticket');
    assert.deepEqual(await clicks.handle(createTestClick(), 1000), first);
    assert.equal(lookups.length, 1);
  });

  test('a closed approval answers "already approved by X at T"', async () => {
    const result = {
      status: 'approved',
      outcome: { status: 'approved', by: { userId: 'carol', name: 'Carol' }, at: AT },
    } as ApprovalResult;
    const { clicks } = service(
      () => Promise.resolve({ kind: 'closed', result }),
      () => Promise.resolve(APPLIED),
    );
    const answer = await clicks.handle(createTestClick(), 1000);
    assert.equal(said(answer), 'Already approved by Carol at May 1, 08:30 (UTC)');
    const dingtalk = dingtalkAnswer(answer, {}) as { cardData: { cardParamMap: Record<string, string> } };
    assert.deepEqual(dingtalk.cardData.cardParamMap, {
      statusText: 'Already approved by Carol at May 1, 08:30 (UTC)',
      showActions: 'false',
    });
  });

  test('when Temporal hangs, the clicker is still answered within the budget, and nothing is cached', async () => {
    const { clicks, lookups } = service(
      () => new Promise<ApprovalSnapshot>(() => undefined),
      () => Promise.resolve(APPLIED),
    );
    const started = Date.now();
    const answer = await clicks.handle(createTestClick(), 200);
    assert.ok(Date.now() - started < 1000);
    assert.equal(answer.message.key, 'answer.unrecorded');
    await clicks.handle(createTestClick(), 50);
    assert.equal(lookups.length, 2);
  });
});
