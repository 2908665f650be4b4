/**
 * Runs the real `ticketApproval` workflow on the time-skipping test server against in-memory stub activities that
 * record every card sent, updated and reminded, per workflow id.
 */
import { activityInfo } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type {
  ChannelActivities,
  NoticeChannelActivities,
  NoticeOrchestrationActivities,
  NotifyTicketSystemInput,
  OrchestrationActivities,
  SendNoticeBatchInput,
  SendNoticeInput,
  RemindInput,
  SendCardInput,
  SendSharedCardInput,
  UpdateCardInput,
} from '../../src/activities/contract.js';
import type { TicketApprovalInput } from '../../src/domain/approval.js';
import { approvalWorkflowId } from '../../src/domain/approval.js';
import type { ChannelErrorCode, ChannelKind } from '../../src/domain/channel.js';
import { CHANNEL_KINDS, channelTaskQueue, NON_RETRYABLE_CHANNEL_ERRORS } from '../../src/domain/channel.js';
import { noticeWorkflowId } from '../../src/domain/events.js';
import type { NoticeInput, NoticeState } from '../../src/domain/notice-state.js';
import type { ApprovalPolicy } from '../../src/domain/policy.js';
import {
  ApprovalStatusKey,
  RequesterKey,
  SEARCH_ATTRIBUTE_KEYS,
  TicketIdKey,
  TicketTypeKey,
} from '../../src/domain/search-attributes.js';
import type { ApprovalState, Recipient } from '../../src/domain/state.js';
import { state as stateQuery } from '../../src/workflows/definitions.js';
import type { ticketApproval } from '../../src/workflows/ticket-approval.js';
import { startTimeSkippingServer } from './environments.js';

export const MIN = 60_000;
export const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

/** A user in the stub directory: their channels, and how sends to each channel behave. */
export interface StubUser {
  name: string;
  channels: {
    kind: ChannelKind;
    platformUserId: string;
    /** Sends fail with this code (at most `failTimes` times). */
    fail?: ChannelErrorCode;
    failTimes?: number;
    /** Final card updates fail with this code. */
    failUpdate?: ChannelErrorCode;
  }[];
}

export const DIRECTORY: Record<string, StubUser> = {
  rita: { name: 'Rita', channels: [{ kind: 'feishu', platformUserId: 'ou_rita' }] },
  alice: { name: 'Alice', channels: [{ kind: 'feishu', platformUserId: 'ou_alice' }] },
  bob: {
    name: 'Bob',
    channels: [
      { kind: 'feishu', platformUserId: 'ou_bob' },
      { kind: 'dingtalk', platformUserId: 'dt_bob' },
    ],
  },
  carol: { name: 'Carol', channels: [{ kind: 'lark', platformUserId: 'ou_carol' }] },
  dave: { name: 'Dave', channels: [{ kind: 'dingtalk', platformUserId: 'dt_dave' }] },
};

/** What the stub activities saw for one workflow. */
export interface Calls {
  sent: SendCardInput[];
  /** Shared card rounds (SHARED_CARD_KINDS): one per round and kind. */
  sharedSent: SendSharedCardInput[];
  updated: UpdateCardInput[];
  reminded: RemindInput[];
  notified: NotifyTicketSystemInput[];
  /** Notices told, one entry per person × channel (batches and group messages split per person / chat). */
  told: { userId: string; kind: ChannelKind; idempotencyKey: string }[];
  attempts: Map<string, number>;
}

/** A promise the test resolves when it likes. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export interface Scenario {
  directory: Record<string, StubUser>;
  /** Makes notifyTicketSystem fail for good. */
  callbackFails?: boolean;
  /** Final card updates wait for this, keeping the run open after its outcome. */
  holdUpdates?: Promise<void>;
}

const calls = new Map<string, Calls>();
const scenarios = new Map<string, Scenario>();

function callsOf(workflowId: string): Calls {
  let c = calls.get(workflowId);
  if (!c) {
    c = { sent: [], sharedSent: [], updated: [], reminded: [], notified: [], told: [], attempts: new Map() };
    calls.set(workflowId, c);
  }
  return c;
}

