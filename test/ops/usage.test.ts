/**
 * Quota usage: every platform call counted per app and month (billed or not) at the platform clients, stored in
 * the database, and reported by GET /v1/channels/:kind/usage against the monthly quota with a warning from 80 %.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import type { PlatformCallEvent } from '../../src/channels/call-observer.js';
import { createChannelRegistry, staticChannelSource } from '../../src/channels/registry.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { sandboxChannels } from '../../src/service/sandbox-channels.js';
import {
  createUsageRecorder,
  DbUsageStore,
  isBilled,
  MemoryUsageStore,
  monthlyQuotaOf,
  usageMonth,
  usageReport,
  type UsageReport,
  type UsageStore,
} from '../../src/usage/index.js';
import { startTestSimulator, type TestSimulator } from '../support/simulator.js';
import { eventually, startStack, type Stack } from '../support/stack.js';

const card = {
  tenant: 'default',
  ticketId: 'U-1',
  ticketType: 'ticket.data_export',
  title: 'Export',
  requesterName: 'Alice',
  fields: [],
  deadlineAt: new Date(Date.now() + 3_600_000).toISOString(),
  status: 'pending' as const,
  level: 1,
  nonce: 'n',
};

describe('billing rules', () => {
  test('tokens and lookups are free; sends, updates, reminders and registrations are billed when answered < 400', () => {
    assert.equal(isBilled({ api: 'token', status: 200 }), false);
    assert.equal(isBilled({ api: 'lookup', status: 200 }), false);
    for (const api of ['send', 'update', 'reminder', 'callback-registration'] as const) {
      assert.equal(isBilled({ api, status: 200 }), true, api);
      assert.equal(isBilled({ api, status: 429 }), false, `${api} refused by a rate limit`);
      assert.equal(isBilled({ api }), false, `${api} without an answer`);
    }
  });

  test('months follow the platforms (UTC+8); quotas default per edition and follow monthlyQuota', () => {
    assert.equal(usageMonth(new Date('2026-01-31T15:59:59Z')), '2026-01');
    assert.equal(usageMonth(new Date('2026-01-31T16:00:00Z')), '2026-02');
    assert.equal(monthlyQuotaOf('dingtalk', {}), 5000);
    assert.equal(monthlyQuotaOf('dingtalk-exclusive', {}), 5000);
    assert.equal(monthlyQuotaOf('feishu', {}), 10000);
    assert.equal(monthlyQuotaOf('lark', { monthlyQuota: 0 }), 10000);
    assert.equal(monthlyQuotaOf('lark', { monthlyQuota: 200000 }), 200000);
  });
});

/** The same contract for the in-memory store and the database store. */
function storeContract(name: string, open: () => Promise<{ store: UsageStore; close(): Promise<void> }>) {
  describe(`${name} usage store`, () => {
    let opened: Awaited<ReturnType<typeof open>>;
    before(async () => (opened = await open()));
    after(() => opened.close());

    test('counts per app, month and API kind; reports against the quota with the 80 % warning', async () => {
      const { store } = opened;
      const at = new Date('2026-03-10T08:00:00Z');
      const call = (api: 'token' | 'send' | 'update', billed: boolean, appId = 'cli_a') =>
        store.record({ kind: 'feishu', appId, api, at, billed });
      await call('token', false);
      for (let i = 0; i < 7; i++) await call('send', true);
      await call('send', false); // refused
      await call('send', true, 'cli_other');
      await store.record({
        kind: 'feishu',
        appId: 'cli_a',
        api: 'send',
        at: new Date('2026-04-01T00:00:00Z'),
        billed: true,
      });

      const march = await store.monthTotal('feishu', 'cli_a', '2026-03');
      assert.deepEqual(march, {
        calls: 9,
        billedCalls: 7,
        byApi: { token: { calls: 1, billedCalls: 0 }, send: { calls: 8, billedCalls: 7 } },
      });
      const channel = { kind: 'feishu' as const, config: { appId: 'cli_a', monthlyQuota: 10 } };
      const below = (await usageReport(store, channel, at)) as UsageReport;
      assert.equal(below.percent, 70);
      assert.equal(below.warning, undefined);
      await call('update', true);
      const warned = (await usageReport(store, channel, at)) as UsageReport;
      assert.deepEqual([warned.billedCalls, warned.quota, warned.percent], [8, 10, 80]);
      assert.match(warned.warning ?? '', /quota is 80% used \(8 of 10 billed calls in 2026-03\)/);
      await call('update', true);
      await call('update', true);
      assert.match((await usageReport(store, channel, at))?.warning ?? '', /quota is used up/);
    });
  });
}

