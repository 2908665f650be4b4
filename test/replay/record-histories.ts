/**
 * Records the histories replayed by ticket-approval.replay.test.ts: real runs of the workflow on a real Temporal
 * dev server (no time skipping, so the policies use seconds), with the stub activities of the workflow tests.
 *
 * Run once after an intended workflow change (and commit the JSON); name scenarios to record only those:
 *   node --import tsx test/replay/record-histories.ts [scenario ...]
 * Never regenerate histories to make a failing replay test pass: that failure means in-flight runs would break.
 */
import { writeFile } from 'node:fs/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { approvalWorkflowId } from '../../src/domain/approval.js';
import { CHANNEL_KINDS, channelTaskQueue } from '../../src/domain/channel.js';
import { ApprovalStatusKey, RequesterKey, TicketIdKey, TicketTypeKey } from '../../src/domain/search-attributes.js';
import { decided } from '../../src/api/callbacks/click-outcomes.js';
import { contentHash } from '../../src/workflows/approval-cards.js';
import type { DecisionRequest } from '../../src/domain/approval.js';
import { cardAnswered, decide, decisionSignal, state as stateQuery } from '../../src/workflows/definitions.js';
import type { CardAnswered } from '../../src/workflows/definitions.js';
import type { ticketApproval } from '../../src/workflows/ticket-approval.js';
import type { LoadedPolicy } from '../../src/activities/contract.js';
import { noticeWorkflowId } from '../../src/domain/events.js';
import type { NoticeSpec, NoticeState } from '../../src/domain/notice-state.js';
import { startDevServer } from '../support/environments.js';
import { channelStubs, createTestInput, orchestrationStubs, workflowsPath } from '../support/workflow-harness.js';

const OUT = new URL('../fixtures/histories/', import.meta.url);
/** Scenario names from the command line: record only these (a new scenario must not rewrite the saved ones). */
const only = process.argv.slice(2);
const TASK_QUEUE = 'approvals-replay-recording';

type Handle = WorkflowHandle<typeof ticketApproval>;

/**
 * Each scenario starts one approval and drives it to its end; the recorder saves its history as <name>.json, and the
 * history of each notice it raised that `children` names as <file>.json (event id → file name).
 */
const scenarios: Record<
  string,
  {
    input: ReturnType<typeof createTestInput>;
    drive: (h: Handle) => Promise<void>;
    children?: Record<string, string>;
  }
> = {
  // Reminders, an escalation, the final deadline, card updates and the ticket-system callback.
  'escalation-reminders-expired': {
    input: createTestInput(
      {
        levels: [
          { approvers: ['alice'], roles: [], channels: [], afterMs: 0 },
          { approvers: ['bob'], roles: [], channels: [], afterMs: 1_500 },
        ],
        reminders: { everyMs: 1_000, max: 2 },
        deadlineMs: 3_500,
        onDeadline: 'expired',
      },
      { ticketId: 'REPLAY-1', callbackUrl: 'https://tickets.example/hook' },
    ),
    drive: async () => {},
  },
  // Quorum: an update decision, a signal decision, a repeated event id and a late click.
  'quorum-update-and-signal-approved': {
    input: createTestInput(
      {
        mode: 'quorum',
        quorum: 2,
        levels: [{ approvers: ['alice', 'bob', 'carol'], roles: [], channels: [], afterMs: 0 }],
        deadlineMs: 3_600_000,
      },
      { ticketId: 'REPLAY-2' },
    ),
    drive: async (h) => {
      await waitForCards(h);
      await h.executeUpdate(decide, { args: [{ eventId: 'e1', userId: 'alice', decision: 'approve', via: 'feishu' }] });
      await h.executeUpdate(decide, { args: [{ eventId: 'e1', userId: 'alice', decision: 'approve', via: 'feishu' }] });
      await h.signal(decisionSignal, { eventId: 'e2', userId: 'carol', decision: 'approve', via: 'lark' });
      await h.executeUpdate(decide, { args: [{ eventId: 'e3', userId: 'bob', decision: 'reject', via: 'api' }] });
    },
  },
  // Shared DingTalk card (patch 'shared-dingtalk-card'): one instance created at level 1, delivered again at the
  // escalation, reminded and updated once per instance, beside a one-to-one Feishu card.
  'shared-dingtalk-escalation-approved': {
    input: createTestInput(
      {
        levels: [
          { approvers: ['dave'], roles: [], channels: [], afterMs: 0 },
          { approvers: ['bob'], roles: [], channels: [], afterMs: 1_500 },
        ],
        reminders: { everyMs: 1_000, max: 1 },
        deadlineMs: 3_600_000,
      },
      { ticketId: 'REPLAY-3' },
    ),
    drive: async (h) => {
      await waitForCards(h, 3);
      await h.executeUpdate(decide, { args: [{ eventId: 'e1', userId: 'bob', decision: 'approve', via: 'dingtalk' }] });
    },
  },
  // The settling click's answer showed alice's Feishu card (patch 'click-answered-card'): the API's `cardAnswered`
  // signal arrives while the final round waits for it, and that card is not updated; carol's Lark card is.
  'click-answered-card-approved': {
    input: createTestInput(
      { levels: [{ approvers: ['alice', 'carol'], roles: [], channels: [], afterMs: 0 }], deadlineMs: 3_600_000 },
      { ticketId: 'REPLAY-4' },
    ),
    drive: async (h) => {
      await waitForCards(h, 2);
      const before = await h.query(stateQuery);
      const alice = before.recipients.find((r) => r.userId === 'alice');
      const delivery = before.deliveries.find((d) => d.userId === 'alice' && d.kind === 'feishu');
      if (!alice || !delivery?.cardRef) throw new Error('alice has no Feishu card');
      const request: DecisionRequest = {
        eventId: 'e1',
        userId: 'alice',
        decision: 'approve',
        via: 'feishu',
        platformUserId: 'ou_alice',
        answerShowsCard: true,
      };
      const result = await h.executeUpdate(decide, { args: [request] });
      const { card } = decided(result, { state: before, recipient: alice, kind: 'feishu' });
      if (!card) throw new Error('the click answer carries no card');
      const answered: CardAnswered = {
        eventId: 'e1',
        kind: 'feishu',
        cardRef: delivery.cardRef,
        contentHash: contentHash(card),
      };
      await h.signal(cardAnswered, answered);
      await h.result();
      const done = await h.query(stateQuery);
      const skipped = done.deliveries.filter((d) => d.shownByClickAnswer).map((d) => d.userId);
      if (skipped.join() !== 'alice') throw new Error(`expected only alice's card skipped, got [${skipped.join()}]`);
    },
  },
};