function current(): { calls: Calls; scenario: Scenario } {
  const workflowId = activityInfo().workflowExecution?.workflowId ?? '';
  return { calls: callsOf(workflowId), scenario: scenarios.get(workflowId) ?? { directory: DIRECTORY } };
}

function channelFailure(code: ChannelErrorCode): ApplicationFailure {
  return ApplicationFailure.create({
    type: code,
    message: `stub ${code}`,
    nonRetryable: NON_RETRYABLE_CHANNEL_ERRORS.includes(code),
  });
}

/** Whether a send to this user on this kind fails, per the directory (`failTimes` limits how often). */
function sendFails(key: string, userId: string, kind: ChannelKind): ChannelErrorCode | undefined {
  const { calls: c, scenario } = current();
  const channel = scenario.directory[userId]?.channels.find((ch) => ch.kind === kind);
  const attempt = (c.attempts.get(key) ?? 0) + 1;
  c.attempts.set(key, attempt);
  return channel?.fail && attempt <= (channel.failTimes ?? Infinity) ? channel.fail : undefined;
}

/** Notices: one person at a time, or a batch (DingTalk) whose failing people are reported, never thrown. */
const noticeStubs: NoticeChannelActivities = {
  sendNotice(input: SendNoticeInput) {
    const fail = sendFails(input.idempotencyKey, input.recipient.userId, input.kind);
    if (fail) return Promise.reject(channelFailure(fail));
    current().calls.told.push({
      userId: input.recipient.userId,
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
    });
    return Promise.resolve({ ref: `notice-${input.idempotencyKey}` });
  },
  sendNoticeBatch(input: SendNoticeBatchInput) {
    const results = input.recipients.map((r) => {
      const fail = sendFails(`${input.idempotencyKey}|${r.userId}`, r.userId, input.kind);
      if (!fail)
        current().calls.told.push({ userId: r.userId, kind: input.kind, idempotencyKey: input.idempotencyKey });
      return fail
        ? { platformUserId: r.platformUserId, delivered: false, error: { code: fail, message: `stub ${fail}` } }
        : { platformUserId: r.platformUserId, delivered: true };
    });
    return Promise.resolve({ ref: `notice-${input.idempotencyKey}`, results });
  },
  sendGroupNotice(input) {
    current().calls.told.push({
      userId: `chat:${input.chatId}`,
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
    });
    return Promise.resolve({ ref: `group-${input.idempotencyKey}` });
  },
};

/** Channel stubs: a send fails as the directory says (`failTimes` limits how often), else returns a card ref. */
export const channelStubs: ChannelActivities & NoticeChannelActivities = {
  ...noticeStubs,
  sendCard(input) {
    const { calls: c, scenario } = current();
    const channel = scenario.directory[input.recipient.userId]?.channels.find((ch) => ch.kind === input.kind);
    const attempt = (c.attempts.get(input.idempotencyKey) ?? 0) + 1;
    c.attempts.set(input.idempotencyKey, attempt);
    if (channel?.fail && attempt <= (channel.failTimes ?? Infinity))
      return Promise.reject(channelFailure(channel.fail));
    c.sent.push(input);
    return Promise.resolve({ cardRef: `ref-${input.kind}-${input.recipient.userId}-${input.card.level}` });
  },
  /** One shared instance per kind; a recipient whose channel has `fail` is reported not delivered with that code. */
  sendSharedCard(input) {
    const { calls: c, scenario } = current();
    c.sharedSent.push(input);
    const results = input.recipients.map((r) => {
      const fail = scenario.directory[r.userId]?.channels.find((ch) => ch.kind === input.kind)?.fail;
      return fail
        ? { platformUserId: r.platformUserId, delivered: false, error: { code: fail, message: `stub ${fail}` } }
        : { platformUserId: r.platformUserId, delivered: true };
    });
    return Promise.resolve({ cardRef: input.cardRef ?? `ref-${input.kind}-${input.idempotencyKey}`, results });
  },
  async updateCard(input) {
    const { calls: c, scenario } = current();
    await scenario.holdUpdates;
    const channel = scenario.directory[input.recipient.userId]?.channels.find((ch) => ch.kind === input.kind);
    if (channel?.failUpdate) throw channelFailure(channel.failUpdate);
    c.updated.push(input);
  },
  remind(input) {
    current().calls.reminded.push(input);
    return Promise.resolve();
  },
};