storeContract('in-memory', () => Promise.resolve({ store: new MemoryUsageStore(), close: () => Promise.resolve() }));
storeContract('database', async () => {
  const handle: DatabaseHandle = await openDatabase({ kind: 'memory', name: `usage-${randomUUID()}` });
  return { store: new DbUsageStore(handle.db), close: () => handle.release() };
});

describe('the recorder', () => {
  test('stores in the background, computes billing, reports store failures, and flushes', async () => {
    const store = new MemoryUsageStore();
    const errors: unknown[] = [];
    const recorder = createUsageRecorder(store, (err) => errors.push(err));
    const at = new Date('2026-05-05T00:00:00Z');
    recorder.observer({ kind: 'lark', appId: 'cli_l', api: 'send', status: 200, at });
    recorder.observer({ kind: 'lark', appId: 'cli_l', api: 'token', status: 200, at });
    await recorder.flush();
    assert.deepEqual(await store.monthTotal('lark', 'cli_l', '2026-05'), {
      calls: 2,
      billedCalls: 1,
      byApi: { send: { calls: 1, billedCalls: 1 }, token: { calls: 1, billedCalls: 0 } },
    });
    const failing = createUsageRecorder(
      { record: () => Promise.reject(new Error('db down')), monthTotal: () => Promise.reject(new Error('no')) },
      (err) => errors.push(err),
    );
    failing.observer({ kind: 'lark', appId: 'cli_l', api: 'send', status: 200, at });
    await failing.flush();
    assert.equal((errors[0] as Error | undefined)?.message, 'db down');
  });
});

describe('the platform clients report every call, once, with its kind', () => {
  let sim: TestSimulator;
  const dispatcher = new Agent();
  before(async () => (sim = await startTestSimulator()));
  after(async () => {
    await dispatcher.close();
    await sim.close();
  });

  test('Feishu and DingTalk: token, lookup, send, update, reminder', async () => {
    const events: PlatformCallEvent[] = [];
    const registry = createChannelRegistry(
      staticChannelSource(sandboxChannels(sim.url, 'http://console.example.test')),
      dispatcher,
      { onCall: (e) => events.push(e) },
    );
    for (const kind of ['feishu', 'dingtalk'] as const) {
      const provider = await registry.get(kind);
      const platformUserId = await provider.resolveUser({ mobile: '+8613800000002' });
      const recipient = { userId: 'bob', name: 'Bob', platformUserId };
      const { cardRef } = await provider.sendCard({ recipient, card, idempotencyKey: `ab-${kind}-1` });
      await provider.updateCard({ cardRef, recipient, card });
      await provider.remind({ cardRef, recipient, card, reminder: 1, idempotencyKey: `ab-${kind}-r1` });
    }
    const seen = events.map((e) => `${e.kind} ${e.appId} ${e.api} ${e.status}`);
    assert.deepEqual(seen, [
      'feishu cli_sim_feishu_0001 token 200',
      'feishu cli_sim_feishu_0001 lookup 200',
      'feishu cli_sim_feishu_0001 send 200',
      'feishu cli_sim_feishu_0001 update 200',
      'feishu cli_sim_feishu_0001 reminder 200',
      'dingtalk dingsimstandard0001 token 200',
      'dingtalk dingsimstandard0001 lookup 200',
      'dingtalk dingsimstandard0001 send 200',
      'dingtalk dingsimstandard0001 update 200',
      'dingtalk dingsimstandard0001 reminder 200',
    ]);
  });
});

