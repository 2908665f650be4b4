/**
 * The real `ticketNotice` workflow (and the approval raising its notices) on the time-skipping test server, with the
 * stub activities of test/support/workflow-harness.ts: rounds, fallback, batches, group chats, retries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoadedPolicy } from '../../src/activities/contract.js';
import { noticeWorkflowId } from '../../src/domain/events.js';
import type { NoticeState } from '../../src/domain/notice-state.js';
import { NoticeEventKey, NoticeStatusKey } from '../../src/domain/search-attributes.js';
import { decide } from '../../src/workflows/definitions.js';
import type { Harness } from '../support/workflow-harness.js';
import {
  callsFor,
  createTestInput,
  DIRECTORY,
  runNotice,
  startHarness,
  withApproval,
} from '../support/workflow-harness.js';
import { createTestNoticeInput, createTestSpec } from '../support/notices.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.teardown();
});

let seq = 0;

/** The result of a notice run the approval starts (as a child), once it exists. */
async function noticeResult(workflowId: string): Promise<NoticeState> {
  const handle = h.env.client.workflow.getHandle(workflowId);
  for (let i = 0; i < 200; i++) {
    try {
      await handle.describe();
      return (await handle.result()) as NoticeState;
    } catch (err) {
      if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`${workflowId} never started`);
}
const eventId = () => `wf-notice-${++seq}`;
const rounds = (s: NoticeState) => s.deliveries.map((d) => `${d.userId}/${d.kind}/r${d.round}:${d.status}`);

describe('ticketNotice', () => {
  it('tells each person once on their first channel; a failed one falls back to the next', async () => {
    const directory = {
      ...DIRECTORY,
      bob: {
        name: 'Bob',
        channels: [
          { kind: 'feishu' as const, platformUserId: 'ou_bob', fail: 'RECIPIENT_UNREACHABLE' as const },
          { kind: 'dingtalk' as const, platformUserId: 'dt_bob' },
        ],
      },
    };
    const input = createTestNoticeInput({ eventId: eventId(), spec: createTestSpec({ users: ['bob', 'carol'] }) });
    const { state, calls } = await runNotice(h, input, { directory });
    assert.equal(state.status, 'delivered');
    assert.deepEqual(rounds(state).sort(), [
      'alice/feishu/r1:sent',
      'bob/dingtalk/r2:sent',
      'bob/feishu/r1:failed',
      'carol/lark/r1:sent',
    ]);
    assert.deepEqual(
      calls.told.map((t) => `${t.userId}/${t.kind}`).sort(),
      ['alice/feishu', 'bob/dingtalk', 'carol/lark'],
      'told once each, bob on his second channel',
    );
  });

  it('every-channel: each channel of each person in one round; DingTalk tells its people in one batch', async () => {
    const input = createTestNoticeInput({
      eventId: eventId(),
      ticket: { ...createTestNoticeInput().ticket, requester: { userId: 'rita' } },
      spec: createTestSpec({ users: ['bob', 'dave'], deliverTo: 'every-channel' }),
    });
    const { state, calls } = await runNotice(h, input);
    assert.equal(state.status, 'delivered');
    assert.deepEqual(rounds(state).sort(), [
      'bob/dingtalk/r1:sent',
      'bob/feishu/r1:sent',
      'dave/dingtalk/r1:sent',
      'rita/feishu/r1:sent',
    ]);
    const dingtalk = calls.told.filter((t) => t.kind === 'dingtalk');
    assert.equal(new Set(dingtalk.map((t) => t.idempotencyKey)).size, 1, 'one card instance for bob and dave');
    assert.ok(state.deliveries.filter((d) => d.kind === 'dingtalk').every((d) => d.batched));
  });

  it('a rate-limited send is retried by its activity, then delivered once', async () => {
    const directory = {
      ...DIRECTORY,
      carol: {
        name: 'Carol',
        channels: [{ kind: 'lark' as const, platformUserId: 'ou_carol', fail: 'RATE_LIMITED' as const, failTimes: 2 }],
      },
    };
    const input = createTestNoticeInput({
      eventId: eventId(),
      spec: createTestSpec({ users: ['carol'], relative: [] }),
    });
    const { state, calls } = await runNotice(h, input, { directory });
    assert.equal(state.status, 'delivered');
    assert.deepEqual(rounds(state), ['carol/lark/r1:sent']);
    assert.equal(calls.told.length, 1);
    assert.equal(calls.attempts.get(state.deliveries[0]?.idempotencyKey ?? ''), 3);
  });

  it('an `instead` group message tells everyone on its platform; others are told one to one', async () => {
    const input = createTestNoticeInput({
      eventId: eventId(),
      spec: createTestSpec({
        users: ['bob', 'carol'],
        relative: [],
        groupChats: [{ kind: 'feishu', chatId: 'oc_approvers0001', mode: 'instead' }],
      }),
    });
    const { state, calls } = await runNotice(h, input);
    assert.equal(state.status, 'delivered');
    assert.deepEqual(
      state.groupMessages.map((g) => [g.kind, g.status]),
      [['feishu', 'sent']],
    );
    assert.deepEqual(rounds(state), ['carol/lark/r1:sent'], 'bob is on Feishu: the group told him');
    assert.deepEqual(calls.told.map((t) => t.userId).sort(), ['carol', 'chat:oc_approvers0001']);
  });

  it('no rule: nobody notified, with the reason, and no activity runs', async () => {
    const { spec: _spec, ...rest } = createTestNoticeInput({ eventId: eventId() });
    const { state, calls } = await runNotice(h, { ...rest, unmatched: 'no rule for ticket.x × closed' });
    assert.equal(state.status, 'nobody_notified');
    assert.equal(state.reason, 'no rule for ticket.x × closed');
    assert.equal(calls.told.length, 0);
  });

  it('keeps its search attributes: the event, and how delivery went', async () => {
    const input = createTestNoticeInput({ eventId: eventId() });
    await runNotice(h, input);
    const description = await h.env.client.workflow.getHandle(noticeWorkflowId('default', input.eventId)).describe();
    assert.equal(description.typedSearchAttributes.get(NoticeEventKey), 'executed');
    assert.equal(description.typedSearchAttributes.get(NoticeStatusKey), 'delivered');
  });
});

describe('the approval raises its transitions as notices', () => {
  it('requested (additional users, not the approvers) and approved (the requester and who decided)', async () => {
    const policy = {
      levels: [{ approvers: ['alice', 'bob'], roles: [], channels: [], afterMs: 0 }],
      notices: {
        pending_approval: createTestSpec({ users: ['dave', 'bob'], relative: [] }),
        approved: createTestSpec({ relative: ['requester', 'approvers'] }),
      },
    } as Partial<LoadedPolicy>;
    const input = createTestInput(policy);
    const requested = noticeWorkflowId(input.tenant, `approval:${input.ticketId}:pending_approval`);
    const approved = noticeWorkflowId(input.tenant, `approval:${input.ticketId}:approved`);
    await withApproval(h, input, async (run) => {
      await run.waitFor((s) => s.deliveries.length === 3, 'cards sent');
      const told = await noticeResult(requested);
      assert.deepEqual(
        told.recipients.map((r) => r.userId),
        ['dave'],
        'bob is asked, so he has the card and no notice',
      );
      await run.handle.executeUpdate(decide, {
        args: [{ eventId: 'e1', userId: 'bob', decision: 'approve', via: 'feishu' }],
      });
      await run.handle.result();
      // The child runs on the approval's queue: wait while its worker still runs.
      const outcome = await noticeResult(approved);
      assert.equal(outcome.status, 'delivered');
      assert.deepEqual(outcome.recipients.map((r) => r.userId).sort(), ['bob', 'rita']);
      assert.equal(outcome.ticket.ticketId, input.ticketId);
    });
    const outcome = await noticeResult(approved);
    assert.deepEqual(outcome.recipients.map((r) => r.userId).sort(), ['bob', 'rita']);
    assert.deepEqual(
      callsFor(approved)
        .told.map((t) => t.userId)
        .sort(),
      ['bob', 'rita'],
    );
    assert.equal(outcome.ticket.ticketId, input.ticketId);
  });
});