/** Orchestration stubs. resolveRecipients deliberately does NOT drop the requester: the workflow must. */
export const orchestrationStubs: OrchestrationActivities & NoticeOrchestrationActivities = {
  /** The rule's users, the requester and the approvers, on their directory channels (in directory order). */
  planNotice({ spec, requesterId, approverIds, event }) {
    const { scenario } = current();
    const ids = new Set(spec.users);
    if (spec.relative.includes('requester')) ids.add(requesterId);
    if (spec.relative.includes('approvers')) for (const id of approverIds ?? []) ids.add(id);
    if (event === 'pending_approval') for (const id of approverIds ?? []) ids.delete(id);
    const known = [...ids].filter((id) => scenario.directory[id]);
    return Promise.resolve({
      recipients: known.map((userId) => ({
        userId,
        name: scenario.directory[userId]?.name ?? userId,
        channels: (scenario.directory[userId]?.channels ?? [])
          .filter((c) => spec.channels.length === 0 || spec.channels.includes(c.kind))
          .map(({ kind, platformUserId }) => ({ kind, platformUserId })),
      })),
      optedOut: [],
      unreachable: [...ids].filter((id) => !scenario.directory[id]).map((userId) => ({ userId, reason: 'unknown' })),
    });
  },
  loadPolicy({ override }) {
    if (!override) return Promise.reject(ApplicationFailure.nonRetryable('no policy in test', 'NO_POLICY'));
    return Promise.resolve(override);
  },
  resolveRecipients({ level, spec }) {
    const { scenario } = current();
    const recipients: Recipient[] = [];
    const unreachable = [];
    for (const userId of spec.approvers) {
      const user = scenario.directory[userId];
      if (!user) {
        unreachable.push({ userId, reason: 'not in directory' });
        continue;
      }
      const channels = user.channels
        .filter((c) => spec.channels.length === 0 || spec.channels.includes(c.kind))
        .map(({ kind, platformUserId }) => ({ kind, platformUserId }));
      recipients.push({ userId, name: user.name, level, channels });
    }
    return Promise.resolve({ recipients, unreachable });
  },
  notifyTicketSystem(input) {
    const { calls: c, scenario } = current();
    c.notified.push(input);
    if (scenario.callbackFails) return Promise.reject(ApplicationFailure.nonRetryable('HTTP 400', 'WEBHOOK_REJECTED'));
    return Promise.resolve();
  },
};

export interface Harness {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
  teardown(): Promise<void>;
}

/** Test server with our search attributes registered, the shared workflow bundle, and channel workers. */
export async function startHarness(): Promise<Harness> {
  // Runtime (logger) is installed by ./environments.js when it is imported.
  const env = await startTimeSkippingServer();
  // The Java test server only knows its built-in attributes; ours are registered through the operator service.
  const { IndexedValueType } = proto.temporal.api.enums.v1;
  const types = {
    KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
    KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  } as const;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, types[k.type]])),
  });
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  // The workflow sends channel activities to the fixed per-platform queues, so these workers serve every test.
  const channelWorkers = await Promise.all(
    CHANNEL_KINDS.map((kind) =>
      Worker.create({ connection: env.nativeConnection, taskQueue: channelTaskQueue(kind), activities: channelStubs }),
    ),
  );
  const running = channelWorkers.map((w) => w.run());
  return {
    env,
    bundle,
    async teardown() {
      for (const w of channelWorkers) w.shutdown();
      await Promise.all(running);
      await env.teardown();
    },
  };
}

