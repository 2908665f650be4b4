import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecisionRequest, TicketApprovalInput } from '../../src/domain/approval.js';
import { cardIdempotencyKey } from '../../src/domain/ids.js';
import type { ApprovalPolicy } from '../../src/domain/policy.js';
import type { Recipient } from '../../src/domain/state.js';
import { DecisionRejection } from '../../src/domain/state.js';
import {
  cardFor,
  cardTargets,
  detailsLine,
  newDelivery,
  reminderIdempotencyKey,
} from '../../src/workflows/approval-cards.js';
import type { ApprovalBook } from '../../src/workflows/approval-rules.js';
import {
  addRecipients,
  applyDecision,
  applyPolicy,
  checkDecision,
  concludeAtDeadline,
  isApproved,
  openBook,
  requiredApprovals,
  resultOf,
  withdrawApproval,
} from '../../src/workflows/approval-rules.js';
import type { NextEvent, Progress } from '../../src/workflows/approval-schedule.js';
import { deadlinesOf, nextEvent, scheduleFor } from '../../src/workflows/approval-schedule.js';

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * MIN);

function createTestInput(overrides: Partial<TicketApprovalInput> = {}): TicketApprovalInput {
  return {
    tenant: 'acme',
    ticketId: 'T-1',
    ticketType: 'ticket.data_export',
    title: 'Data export',
    requester: { userId: 'rita', name: 'Rita' },
    fields: [{ label: 'table', value: 'orders' }],
    detailsUrl: 'https://console.example/tickets/T-1',
    ...overrides,
  };
}

