/**
 * The real workflow on the time-skipping test server, with stub activities (test/support/workflow-harness.ts).
 * Timers are skipped with env.sleep / awaiting the result; the tests wait on queries, never on wall-clock time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { workflowMetadataQuery } from '@temporalio/workflow';
import type { DecisionRequest } from '../../src/domain/approval.js';
import { cardIdempotencyKey } from '../../src/domain/ids.js';
import { sharedCardIdempotencyKey, sharedCardNonce } from '../../src/workflows/approval-cards.js';
import {
  ApprovalStatusKey,
  EscalationLevelKey,
  PendingApproversKey,
  RequesterKey,
  TicketIdKey,
} from '../../src/domain/search-attributes.js';
import type { ApprovalState } from '../../src/domain/state.js';
import { DecisionRejection } from '../../src/domain/state.js';
import { decide, decisionSignal, withdraw } from '../../src/workflows/definitions.js';
import type { Harness, Run } from '../support/workflow-harness.js';
import {
  cardsSettled,
  createTestInput,
  DIRECTORY,
  gate,
  MIN,
  startHarness,
  withApproval,
} from '../support/workflow-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.teardown();
});

let seq = 0;
function vote(userId: string, decision: DecisionRequest['decision'] = 'approve', eventId = `ev-${++seq}`) {
  return { eventId, userId, decision, via: 'feishu' } satisfies DecisionRequest;
}

/** The update is refused by the validator with this DecisionRejection type. */
async function assertRefused(run: Run, req: DecisionRequest, type: string): Promise<void> {
  await assert.rejects(run.handle.executeUpdate(decide, { args: [req] }), (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError, `expected WorkflowUpdateFailedError, got ${String(err)}`);
    assert.ok(err.cause instanceof ApplicationFailure);
    assert.equal(err.cause.type, type);
    return true;
  });
}

const searchAttributes = async (run: Run) => (await run.handle.describe()).typedSearchAttributes;
const shortDeliveries = (s: ApprovalState) => s.deliveries.map((d) => `${d.userId}/${d.kind}/L${d.level}:${d.status}`);