let counter = 0;

export function createTestInput(policy: Partial<ApprovalPolicy>, overrides: Partial<TicketApprovalInput> = {}) {
  counter += 1;
  const input: TicketApprovalInput = {
    tenant: 'acme',
    ticketId: `T-${counter}-${Date.now()}`,
    ticketType: 'ticket.data_export',
    title: 'Data export',
    requester: { userId: 'rita', name: 'Rita' },
    fields: [{ label: 'table', value: 'orders' }],
    policy: {
      mode: 'any',
      levels: [{ approvers: ['alice', 'bob'], roles: [], channels: [], afterMs: 0 }],
      deadlineMs: 120 * MIN,
      onDeadline: 'expired',
      ...policy,
    },
    ...overrides,
  };
  return input;
}

export interface Run {
  handle: WorkflowHandle<typeof ticketApproval>;
  calls: Calls;
  state(): Promise<ApprovalState>;
  /** Polls the state query until `ok` holds (the workflow runs on its own; this never advances time). */
  waitFor(ok: (s: ApprovalState) => boolean, what: string): Promise<ApprovalState>;
}

/**
 * Starts one approval on a fresh task queue, with its own workflow worker, and runs `body` while the worker runs.
 * Search attributes are set at start like the API does.
 */
export async function withApproval<T>(
  h: Harness,
  input: TicketApprovalInput,
  body: (run: Run) => Promise<T>,
  scenario: Scenario = { directory: DIRECTORY },
): Promise<T> {
  const taskQueue = `approvals-test-${++counter}`;
  const workflowId = approvalWorkflowId(input.tenant, input.ticketId);
  scenarios.set(workflowId, scenario);
  const worker = await Worker.create({
    connection: h.env.nativeConnection,
    taskQueue,
    workflowBundle: h.bundle,
    activities: orchestrationStubs,
  });
  return worker.runUntil(async () => {
    const handle = await h.env.client.workflow.start<typeof ticketApproval>('ticketApproval', {
      workflowId,
      taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: TicketIdKey, value: input.ticketId },
        { key: TicketTypeKey, value: input.ticketType },
        { key: RequesterKey, value: input.requester.userId },
        { key: ApprovalStatusKey, value: 'pending' },
      ],
    });
    const state = () => handle.query(stateQuery);
    const waitFor = async (ok: (s: ApprovalState) => boolean, what: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const s = await state();
        if (ok(s)) return s;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      return await body({ handle, calls: callsOf(workflowId), state, waitFor });
    } finally {
      // A failed test must not leave a run whose timers would stall time skipping for the tests after it.
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate('test finished');
    }
  });
}

/** Every card has been sent or has failed (no delivery in flight). */
export const cardsSettled = (s: ApprovalState): boolean =>
  s.deliveries.length > 0 && s.deliveries.every((d) => d.status !== 'pending');

/** What the stub activities saw for the notice run `workflowId` (e.g. a child notice of an approval). */
export function callsFor(workflowId: string): Calls {
  return callsOf(workflowId);
}

/**
 * Runs one `ticketNotice` on a fresh task queue with its own worker (the stub activities), waits for its result and
 * answers it with what the stubs saw.
 */
export async function runNotice(
  h: Harness,
  input: NoticeInput,
  scenario: Scenario = { directory: DIRECTORY },
): Promise<{ state: NoticeState; calls: Calls }> {
  const taskQueue = `notices-test-${++counter}`;
  const workflowId = noticeWorkflowId(input.ticket.tenant, input.eventId);
  scenarios.set(workflowId, scenario);
  const worker = await Worker.create({
    connection: h.env.nativeConnection,
    taskQueue,
    workflowBundle: h.bundle,
    activities: orchestrationStubs,
  });
  const state = await worker.runUntil(
    h.env.client.workflow.execute<(i: NoticeInput) => Promise<NoticeState>>('ticketNotice', {
      workflowId,
      taskQueue,
      args: [input],
    }),
  );
  return { state, calls: callsOf(workflowId) };
}
