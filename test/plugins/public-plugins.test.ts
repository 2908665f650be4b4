/**
 * The library surface as a ticket system uses it: workers made of nothing but the public plugin factories
 * (approvalsPlugin + feishuPlugin with a static config pointing at the simulator), driven by the typed client
 * helpers, against a real Temporal dev server and the platform simulator over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ZodError } from 'zod';
import {
  APPROVALS_TASK_QUEUE,
  ApprovalPolicy,
  approvalsPlugin,
  channelTaskQueue,
  createApprovalsClient,
  createWorkers,
  DecisionRejectedError,
  DecisionRejection,
  EventIdConflictError,
  dingtalkExclusivePlugin,
  feishuPlugin,
  inMemoryUserDirectory,
  larkPlugin,
  platformChannels,
  runWorkers,
  staticChannelSource,
  User,
  type ApprovalsClient,
  type ApprovalState,
  type PolicySource,
  type StartApprovalRequestInput,
  type TaskQueuePlugin,
} from '../../src/index.js';
import { startDevServer } from '../support/environments.js';
import { SANDBOX_APPS, startTestSimulator, type TestSimulator } from '../support/simulator.js';

const directory = inMemoryUserDirectory(
  [
    { id: 'alice', name: 'Alice Chen', mobile: '+8613800000001', roles: ['developer'] },
    { id: 'bob', name: 'Bob Li', mobile: '+8613800000002', roles: ['dba'] },
    { id: 'carol', name: 'Carol Wang', mobile: '+8613800000003', roles: ['dba'] },
  ].map((u) => User.parse(u)),
);
const policy = ApprovalPolicy.parse({ mode: 'any', levels: [{ roles: ['dba'] }], deadlineMs: 3_600_000 });
const policies: PolicySource = { forTicketType: () => Promise.resolve(policy) };

function ticket(ticketId: string): StartApprovalRequestInput {
  return {
    ticketId,
    ticketType: 'ticket.data_export',
    title: `Export orders (${ticketId})`,
    requester: { userId: 'alice', name: 'Alice Chen' },
    fields: [{ label: 'Database', value: 'orders_prod' }],
  };
}

/** Polls `read` until `done` holds; fails with the last value after the deadline. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sent = (s: ApprovalState) => s.deliveries.length === 2 && s.deliveries.every((d) => d.status === 'sent');

describe('the public plugins and client helpers on a real dev server', () => {
  let temporal: TestWorkflowEnvironment;
  let sim: TestSimulator;
  let plugins: TaskQueuePlugin[];
  let approvals: ApprovalsClient;

  const cards = async (user: string, ticketId: string) =>
    (await sim.control.inbox('feishu', user)).filter((m) => JSON.stringify(m.content).includes(ticketId));

  before(async () => {
    [temporal, sim] = await Promise.all([startDevServer(), startTestSimulator()]);
    const app = SANDBOX_APPS.feishu;
    const feishu = feishuPlugin({
      config: {
        appId: app.appId,
        appSecret: app.appSecret,
        verificationToken: app.verificationToken,
        encryptKey: app.encryptKey,
        baseUrl: sim.baseUrl('feishu'),
      },
    });
    plugins = [approvalsPlugin({ policies, directory, channels: platformChannels([feishu]) }), feishu];
    approvals = createApprovalsClient(temporal.client);
  });
  after(async () => {
    await sim?.close();
    await temporal?.teardown();
  });

  test('split deployment: one Worker per queue from the same plugin list; the platform worker alone sends', async () => {
    const connection = temporal.nativeConnection;
    const workerFor = (taskQueue: string) => Worker.create({ connection, taskQueue, plugins });
    const orchestration = await workerFor(APPROVALS_TASK_QUEUE);
    const platform = await workerFor(channelTaskQueue('feishu'));
    // Each plugin configured only the worker of its own queue.
    assert.deepEqual([...orchestration.options.activities.keys()].sort(), [
      'loadPolicy',
      'notifyTicketSystem',
      'planNotice',
      'resolveRecipients',
    ]);
    assert.equal(orchestration.options.maxTaskQueueActivitiesPerSecond, undefined);
    assert.deepEqual([...platform.options.activities.keys()].sort(), [
      'remind',
      'sendCard',
      'sendGroupCard',
      'sendGroupNotice',
      'sendNotice',
      'sendNoticeBatch',
      'sendSharedCard',
      'updateCard',
    ]);
    assert.equal(platform.options.workflowsPath, undefined, 'no workflows on the platform queue');
    assert.equal(platform.options.maxTaskQueueActivitiesPerSecond, 16, "Feishu's default from its config schema");

    const orchestrating = orchestration.run();
    let sending: Promise<void> | undefined;
    try {
      const started = await approvals.start(ticket('PLG-1'));
      assert.equal(started.workflowId, 'approval:default:PLG-1');
      assert.equal(started.created, true);
      const again = await approvals.start(ticket('PLG-1'));
      assert.deepEqual(again, { ...started, created: false }, 'idempotent on the ticket id');

      // Only the approvals queue is served: recipients are resolved, the sends wait on the Feishu queue.
      const waiting = await until(
        () => approvals.state('PLG-1'),
        (s) => s.deliveries.length === 2,
      );
      assert.deepEqual(waiting.recipients.map((r) => r.userId).sort(), ['bob', 'carol']);
      assert.ok(waiting.deliveries.every((d) => d.status === 'pending'));
      assert.equal((await cards('bob', 'PLG-1')).length, 0);

      sending = platform.run();
      await until(() => approvals.state('PLG-1'), sent);
      assert.equal((await cards('bob', 'PLG-1')).length, 1);
      assert.equal((await cards('carol', 'PLG-1')).length, 1);

      await assert.rejects(
        approvals.decide('PLG-1', { eventId: 'e-alice', userId: 'alice', decision: 'approve' }),
        (err: unknown) =>
          err instanceof DecisionRejectedError && err.rejection === DecisionRejection.RequesterCannotDecide,
      );
      const decided = await approvals.decide('PLG-1', { eventId: 'e-bob', userId: 'bob', decision: 'approve' });
      assert.equal(decided.outcome, 'applied');
      assert.equal(decided.status, 'approved');

      const result = await approvals.result('PLG-1');
      assert.equal(result.status, 'approved');
      assert.equal(result.outcome.by?.userId, 'bob');
      assert.ok(
        result.deliveries.every((d) => d.status === 'updated'),
        'every card shows the outcome',
      );
      const [bobsCard] = await cards('bob', 'PLG-1');
      assert.ok(bobsCard?.history.some((h) => h.source === 'update'));

      // After the run closed: a late vote is answered, a withdrawal changes nothing.
      const late = await approvals.decide('PLG-1', { eventId: 'e-carol', userId: 'carol', decision: 'reject' });
      assert.deepEqual(late, {
        outcome: 'already_decided',
        status: 'approved',
        decidedBy: result.outcome.by,
        decidedAt: result.outcome.at,
      });
      const afterWithdraw = await approvals.withdraw('PLG-1', { by: 'alice', reason: 'too late' });
      assert.equal(afterWithdraw.status, 'approved');
    } finally {
      orchestration.shutdown();
      if (sending) platform.shutdown();
      await Promise.all([orchestrating, sending]);
    }
  });

  test('one process with every plugin (createWorkers): a withdrawal is the outcome', async () => {
    const workers = await createWorkers({ connection: temporal.nativeConnection, plugins });
    assert.deepEqual(workers.map((w) => w.options.taskQueue).sort(), [
      APPROVALS_TASK_QUEUE,
      channelTaskQueue('feishu'),
    ]);
    const running = runWorkers(workers);
    try {
      await approvals.start({ ...ticket('PLG-2'), tenant: 'acme' });
      const ref = { tenant: 'acme', ticketId: 'PLG-2' };
      await until(() => approvals.state(ref), sent);
      const withdrawn = await approvals.withdraw(ref, { by: 'alice', reason: 'ticket cancelled' });
      assert.equal(withdrawn.status, 'withdrawn');
      const result = await approvals.result(ref);
      assert.equal(result.status, 'withdrawn');
      assert.equal(result.outcome.reason, 'ticket cancelled');
    } finally {
      for (const w of workers) w.shutdown();
      await running;
    }
  });

  test('notify: whoever `tell` names hears of the event once; the same event again is its run, another is refused', async () => {
    const workers = await createWorkers({ connection: temporal.nativeConnection, plugins });
    const running = runWorkers(workers);
    const event = {
      eventId: 'plg-executed-1',
      ticketId: 'PLG-3',
      ticketType: 'ticket.data_export',
      state: 'executed',
      title: 'Export orders (PLG-3)',
      requester: { userId: 'alice', name: 'Alice Chen' },
      note: '12,000 rows',
    };
    const tell = { relative: ['requester' as const], users: ['bob'] };
    try {
      const started = await approvals.notify(event, tell);
      assert.deepEqual(started.workflowId, 'notice:default:plg-executed-1');
      const done = await until(
        () => approvals.notice({ eventId: 'plg-executed-1' }),
        (n) => n.status !== 'delivering',
      );
      assert.equal(done.status, 'delivered');
      assert.deepEqual(done.recipients.map((r) => r.userId).sort(), ['alice', 'bob']);
      for (const user of ['alice', 'bob']) {
        const notices = (await cards(user, 'PLG-3')).filter((m) =>
          JSON.stringify(m.content).includes('Note: 12,000 rows'),
        );
        assert.equal(notices.length, 1, `${user} was told once`);
      }
      assert.deepEqual(await approvals.notify(event, tell), { ...started, created: false });
      await assert.rejects(approvals.notify({ ...event, note: 'something else' }, tell), EventIdConflictError);
    } finally {
      for (const w of workers) w.shutdown();
      await running;
    }
  });
});

describe('plugin factories and client helpers without a server', () => {
  const rateOf = (plugin: TaskQueuePlugin) =>
    plugin.configureWorker({ taskQueue: plugin.taskQueue }).maxTaskQueueActivitiesPerSecond;
  const feishuConfig = { appId: 'cli_x', appSecret: 's', verificationToken: 't' };

  test("a static config is validated at once, and its maxSendsPerSecond is the queue's rate limit", () => {
    assert.throws(() => feishuPlugin({ config: { ...feishuConfig, appId: '' } }));
    assert.equal(rateOf(feishuPlugin({ config: { ...feishuConfig, maxSendsPerSecond: 5 } })), 5);
    assert.equal(rateOf(feishuPlugin({ config: feishuConfig, maxActivitiesPerSecond: 3 })), 3);
  });

  test('a config loaded by reference gets the platform default; each plugin reads only its own platform', async () => {
    const source = staticChannelSource([
      { kind: 'lark', enabled: true, version: '1', config: feishuConfig },
      { kind: 'feishu', enabled: true, version: '1', config: feishuConfig },
    ]);
    const lark = larkPlugin({ configSource: source });
    const exclusive = dingtalkExclusivePlugin({ configSource: source });
    assert.equal(lark.taskQueue, 'approvals-channel-lark');
    assert.equal(rateOf(lark), 16);
    assert.equal(rateOf(exclusive), 20);
    const channels = platformChannels([lark, exclusive]);
    assert.deepEqual(await channels.enabledKinds(), ['lark'], 'feishu has no plugin; dingtalk-exclusive no config');
    assert.equal((await channels.get('lark')).kind, 'lark');
    await assert.rejects(channels.get('feishu'), { code: 'CHANNEL_DISABLED' });
  });

  test('client helpers validate with the shared schemas before calling Temporal', async () => {
    const offline = createApprovalsClient({} as never);
    await assert.rejects(offline.start({ ...ticket('bad id'), title: '' }), ZodError);
    await assert.rejects(offline.decide('T-1', { eventId: '', userId: 'bob', decision: 'maybe' as never }), ZodError);
    await assert.rejects(offline.withdraw('T-1', { by: '' }), ZodError);
    await assert.rejects(offline.notify({ eventId: 'e', state: 'Nope' } as never, {}), ZodError);
    assert.throws(() => offline.handle('not a ticket id!'), ZodError);
  });
});