describe('ticketApproval', () => {
  it('any: a card per approver × channel; the first approval approves; cards and ticket system are told', async () => {
    const input = createTestInput({}, { callbackUrl: 'https://tickets.example/hook' });
    await withApproval(h, input, async (run) => {
      const { handle, calls } = run;
      const pending = await run.waitFor(cardsSettled, 'cards sent');
      const wf = handle.workflowId;
      assert.deepEqual(
        pending.deliveries.map((d) => [d.userId, d.kind, d.status, d.idempotencyKey]),
        [
          ['alice', 'feishu', 'sent', cardIdempotencyKey(wf, 1, 'alice', 'feishu')],
          ['bob', 'feishu', 'sent', cardIdempotencyKey(wf, 1, 'bob', 'feishu')],
          ['bob', 'dingtalk', 'sent', sharedCardIdempotencyKey(wf, 'dingtalk')],
        ],
      );
      assert.ok(
        calls.sent.every((s) => s.card.status === 'pending' && s.card.level === 1 && s.card.requesterName === 'Rita'),
      );
      assert.deepEqual(calls.sent.map((s) => s.recipient.platformUserId).sort(), ['ou_alice', 'ou_bob']);
      // DingTalk: one shared instance whose one nonce every recipient shares (the callback names the clicker).
      assert.deepEqual(
        calls.sharedSent.map((s) => [
          s.kind,
          s.cardRef,
          s.card.nonce,
          s.recipients.map((r) => [r.platformUserId, r.nonce]),
        ]),
        [['dingtalk', undefined, sharedCardNonce(wf, 'dingtalk'), [['dt_bob', sharedCardNonce(wf, 'dingtalk')]]]],
      );
      assert.ok(pending.deliveries.every((d) => d.contentHash?.length === 12));
      assert.deepEqual(pending.pendingApprovers, ['alice', 'bob']);
      assert.equal(
        pending.deadlines.finalDeadlineAt,
        new Date(Date.parse(pending.startedAt) + 120 * MIN).toISOString(),
      );
      const sa = await searchAttributes(run);
      assert.deepEqual(sa.get(PendingApproversKey), ['alice', 'bob']);
      assert.equal(sa.get(EscalationLevelKey), 1);
      const metadata = await handle.query(workflowMetadataQuery);
      assert.equal(
        metadata.currentDetails,
        `Data export #${input.ticketId} by Rita — pending, level 1/1, waiting for alice, bob`,
      );

      const answer = await handle.executeUpdate(decide, { args: [vote('bob')] });
      assert.equal(answer.outcome, 'applied');
      assert.equal(answer.status, 'approved');
      assert.equal(answer.decision?.name, 'Bob');

      const result = await handle.result();
      assert.equal(result.status, 'approved');
      assert.deepEqual(result.outcome.by, { userId: 'bob', name: 'Bob' });
      assert.deepEqual(
        result.deliveries.map((d) => d.status),
        ['updated', 'updated', 'updated'],
      );
      assert.equal(calls.updated.length, 3, 'one update per card');
      assert.ok(calls.updated.every((u) => u.card.status === 'approved' && u.card.decidedBy === 'Bob' && u.cardRef));
      assert.deepEqual(
        calls.notified.map((n) => [n.url, n.result.status]),
        [['https://tickets.example/hook', 'approved']],
      );
      const done = await searchAttributes(run);
      assert.equal(done.get(ApprovalStatusKey), 'approved');
      assert.equal(done.get(PendingApproversKey), undefined, 'no one owes a decision any more');
      assert.equal(done.get(TicketIdKey), input.ticketId);
      assert.equal(done.get(RequesterKey), 'rita');
      assert.equal((await run.state()).callback?.status, 'delivered');
    });
  });

  it('reminds undecided approvers every interval, at most max times, then the deadline rejects (quorum)', async () => {
    const input = createTestInput({
      mode: 'quorum',
      quorum: 2,
      levels: [{ approvers: ['alice', 'bob', 'carol'], roles: [], channels: [], afterMs: 0 }],
      reminders: { everyMs: 10 * MIN, max: 3 },
      deadlineMs: 60 * MIN,
      onDeadline: 'rejected',
    });
    await withApproval(h, input, async (run) => {
      const { handle, calls } = run;
      await run.waitFor(cardsSettled, 'cards sent');
      const first = await handle.executeUpdate(decide, { args: [vote('alice')] });
      assert.equal(first.status, 'pending', 'one of two approvals');
      assert.deepEqual((await searchAttributes(run)).get(PendingApproversKey), ['bob', 'carol']);

      await h.env.sleep(25 * MIN);
      const afterTwo = await run.waitFor(
        (s) => s.deliveries.filter((d) => d.userId !== 'alice').every((d) => d.remindersSent === 2),
        'two reminder rounds',
      );
      assert.equal(afterTwo.remindersSent, 2);
      assert.equal(
        afterTwo.deadlines.nextReminderAt,
        new Date(Date.parse(afterTwo.startedAt) + 30 * MIN).toISOString(),
      );
      assert.deepEqual(
        calls.reminded.map((r) => `${r.recipient.userId}/${r.kind}#${r.reminder}`).sort(),
        ['*/dingtalk#1', '*/dingtalk#2', 'bob/feishu#1', 'bob/feishu#2', 'carol/lark#1', 'carol/lark#2'],
        'only undecided approvers are reminded',
      );
      assert.equal(new Set(calls.reminded.map((r) => r.idempotencyKey)).size, 6);

      const result = await handle.result();
      assert.equal(result.status, 'rejected');
      assert.equal(result.outcome.reason, 'deadline');
      assert.equal(result.outcome.by, undefined);
      assert.equal(calls.reminded.length, 9, 'three rounds to three cards, none after max');
      const final = await run.state();
      assert.equal(final.remindersSent, 3);
      assert.equal(Date.parse(result.outcome.at) - Date.parse(final.startedAt) >= 60 * MIN, true);
      assert.ok(calls.updated.every((u) => u.card.status === 'rejected' && u.card.reason === 'deadline'));
      assert.equal(calls.updated.length, 4);
    });
  });

  it('escalates through every level at its time, earlier approvers notified once; the deadline expires it', async () => {
    const input = createTestInput({
      levels: [
        { approvers: ['alice'], roles: [], channels: [], afterMs: 0 },
        { approvers: ['bob'], roles: [], channels: ['dingtalk'], afterMs: 30 * MIN },
        { approvers: ['carol', 'alice'], roles: [], channels: [], afterMs: 60 * MIN },
      ],
      deadlineMs: 90 * MIN,
      onDeadline: 'expired',
    });
    await withApproval(h, input, async (run) => {
      const { handle, calls } = run;
      const l1 = await run.waitFor(cardsSettled, 'level 1 cards');
      const start = Date.parse(l1.startedAt);
      assert.equal(l1.deadlines.nextEscalationAt, new Date(start + 30 * MIN).toISOString());

      await h.env.sleep(35 * MIN);
      const l2 = await run.waitFor((s) => s.level === 2 && cardsSettled(s) && s.deliveries.length === 2, 'level 2');
      assert.deepEqual(shortDeliveries(l2), ['alice/feishu/L1:sent', 'bob/dingtalk/L2:sent']);
      assert.deepEqual(l2.pendingApprovers, ['alice', 'bob']);
      assert.equal(l2.deadlines.nextEscalationAt, new Date(start + 60 * MIN).toISOString());
      assert.equal((await searchAttributes(run)).get(EscalationLevelKey), 2);

      await h.env.sleep(30 * MIN);
      const l3 = await run.waitFor((s) => s.level === 3 && cardsSettled(s) && s.deliveries.length === 3, 'level 3');
      assert.deepEqual(
        l3.recipients.map((r) => [r.userId, r.level]),
        [
          ['alice', 1],
          ['bob', 2],
          ['carol', 3],
        ],
      );
      assert.equal(l3.deadlines.nextEscalationAt, undefined);
      assert.deepEqual(
        calls.sent.map((s) => [s.recipient.userId, s.card.level, s.idempotencyKey]),
        [
          ['alice', 1, cardIdempotencyKey(handle.workflowId, 1, 'alice', 'feishu')],
          ['carol', 3, cardIdempotencyKey(handle.workflowId, 3, 'carol', 'lark')],
        ],
      );
      assert.deepEqual(
        calls.sharedSent.map((s) => [s.recipients.map((r) => r.userId), s.card.level, s.idempotencyKey]),
        [[['bob'], 2, sharedCardIdempotencyKey(handle.workflowId, 'dingtalk')]],
      );

      const result = await handle.result();
      assert.equal(result.status, 'expired');
      assert.equal(result.outcome.reason, 'deadline');
      assert.equal(Date.parse(result.outcome.at) - start >= 90 * MIN, true);
      assert.deepEqual(calls.updated.map((u) => `${u.recipient.userId}:${u.card.status}`).sort(), [
        '*:expired',
        'alice:expired',
        'carol:expired',
      ]);
      const sa = await searchAttributes(run);
      assert.equal(sa.get(EscalationLevelKey), 3);
      assert.equal(sa.get(ApprovalStatusKey), 'expired');
    });
  });

  it('a level 1 approver stays eligible after escalation', async () => {
    const input = createTestInput({
      levels: [
        { approvers: ['alice'], roles: [], channels: [], afterMs: 0 },
        { approvers: ['dave'], roles: [], channels: [], afterMs: 30 * MIN },
      ],
    });
    await withApproval(h, input, async (run) => {
      await run.waitFor(cardsSettled, 'level 1 cards');
      await h.env.sleep(31 * MIN);
      await run.waitFor((s) => s.level === 2 && cardsSettled(s) && s.deliveries.length === 2, 'level 2');
      const answer = await run.handle.executeUpdate(decide, { args: [vote('alice')] });
      assert.equal(answer.status, 'approved');
      const result = await run.handle.result();
      assert.deepEqual(
        result.deliveries.map((d) => `${d.userId}:${d.status}`),
        ['alice:updated', 'dave:updated'],
      );
    });
  });

  it('all: needs every eligible approver', async () => {
    const input = createTestInput({ mode: 'all' });
    await withApproval(h, input, async (run) => {
      await run.waitFor(cardsSettled, 'cards sent');
      assert.equal((await run.state()).requiredApprovals, 2);
      const first = await run.handle.executeUpdate(decide, { args: [vote('bob')] });
      assert.equal(first.status, 'pending');
      assert.deepEqual((await run.state()).pendingApprovers, ['alice']);
      assert.deepEqual((await searchAttributes(run)).get(PendingApproversKey), ['alice']);
      const second = await run.handle.executeUpdate(decide, { args: [vote('alice')] });
      assert.equal(second.status, 'approved');
      const result = await run.handle.result();
      assert.deepEqual(result.outcome.by, { userId: 'alice', name: 'Alice' });
      assert.equal(result.decisions.length, 2);
    });
  });

  it('any: the first reject rejects', async () => {
    await withApproval(h, createTestInput({}), async (run) => {
      await run.waitFor(cardsSettled, 'cards sent');
      const answer = await run.handle.executeUpdate(decide, { args: [vote('alice', 'reject')] });
      assert.equal(answer.status, 'rejected');
      const result = await run.handle.result();
      assert.equal(result.status, 'rejected');
      assert.deepEqual(result.outcome.by, { userId: 'alice', name: 'Alice' });
    });
  });

  it('refuses the requester, non-approvers and second votes; the signal applies valid decisions only', async () => {
    // The stub directory returns the requester as an approver: the workflow itself must refuse them.
    const input = createTestInput({
      mode: 'quorum',
      quorum: 2,
      levels: [{ approvers: ['rita', 'alice', 'bob'], roles: [], channels: [], afterMs: 0 }],
    });
    await withApproval(h, input, async (run) => {
      const s = await run.waitFor(cardsSettled, 'cards sent');
      assert.deepEqual(
        s.recipients.map((r) => r.userId),
        ['alice', 'bob'],
      );
      assert.ok(!run.calls.sent.some((c) => c.recipient.userId === 'rita'), 'no card to the requester');

      await assertRefused(run, vote('rita'), DecisionRejection.RequesterCannotDecide);
      await assertRefused(run, vote('mallory'), DecisionRejection.NotApprover);
      const aliceVote = vote('alice');
      assert.equal((await run.handle.executeUpdate(decide, { args: [aliceVote] })).status, 'pending');
      await assertRefused(run, vote('alice', 'reject'), DecisionRejection.AlreadyVoted);
      assert.deepEqual(
        (await run.state()).decisions.map((d) => d.userId),
        ['alice'],
      );

      // The signal path de-duplicates by event id: bob reusing alice's event id gets her answer, not a vote.
      await run.handle.signal(decisionSignal, vote('bob', 'approve', aliceVote.eventId));
      await run.handle.signal(decisionSignal, vote('rita'));
      await run.handle.signal(decisionSignal, vote('mallory', 'reject'));
      await run.handle.signal(decisionSignal, vote('alice', 'reject'));
      await run.handle.signal(decisionSignal, vote('bob', 'approve', 'sig-bob'));
      const result = await run.handle.result();
      assert.equal(result.status, 'approved');
      assert.deepEqual(
        result.decisions.map((d) => `${d.userId}:${d.decision}`),
        ['alice:approve', 'bob:approve'],
        'refused decisions never reach the state',
      );
      assert.equal(result.decisions[1]?.eventId, 'sig-bob', "bob's vote is his own event, not the reused id");
      assert.deepEqual(result.outcome.by, { userId: 'bob', name: 'Bob' });
    });
  });

  it('a repeated event id gets the first answer; a decision after the outcome is told who decided', async () => {
    const hold = gate();
    const scenario = { directory: DIRECTORY, holdUpdates: hold.promise };
    await withApproval(
      h,
      createTestInput({}),
      async (run) => {
        await run.waitFor(cardsSettled, 'cards sent');
        const first = await run.handle.executeUpdate(decide, { args: [vote('alice', 'approve', 'cb-1')] });
        assert.equal(first.status, 'approved');
        // The run stays open while it updates the cards (held by the stub): late clicks still get an answer.
        const again = await run.handle.executeUpdate(decide, { args: [vote('alice', 'approve', 'cb-1')] });
        assert.deepEqual(again, first);
        const late = await run.handle.executeUpdate(decide, { args: [vote('bob', 'reject', 'cb-2')] });
        assert.deepEqual(late, {
          outcome: 'already_decided',
          status: 'approved',
          decidedBy: { userId: 'alice', name: 'Alice' },
          decidedAt: first.decision?.at,
        });
        // Even the requester and non-approvers get the kind answer once it is decided.
        assert.equal((await run.handle.executeUpdate(decide, { args: [vote('mallory')] })).outcome, 'already_decided');
        await run.handle.signal(decisionSignal, vote('alice', 'approve', 'cb-1'));
        assert.deepEqual(await run.handle.executeUpdate(decide, { args: [vote('bob', 'reject', 'cb-2')] }), late);
        hold.open();
        const result = await run.handle.result();
        assert.equal(result.decisions.length, 1);
      },
      scenario,
    );
  });

  it('withdraw ends a pending approval; afterwards it changes nothing', async () => {
    const hold = gate();
    await withApproval(
      h,
      createTestInput({}),
      async (run) => {
        await run.waitFor(cardsSettled, 'cards sent');
        const withdrawn = await run.handle.executeUpdate(withdraw, { args: [{ by: 'rita', reason: 'not needed' }] });
        assert.equal(withdrawn.status, 'withdrawn');
        assert.deepEqual(withdrawn.outcome?.by, { userId: 'rita', name: 'Rita' });
        assert.equal(withdrawn.outcome?.reason, 'not needed');
        assert.deepEqual(withdrawn.pendingApprovers, []);
        const again = await run.handle.executeUpdate(withdraw, { args: [{ by: 'ops', reason: 'again' }] });
        assert.deepEqual(again.outcome, withdrawn.outcome);
        const late = await run.handle.executeUpdate(decide, { args: [vote('alice')] });
        assert.equal(late.outcome, 'already_decided');
        assert.equal(late.status, 'withdrawn');
        hold.open();
        const result = await run.handle.result();
        assert.equal(result.status, 'withdrawn');
        assert.equal(result.decisions.length, 0);
        assert.ok(run.calls.updated.every((u) => u.card.status === 'withdrawn' && u.card.reason === 'not needed'));
        assert.equal((await searchAttributes(run)).get(ApprovalStatusKey), 'withdrawn');
      },
      { directory: DIRECTORY, holdUpdates: hold.promise },
    );
  });

  it('records failed sends (non-retryable at once, transient retried), a failed update and a failed callback without failing', async () => {
    const directory = {
      ...DIRECTORY,
      alice: {
        name: 'Alice',
        channels: [{ kind: 'feishu' as const, platformUserId: 'ou_alice', fail: 'RECIPIENT_UNREACHABLE' as const }],
      },
      bob: {
        name: 'Bob',
        channels: [
          { kind: 'feishu' as const, platformUserId: 'ou_bob', fail: 'AUTH_INVALID' as const },
          { kind: 'dingtalk' as const, platformUserId: 'dt_bob' },
        ],
      },
      carol: {
        name: 'Carol',
        channels: [
          {
            kind: 'lark' as const,
            platformUserId: 'ou_carol',
            fail: 'TRANSIENT' as const,
            failTimes: 1,
            failUpdate: 'CHANNEL_DISABLED' as const,
          },
        ],
      },
    };
    const input = createTestInput(
      { levels: [{ approvers: ['alice', 'bob', 'carol', 'zed'], roles: [], channels: [], afterMs: 0 }] },
      { callbackUrl: 'https://tickets.example/hook' },
    );
    await withApproval(
      h,
      input,
      async (run) => {
        const s = await run.waitFor(cardsSettled, 'sends settled');
        assert.deepEqual(shortDeliveries(s), [
          'alice/feishu/L1:failed',
          'bob/feishu/L1:failed',
          'bob/dingtalk/L1:sent',
          'carol/lark/L1:sent',
        ]);
        assert.deepEqual(
          s.deliveries.map((d) => d.error?.code),
          ['RECIPIENT_UNREACHABLE', 'AUTH_INVALID', undefined, undefined],
        );
        const attempts = (userId: string, kind: string) =>
          run.calls.attempts.get(
            s.deliveries.find((d) => d.userId === userId && d.kind === kind)?.idempotencyKey ?? '',
          );
        assert.equal(attempts('alice', 'feishu'), 1, 'non-retryable: not retried');
        assert.equal(attempts('carol', 'lark'), 2, 'transient: retried');
        assert.deepEqual(
          s.unreachable.map((u) => u.userId),
          ['zed', 'alice'],
        );
        assert.match(s.unreachable[1]?.reason ?? '', /feishu: RECIPIENT_UNREACHABLE/);
        // Unreachable on chat, alice is still an approver (e.g. through the API).
        assert.equal((await run.handle.executeUpdate(decide, { args: [vote('alice')] })).status, 'approved');
        const result = await run.handle.result();
        assert.equal(result.status, 'approved');
        assert.deepEqual(shortDeliveries({ ...s, deliveries: result.deliveries }), [
          'alice/feishu/L1:failed',
          'bob/feishu/L1:failed',
          'bob/dingtalk/L1:updated',
          'carol/lark/L1:update_failed',
        ]);
        assert.equal(result.deliveries[3]?.error?.code, 'CHANNEL_DISABLED');
        assert.equal(run.calls.notified.length, 1);
        assert.equal((await run.state()).callback?.status, 'failed');
      },
      { directory, callbackFails: true },
    );
  });
});
