/**
 * Metrics and logs of a real approval: the worker's Prometheus endpoint (the SDK's runtime metrics and our workflow /
 * activity counters), the API's GET /metrics, and the JSON log lines of both, tagged with the ticket and with no
 * secret in them. The worker runtime is installed first, the way worker.ts does it, before any Temporal import runs.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadEnv } from '../../src/config/env.js';
import { installWorkerRuntime } from '../../src/service/telemetry.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const metricsAddress = `127.0.0.1:${await freePort()}`;
const lines: string[] = [];
installWorkerRuntime(loadEnv({ LOG_LEVEL: 'debug', WORKER_METRICS_ADDRESS: metricsAddress }), {
  destination: { write: (line) => void lines.push(line) },
});
// Only now: these modules install a default runtime when they load.
const { eventually } = await import('../support/stack.js');
const cb = await import('../callbacks/callback-stack.js');

const TICKET = 'OPS-TEL-1';
const policy = {
  mode: 'any',
  levels: [
    { approvers: ['bob'], channels: ['feishu'] },
    { approvers: ['dave'], channels: ['feishu'], afterMs: 1000 },
  ],
  deadlineMs: 3_600_000,
  onDeadline: 'expired',
};

const scrape = async (url: string) => (await fetch(url)).text();
/** The value of the first sample of `name` whose labels include every `labels` pair. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

describe('operators: metrics endpoints and logs after an approval', () => {
  let stack: Awaited<ReturnType<typeof cb.startCallbackStack>>;
  let workerMetrics = '';
  let apiMetrics = '';

  before(async () => {
    stack = await cb.startCallbackStack();
    // Feishu refuses the first card with its rate-limit answer, saying the window resets now (0 s); the retry
    // delivers it.
    await stack.sim.control.addFault({
      platform: 'feishu',
      path: '/open-apis/im/v1/messages',
      method: 'POST',
      kind: 'rate-limit',
      resetSeconds: 0,
    });
    const res = await stack.call('POST', '/v1/approvals', cb.ticket(TICKET, { policy }));
    assert.equal(res.status, 201);
    await eventually(
      () => cb.approvalState(stack, TICKET),
      (s) => s.level === 2 && s.deliveries?.filter((d) => d.status === 'sent').length === 2,
    );
    const clicked = await cb.click(stack, 'feishu', await cb.cardOf(stack, 'feishu', 'bob', TICKET), 'bob', 'approve');
    assert.equal(clicked.answer.status, 200);
    await eventually(
      () => cb.approvalState(stack, TICKET),
      (s) => s.status === 'approved' && s.deliveries.every((d) => d.status === 'updated'),
    );
    workerMetrics = await eventually(
      () => scrape(`http://${metricsAddress}/metrics`),
      (text) =>
        sample(text, 'approvals_completed_total', { outcome: 'approved' }) === 1 &&
        sample(text, 'approvals_notices_completed_total', { event: 'approved', status: 'delivered' }) === 1,
    );
    apiMetrics = await scrape(`${stack.apiUrl}/metrics`);
  });
  after(async () => {
    await stack?.stop();
  });

  test("the worker endpoint has the SDK's runtime metrics", () => {
    for (const name of ['temporal_workflow_completed', 'temporal_activity_execution_latency', 'temporal_num_pollers']) {
      assert.match(workerMetrics, new RegExp(`^${name}[{_ ]`, 'm'), name);
    }
  });

  test('and ours: cards sent, rate-limited attempts, escalations, approvals by outcome', () => {
    assert.equal(sample(workerMetrics, 'approvals_cards_sent_total', { platform: 'feishu' }), 2);
    assert.equal(sample(workerMetrics, 'approvals_platform_rate_limited_total', { platform: 'feishu' }), 1);
    assert.equal(sample(workerMetrics, 'approvals_escalations_total', { level: '2' }), 1);
    assert.equal(sample(workerMetrics, 'approvals_completed_total', { outcome: 'approved' }), 1);
    assert.match(workerMetrics, /^# TYPE approvals_cards_sent_total counter$/m);
  });

  test('and the outcome notice: the requester and security told on every platform (the sandbox export rule)', () => {
    assert.equal(
      sample(workerMetrics, 'approvals_notices_completed_total', { event: 'approved', status: 'delivered' }),
      1,
    );
    // alice on four platforms, erin on the two DingTalk editions (she left on Feishu / Lark).
    const sent = ['dingtalk', 'dingtalk-exclusive', 'feishu', 'lark'].map(
      (platform) => sample(workerMetrics, 'approvals_notices_sent_total', { platform }) ?? 0,
    );
    assert.deepEqual(sent, [2, 2, 1, 1]);
  });

  test('the API endpoint: starts, decisions, callback latency, quota use, process metrics', () => {
    assert.equal(sample(apiMetrics, 'approvals_started_total', { result: 'created' }), 1);
    assert.equal(sample(apiMetrics, 'approvals_decisions_total', { via: 'feishu', outcome: 'applied' }), 1);
    assert.equal(
      sample(apiMetrics, 'approvals_callback_duration_seconds_count', { platform: 'feishu', outcome: 'answered' }),
      1,
    );
    const quota = sample(apiMetrics, 'approvals_platform_quota_used_ratio', { platform: 'feishu' });
    assert.ok(quota !== undefined && quota > 0 && quota < 0.01, `feishu quota ratio ${quota}`);
    assert.match(apiMetrics, /^process_cpu_user_seconds_total /m);
  });

  test('log lines are JSON, tagged with the ticket and workflow id, and hold no secret', async () => {
    const bobToken = await stack.tokenFor('approver', 'bob');
    await stack.call('GET', `/v1/approvals/${TICKET}`, undefined, bobToken);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = parsed.filter((l) => l.ticketId === TICKET);
    assert.ok(
      mine.some((l) => l.msg === 'request' && l.path === `/v1/approvals/${TICKET}` && l.status === 200),
      'API request lines',
    );
    assert.ok(
      mine.some((l) => String(l.path).startsWith('/callbacks/feishu') && l.workflowId === `approval:default:${TICKET}`),
      'the card callback, tagged once the click named its ticket',
    );
    assert.ok(
      mine.some((l) => l.sdkComponent === 'activity' || l.sdkComponent === 'worker'),
      'worker lines from the SDK, tagged from the workflow id',
    );
    const all = lines.join('\n');
    for (const secret of [
      'sim-feishu-app-secret',
      'sim-feishu-encrypt-key',
      'sim-dingtalk-app-secret',
      'sim-dingtalk-callback-api-secret',
      stack.adminToken,
      stack.webhookSecret,
      bobToken,
    ]) {
      assert.ok(!all.includes(secret), `a secret leaked into the logs (${secret.slice(0, 6)}…)`);
    }
  });
});