describe('GET /v1/channels/:kind/usage on the running service', () => {
  let stack: Stack;
  const usage = (kind: string, token?: string) =>
    stack.call<UsageReport>('GET', `/v1/channels/${kind}/usage`, undefined, token);
  before(async () => (stack = await startStack()));
  after(async () => {
    await stack?.stop();
  });

  test('counters move with the calls an approval makes, and match what the platform saw', async () => {
    const before = await usage('feishu');
    assert.equal(before.status, 200);
    assert.deepEqual(
      { kind: before.body.kind, appId: before.body.appId, quota: before.body.quota },
      { kind: 'feishu', appId: 'cli_sim_feishu_0001', quota: 10000 },
    );
    assert.equal(before.body.month, usageMonth(new Date()));

    const start = await stack.call('POST', '/v1/approvals', {
      ticketId: 'OPS-USE-1',
      ticketType: 'ticket.data_export',
      title: 'Export',
      requester: { userId: 'alice' },
    });
    assert.equal(start.status, 201);
    await eventually(
      () => stack.call<{ deliveries?: { status: string }[] }>('GET', '/v1/approvals/OPS-USE-1').then((r) => r.body),
      (s) => s.deliveries?.filter((d) => d.status === 'sent').length === 8,
    );
    await stack.call('POST', '/v1/approvals/OPS-USE-1/withdraw', { reason: 'done' });
    await eventually(
      () => stack.call<{ deliveries: { status: string }[] }>('GET', '/v1/approvals/OPS-USE-1').then((r) => r.body),
      (s) => s.deliveries.every((d) => d.status === 'updated'),
    );
    await stack.deps.usage?.flush();

    const after = (await usage('feishu', await stack.tokenFor('dba', 'dana'))).body;
    // bob and carol: one card each, then both updated to "withdrawn"; one token, one batched lookup (free).
    assert.deepEqual(after.byApi, {
      token: { calls: 1, billedCalls: 0 },
      lookup: { calls: 1, billedCalls: 0 },
      send: { calls: 2, billedCalls: 2 },
      update: { calls: 2, billedCalls: 2 },
    });
    assert.deepEqual([after.calls, after.billedCalls, after.percent], [6, 4, 0.04]);
    const platformSaw = await stack.sim.control.call<Record<string, number>>('GET', '/counters?platform=feishu');
    assert.equal(
      after.calls,
      Object.values(platformSaw).reduce((a, b) => a + b, 0),
      JSON.stringify(platformSaw),
    );
    // Lark as Feishu; each DingTalk edition one shared card for both (one createAndDeliver, one PUT).
    const expected = { dingtalk: [2, 1], 'dingtalk-exclusive': [2, 1], lark: [4, 2] };
    for (const kind of ['dingtalk', 'dingtalk-exclusive', 'lark'] as const) {
      const report = (await usage(kind)).body;
      assert.deepEqual([report.billedCalls, report.byApi.send?.calls], expected[kind], kind);
    }
  });

  test("a channel's monthlyQuota is honoured, and from 80 % the report warns", async () => {
    const current = await stack.call<{ config: Record<string, unknown> }>('GET', '/v1/channels/lark');
    const put = await stack.call('PUT', '/v1/channels/lark', {
      kind: 'lark',
      config: { ...current.body.config, monthlyQuota: 5 },
    });
    assert.ok(put.status === 200 || put.status === 201, JSON.stringify(put.body));
    const report = (await usage('lark')).body;
    assert.deepEqual([report.quota, report.billedCalls, report.percent], [5, 4, 80]);
    assert.match(report.warning ?? '', /^The lark app's monthly API quota is 80% used \(4 of 5 billed calls in /);
  });

  test('admin and dba only', async () => {
    const approver = await stack.tokenFor('approver', 'bob');
    assert.equal((await usage('feishu', approver)).status, 403);
    assert.equal((await usage('feishu', 'not-a-token')).status, 401);
    assert.equal((await usage('teams')).status, 400);
  });
});