function createTestPolicy(overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy {
  return {
    mode: 'any',
    levels: [{ approvers: ['alice', 'bob'], roles: [], channels: [], afterMs: 0 }],
    deadlineMs: 120 * MIN,
    onDeadline: 'expired',
    ...overrides,
  };
}

function recipient(userId: string, level = 1): Recipient {
  return {
    userId,
    name: userId.toUpperCase(),
    level,
    channels: [
      { kind: 'feishu', platformUserId: `ou_${userId}` },
      { kind: 'dingtalk', platformUserId: `dt_${userId}` },
    ],
  };
}

/** A book whose level 1 approvers are known, as the workflow has it after resolving them. */
function createTestBook(policy: Partial<ApprovalPolicy> = {}, approvers = ['alice', 'bob', 'carol']): ApprovalBook {
  const book = openBook(createTestInput(), 'approval:acme:T-1', at(0));
  applyPolicy(book.state, createTestPolicy(policy));
  addRecipients(
    book.state,
    approvers.map((id) => recipient(id)),
  );
  book.ready = true;
  return book;
}

let seq = 0;
function vote(
  userId: string,
  decision: DecisionRequest['decision'] = 'approve',
  eventId = `ev-${++seq}`,
): DecisionRequest {
  return { eventId, userId, decision, via: 'feishu' };
}

function decideOk(book: ApprovalBook, req: DecisionRequest, minute = 5) {
  const out = applyDecision(book, req, at(minute));
  assert.ok('result' in out, `expected ${req.userId} to be accepted, got ${JSON.stringify(out)}`);
  return out.result;
}

describe('requiredApprovals', () => {
  it('is 1 for any, the quorum for quorum, every eligible approver (at least 1) for all', () => {
    assert.equal(requiredApprovals('any', undefined, 5), 1);
    assert.equal(requiredApprovals('quorum', 3, 5), 3);
    assert.equal(requiredApprovals('all', undefined, 4), 4);
    assert.equal(requiredApprovals('all', undefined, 0), 1);
  });
});

describe('eligibility', () => {
  it('never makes the requester an approver, even when the directory returns them', () => {
    const book = createTestBook({}, ['alice', 'rita']);
    assert.deepEqual(
      book.state.recipients.map((r) => r.userId),
      ['alice'],
    );
    assert.deepEqual(book.state.pendingApprovers, ['alice']);
    assert.equal(checkDecision(book, vote('rita')), DecisionRejection.RequesterCannotDecide);
  });

  it('adds an approver asked again at a later level only once, keeping their first level', () => {
    const book = createTestBook({}, ['alice']);
    const added = addRecipients(book.state, [recipient('alice', 2), recipient('dave', 2)]);
    assert.deepEqual(
      added.map((r) => r.userId),
      ['dave'],
    );
    assert.deepEqual(
      book.state.recipients.map((r) => [r.userId, r.level]),
      [
        ['alice', 1],
        ['dave', 2],
      ],
    );
  });

  it('rejects non-approvers, second votes and unknown decision kinds while pending', () => {
    const book = createTestBook({ mode: 'quorum', quorum: 2 });
    assert.equal(checkDecision(book, vote('mallory')), DecisionRejection.NotApprover);
    decideOk(book, vote('alice'));
    assert.equal(checkDecision(book, vote('alice', 'reject')), DecisionRejection.AlreadyVoted);
    const typo = { ...vote('bob'), decision: 'aprove' } as unknown as DecisionRequest;
    assert.equal(checkDecision(book, typo), DecisionRejection.InvalidDecision);
    assert.equal(book.state.status, 'pending');
    assert.equal(book.state.decisions.length, 1);
  });

  it('before the approvers are known only the requester is refused (the handler checks again later)', () => {
    const book = openBook(createTestInput(), 'wf', at(0));
    assert.equal(checkDecision(book, vote('mallory')), undefined);
    assert.equal(checkDecision(book, vote('rita')), DecisionRejection.RequesterCannotDecide);
  });

  it('refuses nothing after the outcome and nothing for a repeated event id', () => {
    const book = createTestBook({ mode: 'quorum', quorum: 2 });
    decideOk(book, vote('alice', 'approve', 'ev-a'));
    assert.equal(checkDecision(book, vote('alice', 'approve', 'ev-a')), undefined);
    decideOk(book, vote('bob', 'reject'));
    assert.equal(checkDecision(book, vote('mallory')), undefined);
    assert.equal(checkDecision(book, vote('rita')), undefined);
  });
});

describe('tallying', () => {
  it('any: the first approval approves, by that approver, at workflow time', () => {
    const book = createTestBook();
    const result = decideOk(book, vote('bob'), 7);
    assert.equal(result.outcome, 'applied');
    assert.equal(result.status, 'approved');
    assert.equal(result.decision?.name, 'BOB');
    assert.deepEqual(book.state.outcome, {
      status: 'approved',
      by: { userId: 'bob', name: 'BOB' },
      at: at(7).toISOString(),
    });
    assert.deepEqual(book.state.pendingApprovers, []);
  });

  it('quorum: needs `quorum` distinct approvers', () => {
    const book = createTestBook({ mode: 'quorum', quorum: 2 });
    assert.equal(book.state.requiredApprovals, 2);
    assert.equal(decideOk(book, vote('alice')).status, 'pending');
    assert.deepEqual(book.state.pendingApprovers, ['bob', 'carol']);
    assert.equal(decideOk(book, vote('carol')).status, 'approved');
    assert.equal(book.state.outcome?.by?.userId, 'carol');
  });

  it('all: every eligible approver, including those added by escalation', () => {
    const book = createTestBook({ mode: 'all' }, ['alice', 'bob']);
    assert.equal(book.state.requiredApprovals, 2);
    decideOk(book, vote('alice'));
    addRecipients(book.state, [recipient('dave', 2)]);
    assert.equal(book.state.requiredApprovals, 3);
    assert.equal(decideOk(book, vote('bob')).status, 'pending');
    assert.deepEqual(book.state.pendingApprovers, ['dave']);
    assert.equal(decideOk(book, vote('dave')).status, 'approved');
  });

  for (const mode of ['any', 'all', 'quorum'] as const) {
    it(`${mode}: the first reject rejects`, () => {
      const book = createTestBook({ mode, quorum: 2 });
      if (mode !== 'any') decideOk(book, vote('alice'));
      const result = decideOk(book, vote('carol', 'reject'));
      assert.equal(result.status, 'rejected');
      assert.deepEqual(book.state.outcome?.by, { userId: 'carol', name: 'CAROL' });
    });
  }

  it('counts only eligible approvers', () => {
    assert.equal(isApproved('quorum', 2, new Set(['alice', 'ghost']), ['alice', 'bob']), false);
    assert.equal(isApproved('all', 1, new Set(), []), false);
    assert.equal(isApproved('any', 1, new Set(['bob']), ['alice', 'bob']), true);
  });
});

describe('answers', () => {
  it('a repeated event id gets the first answer, even after the outcome', () => {
    const book = createTestBook({ mode: 'quorum', quorum: 2 });
    const first = decideOk(book, vote('alice', 'approve', 'ev-1'));
    decideOk(book, vote('bob', 'approve', 'ev-2'));
    assert.equal(book.state.status, 'approved');
    assert.deepEqual(decideOk(book, vote('alice', 'approve', 'ev-1')), first);
    assert.equal(first.status, 'pending');
    assert.equal(book.state.decisions.length, 2);
  });

  it('a decision after the outcome is answered with who decided and when, and not recorded', () => {
    const book = createTestBook();
    decideOk(book, vote('alice', 'approve'), 3);
    const late = decideOk(book, vote('bob', 'reject'), 4);
    assert.deepEqual(late, {
      outcome: 'already_decided',
      status: 'approved',
      decidedBy: { userId: 'alice', name: 'ALICE' },
      decidedAt: at(3).toISOString(),
    });
    assert.equal(book.state.decisions.length, 1);
  });

  it('a refused decision is neither recorded nor remembered', () => {
    const book = createTestBook();
    const req = vote('mallory', 'approve', 'ev-m');
    assert.deepEqual(applyDecision(book, req, at(1)), { rejection: DecisionRejection.NotApprover });
    assert.equal(book.answers.has('ev-m'), false);
    assert.equal(book.state.decisions.length, 0);
  });
});

describe('withdraw and deadline', () => {
  it('withdraw ends a pending approval once; later calls change nothing', () => {
    const book = createTestBook();
    withdrawApproval(book.state, 'rita', 'no longer needed', at(9));
    assert.deepEqual(book.state.outcome, {
      status: 'withdrawn',
      by: { userId: 'rita', name: 'Rita' },
      at: at(9).toISOString(),
      reason: 'no longer needed',
    });
    withdrawApproval(book.state, 'ops', 'again', at(10));
    concludeAtDeadline(book.state, 'rejected', at(11));
    assert.equal(book.state.outcome?.reason, 'no longer needed');
    assert.deepEqual(decideOk(book, vote('alice')).decidedBy, { userId: 'rita', name: 'Rita' });
  });

  for (const onDeadline of ['expired', 'rejected'] as const) {
    it(`the deadline ends it as ${onDeadline}, with reason "deadline"`, () => {
      const book = createTestBook();
      concludeAtDeadline(book.state, onDeadline, at(120));
      assert.equal(book.state.status, onDeadline);
      assert.equal(book.state.outcome?.reason, 'deadline');
      assert.equal(book.state.outcome?.by, undefined);
      assert.deepEqual(book.state.pendingApprovers, []);
      assert.equal(resultOf(book.state)?.status, onDeadline);
    });
  }

  it('has no result while pending', () => {
    assert.equal(resultOf(createTestBook().state), undefined);
  });
});

describe('schedule', () => {
  /** Every event the workflow would handle when nobody decides, as "kind@minute". */
  function timeline(policy: ApprovalPolicy): string[] {
    const progress: Progress = { remindersSent: 0, level: 1 };
    const events: string[] = [];
    for (;;) {
      const next: NextEvent = nextEvent(policy, T0, progress);
      events.push(`${next.kind === 'escalation' ? `level${next.level}` : next.kind}@${(next.at - T0) / MIN}`);
      if (next.kind === 'deadline') return events;
      if (next.kind === 'reminder') progress.remindersSent = next.reminder;
      if (next.kind === 'escalation') progress.level = next.level;
    }
  }

  it('interleaves reminders (at most max), escalations and the deadline; reminders first on a tie', () => {
    const policy = createTestPolicy({
      levels: [
        { approvers: ['alice'], roles: [], channels: [], afterMs: 0 },
        { approvers: ['bob'], roles: [], channels: [], afterMs: 30 * MIN },
        { approvers: ['carol'], roles: [], channels: [], afterMs: 60 * MIN },
      ],
      reminders: { everyMs: 20 * MIN, max: 4 },
    });
    assert.deepEqual(timeline(policy), [
      'reminder@20',
      'level2@30',
      'reminder@40',
      'reminder@60',
      'level3@60',
      'reminder@80',
      'deadline@120',
    ]);
  });

  it('sends no reminder at or after the deadline, and none without a reminder policy', () => {
    assert.deepEqual(timeline(createTestPolicy({ reminders: { everyMs: 60 * MIN, max: 5 } })), [
      'reminder@60',
      'deadline@120',
    ]);
    assert.deepEqual(timeline(createTestPolicy()), ['deadline@120']);
    assert.deepEqual(timeline(createTestPolicy({ reminders: { everyMs: MIN, max: 0 } })), ['deadline@120']);
  });

  it('reports the next reminder, escalation and final deadline as ISO times', () => {
    const policy = createTestPolicy({
      levels: [
        { approvers: ['alice'], roles: [], channels: [], afterMs: 0 },
        { approvers: ['bob'], roles: [], channels: [], afterMs: 45 * MIN },
      ],
      reminders: { everyMs: 15 * MIN, max: 1 },
    });
    assert.deepEqual(deadlinesOf(scheduleFor(policy, T0, { remindersSent: 0, level: 1 })), {
      nextReminderAt: at(15).toISOString(),
      nextEscalationAt: at(45).toISOString(),
      finalDeadlineAt: at(120).toISOString(),
    });
    assert.deepEqual(deadlinesOf(scheduleFor(policy, T0, { remindersSent: 1, level: 2 })), {
      finalDeadlineAt: at(120).toISOString(),
    });
  });
});

describe('cards', () => {
  it('targets every channel of every recipient, with stable idempotency keys and nonces', () => {
    const book = createTestBook({}, ['alice']);
    const targets = cardTargets(book.state.recipients);
    assert.deepEqual(
      targets.map((t) => `${t.recipient.userId}/${t.kind}/${t.platformUserId}`),
      ['alice/feishu/ou_alice', 'alice/dingtalk/dt_alice'],
    );
    const [first] = targets;
    assert.ok(first);
    const delivery = newDelivery('approval:acme:T-1', first, 2);
    assert.equal(delivery.idempotencyKey, cardIdempotencyKey('approval:acme:T-1', 2, 'alice', 'feishu'));
    // Fits Feishu's `uuid` (50 chars) and DingTalk's `outTrackId` (100 chars), like a card key.
    assert.match(reminderIdempotencyKey('approval:acme:T-1', delivery, 1), /^ab-[0-9a-f-]{32,40}$/);
    assert.notEqual(
      reminderIdempotencyKey('approval:acme:T-1', delivery, 1),
      reminderIdempotencyKey('approval:acme:T-1', delivery, 2),
    );
    const card = cardFor(book, 'alice', 'feishu', 1);
    assert.equal(card.nonce, cardFor(book, 'alice', 'feishu', 1).nonce);
    assert.notEqual(card.nonce, cardFor(book, 'alice', 'dingtalk', 1).nonce);
  });

  it('renders the outcome on the final card', () => {
    const book = createTestBook({}, ['alice']);
    const pending = cardFor(book, 'alice', 'feishu', 1);
    assert.equal(pending.status, 'pending');
    assert.equal(pending.decidedBy, undefined);
    assert.equal(pending.detailsUrl, 'https://console.example/tickets/T-1');
    decideOk(book, vote('alice', 'reject'), 12);
    const final = cardFor(book, 'alice', 'feishu', 1);
    assert.equal(final.status, 'rejected');
    assert.equal(final.decidedBy, 'ALICE');
    assert.equal(final.decidedAt, at(12).toISOString());
    assert.equal(detailsLine(book.state), 'Data export #T-1 by Rita — rejected by ALICE');
  });
});