// Notices of the approval's transitions (pinned with its policy): `requested` for an additional user, `approved` for
// the requester and who decided, on every channel (one-to-one and a DingTalk batch).
scenarios['notice-events-approved'] = {
  input: createTestInput(
    {
      levels: [{ approvers: ['alice', 'bob'], roles: [], channels: [], afterMs: 0 }],
      deadlineMs: 3_600_000,
      notices: {
        pending_approval: noticeSpec({ users: ['dave', 'bob'], relative: [] }),
        approved: noticeSpec({ users: ['dave'], relative: ['requester', 'approvers'], deliverTo: 'every-channel' }),
      },
    } as Partial<LoadedPolicy>,
    { ticketId: 'REPLAY-5' },
  ),
  drive: async (h) => {
    await waitForCards(h, 3);
    await h.executeUpdate(decide, { args: [{ eventId: 'e1', userId: 'bob', decision: 'approve', via: 'feishu' }] });
  },
  children: { 'approval:REPLAY-5:approved': 'notice-approved-every-channel' },
};

function noticeSpec(overrides: Partial<NoticeSpec>): NoticeSpec {
  return {
    ruleVersion: 'replay@v1',
    roles: [],
    users: [],
    relative: [],
    channels: [],
    deliverTo: 'one-channel',
    groupChats: [],
    respectUserSettings: true,
    ...overrides,
  };
}

async function waitForCards(h: Handle, count = 1): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const s = await h.query(stateQuery);
    if (s.deliveries.length >= count && s.deliveries.every((d) => d.status !== 'pending')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('cards were not sent');
}

async function record(env: TestWorkflowEnvironment): Promise<void> {
  const workflowBundle = await bundleWorkflowCode({ workflowsPath });
  const workers = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle,
      activities: orchestrationStubs,
    }),
    ...CHANNEL_KINDS.map((kind) =>
      Worker.create({ connection: env.nativeConnection, taskQueue: channelTaskQueue(kind), activities: channelStubs }),
    ),
  ]);
  const running = workers.map((w) => w.run());
  try {
    for (const [name, { input, drive, children = {} }] of Object.entries(scenarios)) {
      if (only.length > 0 && !only.includes(name)) continue;
      const handle = await env.client.workflow.start<typeof ticketApproval>('ticketApproval', {
        workflowId: approvalWorkflowId(input.tenant, input.ticketId),
        taskQueue: TASK_QUEUE,
        args: [input],
        typedSearchAttributes: [
          { key: TicketIdKey, value: input.ticketId },
          { key: TicketTypeKey, value: input.ticketType },
          { key: RequesterKey, value: input.requester.userId },
          { key: ApprovalStatusKey, value: 'pending' },
        ],
      });
      await drive(handle);
      const result = await handle.result();
      const history = await handle.fetchHistory();
      await writeFile(new URL(`${name}.json`, OUT), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
      console.log(`${name}: ${result.status}, ${history.events?.length ?? 0} events`);
      for (const [eventId, file] of Object.entries(children)) {
        const child = env.client.workflow.getHandle(noticeWorkflowId(input.tenant, eventId));
        const notice = (await child.result()) as NoticeState;
        const childHistory = await child.fetchHistory();
        const json = `${JSON.stringify(JSON.parse(historyToJSON(childHistory)), null, 2)}\n`;
        await writeFile(new URL(`${file}.json`, OUT), json);
        console.log(`${file}: ${notice.status}, ${childHistory.events?.length ?? 0} events`);
      }
    }
  } finally {
    for (const w of workers) w.shutdown();
    await Promise.all(running);
  }
}

const env = await startDevServer();
try {
  await record(env);
} finally {
  await env.teardown();
}
