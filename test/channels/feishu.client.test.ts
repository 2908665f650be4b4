import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent } from 'undici';
import { ChannelError } from '../../src/channels/channel-error.js';
import { createFeishuProvider, type FeishuProvider } from '../../src/channels/feishu/index.js';
import type { ApprovalCard } from '../../src/domain/card.js';
import { SANDBOX_APPS, startTestSimulator, type TestSimulator } from '../support/simulator.js';

const app = SANDBOX_APPS.feishu;

function createTestCard(overrides: Partial<ApprovalCard> = {}): ApprovalCard {
  return {
    tenant: 'acme',
    ticketId: 'T-2001',
    ticketType: 'ticket.data_export',
    title: 'Export customers',
    requesterName: 'Alice Requester',
    fields: [{ label: 'Database', value: 'crm' }],
    deadlineAt: '2026-05-02T08:30:00.000Z',
    status: 'pending',
    level: 1,
    nonce: 'n-1',
    ...overrides,
  };
}

void describe('Feishu client against the simulator: tokens and errors', () => {
  let sim: TestSimulator;
  const dispatcher = new Agent();
  let clock = 0;
  const provider = (config: Record<string, unknown> = {}): FeishuProvider =>
    createFeishuProvider(
      'feishu',
      {
        appId: app.appId,
        appSecret: app.appSecret,
        verificationToken: app.verificationToken,
        baseUrl: sim.baseUrl('feishu'),
        ...config,
      },
      dispatcher,
      { now: () => clock },
    );
  const tokenCalls = () => sim.core.log.count({ platform: 'feishu', api: 'token' });
  const bob = async (p: FeishuProvider) => ({
    userId: 'bob',
    name: 'Bob',
    platformUserId: await p.resolveUser({ mobile: '13800000002' }),
  });
  const rejection = async (promise: Promise<unknown>): Promise<ChannelError> => {
    const err = await promise.then(
      () => assert.fail('expected a ChannelError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChannelError, String(err));
    return err;
  };

  before(async () => (sim = await startTestSimulator()));
  after(async () => {
    await sim.close();
    await dispatcher.close();
  });
  beforeEach(() => {
    sim.core.reset();
    clock = Date.now();
  });

  void it('fetches the tenant token once and reuses it', async () => {
    const p = provider();
    const recipient = await bob(p);
    await p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-token-reuse' });
    assert.equal(tokenCalls(), 1);
    const sends = sim.core.log.list({ api: 'send' });
    assert.equal(sends.length, 1);
  });

  void it('shares one in-flight token fetch between concurrent callers', async () => {
    const p = provider();
    await Promise.all(['13800000002', '13800000003', '13800000004'].map((mobile) => p.resolveUser({ mobile })));
    assert.equal(tokenCalls(), 1);
  });

  void it('refreshes the token ahead of expiry', async () => {
    const p = provider();
    await bob(p);
    clock += 2 * 60 * 60_000 - 4 * 60_000; // 4 min before the 2 h expiry: inside the 5 min refresh margin
    await p.resolveUser({ email: 'carol@example.com' });
    assert.equal(tokenCalls(), 2);
  });

  void it('on a rejected token: drops it, fetches a new one and retries once', async () => {
    const p = provider();
    const recipient = await bob(p);
    sim.core.tokens.expireAll({ platform: 'feishu' });
    const { cardRef } = await p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-expired-1' });
    assert.match(cardRef, /^om_/);
    const sends = sim.core.log.list({ api: 'send' }).map((r) => [r.status, r.vendorCode]);
    assert.deepEqual(sends, [
      [400, 99991663],
      [200, 0],
    ]);
    assert.equal(tokenCalls(), 2);
  });

  void it('surfaces TOKEN_EXPIRED when the retry is rejected too', async () => {
    const p = provider();
    const recipient = await bob(p);
    sim.core.faults.add({ platform: 'feishu', path: '/im/v1/messages', kind: 'token-expired', count: 2 });
    const err = await rejection(p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-expired-2' }));
    assert.equal(err.code, 'TOKEN_EXPIRED');
    assert.equal(sim.core.log.count({ api: 'send' }), 2, 'exactly one retry');
  });

  void it('429 with x-ogw-ratelimit-reset → RATE_LIMITED with retryAfterMs', async () => {
    const p = provider();
    const recipient = await bob(p);
    sim.core.faults.add({ path: '/im/v1/messages', kind: 'rate-limit', resetSeconds: 7 });
    const err = await rejection(p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-rl-1' }));
    assert.equal(err.code, 'RATE_LIMITED');
    assert.equal(err.retryAfterMs, 7000);
    assert.ok(err.retryable);
  });

  void it('per-app rate limit of the simulator answers RATE_LIMITED', async () => {
    sim.core.apps.upsert('feishu', app.appId, { rateLimitPerSecond: 1 });
    const p = provider();
    // One after the other: lookups made together would share one batch_get_id call.
    const results: PromiseSettledResult<string>[] = [];
    for (const email of ['a@x.com', 'b@x.com', 'c@x.com']) {
      results.push(...(await Promise.allSettled([p.resolveUser({ email })])));
    }
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as ChannelError).code === 'RATE_LIMITED',
    );
    assert.ok(limited.length >= 1);
    const reason = (limited[0] as PromiseRejectedResult).reason as ChannelError;
    assert.ok((reason.retryAfterMs ?? 0) >= 1000);
  });

  void it('monthly quota used up → QUOTA_EXHAUSTED, not retryable', async () => {
    sim.core.apps.upsert('feishu', app.appId, { monthlyQuota: 1 });
    const p = provider();
    const recipient = await bob(p);
    await p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-quota-1' });
    const err = await rejection(p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-quota-2' }));
    assert.equal(err.code, 'QUOTA_EXHAUSTED');
    assert.equal(err.vendorCode, 99991403);
    assert.ok(!err.retryable);
  });

  void it('bad app secret → AUTH_INVALID, and the secret is not in the message', async () => {
    const p = provider({ appSecret: 'definitely-wrong-secret' });
    const err = await rejection(p.resolveUser({ mobile: '13800000002' }));
    assert.equal(err.code, 'AUTH_INVALID');
    assert.equal(err.vendorCode, 10014);
    assert.ok(!err.retryable);
    assert.ok(!err.message.includes('definitely-wrong-secret'));
  });

  void it('5xx and dropped connections → TRANSIENT', async () => {
    const p = provider();
    const recipient = await bob(p);
    sim.core.faults.add({ path: '/im/v1/messages', kind: 'error', status: 503 });
    const err = await rejection(p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-5xx' }));
    assert.equal(err.code, 'TRANSIENT');
    assert.ok(err.retryable);
    sim.core.faults.add({ path: '/im/v1/messages', kind: 'reset' });
    const reset = await rejection(p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-reset' }));
    assert.equal(reset.code, 'TRANSIENT');
  });

  void it('times out slow answers as TRANSIENT', async () => {
    const p = provider({ requestTimeoutMs: 200 });
    const recipient = await bob(p);
    sim.core.faults.add({ path: '/im/v1/messages', kind: 'delay', delayMs: 1000 });
    const err = await rejection(p.sendCard({ recipient, card: createTestCard(), idempotencyKey: 'ab-slow' }));
    assert.equal(err.code, 'TRANSIENT');
    assert.match(err.message, /timed out/);
  });

  void it('passes the caller’s AbortSignal through', async () => {
    const p = provider();
    const recipient = await bob(p);
    sim.core.faults.add({ path: '/im/v1/messages', kind: 'delay', delayMs: 1000 });
    const controller = new AbortController();
    const pending = p.sendCard({
      recipient,
      card: createTestCard(),
      idempotencyKey: 'ab-abort',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 50);
    await assert.rejects(pending, /cancelled by test/);
  });

  void it('invalid requests → INVALID_REQUEST (update of an unknown message)', async () => {
    const p = provider();
    const recipient = await bob(p);
    const err = await rejection(p.updateCard({ cardRef: 'om_doesnotexist', recipient, card: createTestCard() }));
    assert.equal(err.code, 'INVALID_REQUEST');
    assert.equal(err.vendorCode, 230001);
    assert.ok(!err.retryable);
  });
});
