import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent } from 'undici';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import { startSimServer, type SimServer } from '../../sim/server.js';
import type { SimCardView } from '../../sim/dingtalk/template.js';
import { ChannelError } from '../../src/channels/channel-error.js';
import { createDingtalkProvider, type DingtalkKind, type DingtalkProvider } from '../../src/channels/dingtalk/index.js';
import { createTestCard, until } from '../support/cards.js';

const START = Date.UTC(2030, 0, 15, 12, 0, 0);
let now = START;
const clock = { now: () => now };
let sim: SimServer;
const dispatcher = new Agent({ connections: 8 });

/** Fails unless `promise` rejects with a ChannelError of `code`; returns it for more checks. */
async function channelError(promise: Promise<unknown>, code: string): Promise<ChannelError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ChannelError, `expected ChannelError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

before(async () => {
  sim = await startSimServer({ clock });
});
after(async () => {
  await sim.close();
  await dispatcher.close();
});

for (const edition of ['dingtalk', 'dingtalk-exclusive'] as const satisfies DingtalkKind[]) {
  void describe(`${edition} client against the simulator`, () => {
    const app = SANDBOX_APPS[edition];
    const base = {
      appKey: app.appId,
      appSecret: app.appSecret,
      robotCode: app.appId,
      cardTemplateId: 'tpl.approval.v1',
      callbackRouteKey: 'approvals-bridge',
      apiSecret: 'sim-card-api-secret',
      consoleBaseUrl: 'https://console.example.com',
      ...(edition === 'dingtalk' ? { appId: 'sim-app-id', agentId: '123456' } : {}),
    };
    const provider = (overrides: Record<string, unknown> = {}): DingtalkProvider =>
      createDingtalkProvider(
        edition,
        { ...base, apiBaseUrl: `${sim.url}/${edition}/api`, oapiBaseUrl: `${sim.url}/${edition}/oapi`, ...overrides },
        dispatcher,
        { now: clock.now },
      );
    const count = (api: string): number => sim.core.log.count({ platform: edition, api });
    const bobId = (): string => sim.core.users.get('bob')?.ids[edition] ?? '';
    const recipient = () => ({ userId: 'bob', name: 'Bob Approver', platformUserId: bobId() });
    const view = (cardRef: string): SimCardView => sim.core.inbox.get(edition, cardRef)?.content as SimCardView;

    beforeEach(() => {
      now = START;
      sim.core.reset();
    });

    void it('caches the token: the second call makes no token request', async () => {
      const p = provider();
      assert.equal(await p.resolveUser({ mobile: '13800000002' }), bobId());
      await p.resolveUser({ mobile: '13800000003' });
      assert.equal(count('token'), 1);
    });

    void it('refreshes the token before it expires', async () => {
      const p = provider();
      await p.resolveUser({ mobile: '13800000002' });
      now += (7200 - 11 * 60) * 1000;
      await p.resolveUser({ mobile: '13800000003' });
      assert.equal(count('token'), 1, 'still fresh 11 minutes before expiry');
      now += 2 * 60 * 1000;
      await p.resolveUser({ mobile: '13800000004' });
      assert.equal(count('token'), 2, 'refreshed inside the 10-minute margin');
    });

    void it('concurrent callers share one token fetch', async () => {
      const p = provider();
      await Promise.all(['13800000002', '13800000003', '13800000004'].map((mobile) => p.resolveUser({ mobile })));
      assert.equal(count('token'), 1);
    });

    void it('an invalid-token answer drops the token, refetches and retries once (new and old API)', async () => {
      const p = provider();
      await p.resolveUser({ mobile: '13800000002' });
      sim.core.tokens.expireAll({ platform: edition });
      await p.resolveUser({ mobile: '13800000003' });
      assert.equal(count('token'), 2);
      const lookups = sim.core.log.list({ platform: edition, api: 'resolve_user' });
      assert.deepEqual(
        lookups.map((r) => r.vendorCode),
        [0, 88, 0],
        'old API: errcode 88 + sub_code, then success',
      );
      sim.core.tokens.expireAll({ platform: edition });
      await p.sendCard({ recipient: recipient(), card: createTestCard(), idempotencyKey: 'ab-token-1' });
      const sends = sim.core.log.list({ platform: edition, api: 'send' });
      assert.deepEqual(
        sends.map((r) => r.vendorCode),
        ['InvalidAuthentication', undefined],
      );
      assert.equal(count('token'), 3);
    });

    void it('retries only once: a second invalid-token answer is TOKEN_EXPIRED', async () => {
      const p = provider();
      sim.core.faults.add({ platform: edition, path: '/card/instances', kind: 'token-expired', count: 2 });
      const err = await channelError(
        p.sendCard({ recipient: recipient(), card: createTestCard(), idempotencyKey: 'ab-token-2' }),
        'TOKEN_EXPIRED',
      );
      assert.equal(err.retryable, true);
      assert.equal(count('send'), 2);
      assert.equal(count('token'), 2);
    });

    void it('resolves by mobile, caches it, and reports unknown people unreachable', async () => {
      const p = provider();
      assert.equal(await p.resolveUser({ mobile: '+8613800000002' }), bobId());
      assert.equal(await p.resolveUser({ mobile: '+8613800000002' }), bobId());
      assert.equal(count('resolve_user'), 1);
      await channelError(p.resolveUser({ mobile: '13899999999' }), 'RECIPIENT_UNREACHABLE');
      sim.core.users.upsert('carol', { status: { [edition]: 'resigned' } });
      const resigned = await channelError(p.resolveUser({ mobile: '13800000003' }), 'RECIPIENT_UNREACHABLE');
      assert.equal(resigned.vendorCode, '60121');
      const email = await channelError(p.resolveUser({ email: 'bob@example.com' }), 'RECIPIENT_UNREACHABLE');
      assert.match(email.message, /cannot look users up by email; add a mobile/);
    });

    void it('createAndDeliver puts the card into the robot chat with private nonce and buttons', async () => {
      const { cardRef } = await provider().sendCard({
        recipient: recipient(),
        card: createTestCard(),
        idempotencyKey: 'ab-send-1',
      });
      assert.equal(cardRef, 'ab-send-1');
      const message = sim.core.inbox.get(edition, cardRef);
      assert.equal(message?.userId, 'bob');
      const card = view(cardRef);
      assert.equal(card.cardTemplateId, 'tpl.approval.v1');
      assert.equal(card.cardParamMap.title, 'Export orders table');
      assert.equal(card.cardParamMap.detailsUrl, 'https://console.example.com/tickets/T-42');
      assert.deepEqual(card.privateParamMap, { nonce: 'nonce-bob-1' });
      assert.deepEqual(
        card.buttons.map((b) => b.params),
        [
          { action: 'approve', ticketId: 'T-42', tenant: 'acme', nonce: 'nonce-bob-1' },
          { action: 'reject', ticketId: 'T-42', tenant: 'acme', nonce: 'nonce-bob-1' },
        ],
      );
    });

    void it('the same outTrackId twice gives one card', async () => {
      const p = provider();
      const req = { recipient: recipient(), card: createTestCard(), idempotencyKey: 'ab-dup-1' };
      assert.deepEqual(await p.sendCard(req), { cardRef: 'ab-dup-1' });
      assert.deepEqual(await p.sendCard(req), { cardRef: 'ab-dup-1' });
      assert.equal(sim.core.inbox.list({ platform: edition, userId: 'bob' }).length, 1);
      const sends = sim.core.log.list({ platform: edition, api: 'send' });
      assert.deepEqual(
        sends.map((r) => r.vendorCode),
        [undefined, 'param.cardAlreadyExist'],
      );
    });

    void it('a failed deliverResults entry is RECIPIENT_UNREACHABLE even though the call succeeded', async () => {
      sim.core.users.upsert('grace', { status: { [edition]: 'out_of_scope' } });
      const grace = { userId: 'grace', name: 'Grace', platformUserId: sim.core.users.get('grace')?.ids[edition] ?? '' };
      const err = await channelError(
        provider().sendCard({ recipient: grace, card: createTestCard(), idempotencyKey: 'ab-grace-1' }),
        'RECIPIENT_UNREACHABLE',
      );
      assert.match(err.message, /visible range/);
      assert.equal(sim.core.inbox.list({ platform: edition, userId: 'grace' }).length, 0);
    });

    void it('updates the card to its final state and reminds on the same card', async () => {
      const p = provider();
      const { cardRef } = await p.sendCard({
        recipient: recipient(),
        card: createTestCard(),
        idempotencyKey: 'ab-upd-1',
      });
      await p.remind({
        cardRef,
        recipient: recipient(),
        card: createTestCard(),
        reminder: 1,
        idempotencyKey: 'ab-rem-1',
      });
      assert.match(view(cardRef).cardParamMap.reminder ?? '', /^Reminder 1: /);
      assert.equal(view(cardRef).cardParamMap.title, 'Export orders table', 'update by key keeps the other params');
      const final = createTestCard({
        status: 'approved',
        decidedBy: 'Bob Approver',
        decidedAt: '2030-01-15T12:30:00.000Z',
      });
      await p.updateCard({ cardRef, recipient: recipient(), card: final });
      const card = view(cardRef);
      assert.equal(card.cardParamMap.statusText, 'Approved by Bob Approver at Jan 15, 12:30 (UTC)');
      assert.equal(card.cardParamMap.reminder, '');
      assert.deepEqual(card.buttons, []);
      assert.equal(sim.core.inbox.list({ platform: edition, userId: 'bob' }).length, 1, 'no second message');
      assert.deepEqual(
        sim.core.inbox.get(edition, cardRef)?.history.map((h) => h.source),
        ['send', 'update', 'update'],
      );
    });

    void it('QPS limit → RATE_LIMITED with retryAfterMs', async () => {
      sim.core.apps.upsert(edition, app.appId, { rateLimitPerSecond: 2 });
      const p = provider();
      const send = (n: number) =>
        p.sendCard({ recipient: recipient(), card: createTestCard(), idempotencyKey: `ab-qps-${n}` });
      await send(1);
      await send(2);
      const err = await channelError(send(3), 'RATE_LIMITED');
      assert.equal(err.retryAfterMs, 1000);
      assert.equal(err.vendorCode, 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi');
      now += 1000;
      await send(3);
    });

    void it('monthly quota → QUOTA_EXHAUSTED; lookups are not counted', async () => {
      sim.core.apps.upsert(edition, app.appId, { monthlyQuota: 1 });
      const p = provider();
      await p.resolveUser({ mobile: '13800000002' });
      await p.sendCard({ recipient: recipient(), card: createTestCard(), idempotencyKey: 'ab-quota-1' });
      const err = await channelError(
        p.sendCard({ recipient: recipient(), card: createTestCard(), idempotencyKey: 'ab-quota-2' }),
        'QUOTA_EXHAUSTED',
      );
      assert.equal(err.retryable, false);
      assert.equal(err.vendorCode, 'Forbidden.AccessDenied.ApiCountLimitForOrg');
      assert.equal(await p.resolveUser({ mobile: '13800000003' }), sim.core.users.get('carol')?.ids[edition]);
    });

    void it('bad credentials → AUTH_INVALID without the secret in the message', async () => {
      const err = await channelError(
        provider({ appSecret: 'wrong-secret-value' }).resolveUser({ mobile: '13800000002' }),
        'AUTH_INVALID',
      );
      assert.equal(err.vendorCode, 'invalidClientIdOrSecret');
      assert.ok(!err.message.includes('wrong-secret-value'));
    });

    void it('5xx and dropped connections → TRANSIENT', async () => {
      const p = provider();
      sim.core.faults.add({ platform: edition, path: '/createAndDeliver', kind: 'error', status: 500 });
      const busy = await channelError(
        p.sendCard({ recipient: recipient(), card: createTestCard(), idempotencyKey: 'ab-5xx-1' }),
        'TRANSIENT',
      );
      assert.equal(busy.vendorCode, 'system.busy');
      sim.core.faults.add({ platform: edition, path: '/getbymobile', kind: 'error', status: 502 });
      await channelError(p.resolveUser({ mobile: '13800000002' }), 'TRANSIENT');
      sim.core.faults.add({ platform: edition, path: '/card/instances', kind: 'reset' });
      await channelError(
        p.updateCard({ cardRef: 'ab-5xx-1', recipient: recipient(), card: createTestCard() }),
        'TRANSIENT',
      );
    });

    void it('invalid requests → INVALID_REQUEST', async () => {
      const p = provider();
      const missing = await channelError(
        p.updateCard({ cardRef: 'ab-never-sent', recipient: recipient(), card: createTestCard() }),
        'INVALID_REQUEST',
      );
      assert.equal(missing.vendorCode, 'param.cardNotExist');
      const wrongRobot = await channelError(
        provider({ robotCode: 'dingotherrobot' }).sendCard({
          recipient: recipient(),
          card: createTestCard(),
          idempotencyKey: 'ab-robot-1',
        }),
        'INVALID_REQUEST',
      );
      assert.equal(wrongRobot.vendorCode, 'param.openDeliverModelError');
    });

    void it('passes the caller abort signal through', async () => {
      const p = provider();
      await p.resolveUser({ mobile: '13800000002' });
      sim.core.faults.add({ platform: edition, path: '/createAndDeliver', kind: 'delay', delayMs: 2000 });
      const controller = new AbortController();
      const pending = p.sendCard({
        recipient: recipient(),
        card: createTestCard(),
        idempotencyKey: 'ab-abort-1',
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(pending, (err: Error) => err.name === 'AbortError' && !(err instanceof ChannelError));
      // The simulator still answers the abandoned request; let it finish inside this test.
      await until(() => count('send') === 1);
    });

    void it('registers the callback route, overwriting a different URL with forceUpdate', async () => {
      const p = provider();
      await p.registerCallback({ callbackUrl: 'https://bridge.example.com/callbacks/dingtalk' });
      const route = () => sim.core.apps.get(edition, app.appId)?.callbackRoutes['approvals-bridge'];
      assert.deepEqual(route(), {
        url: 'https://bridge.example.com/callbacks/dingtalk',
        secret: 'sim-card-api-secret',
      });
      await p.registerCallback({ callbackUrl: 'https://bridge.example.com/callbacks/dingtalk' });
      assert.equal(count('register_callback'), 2, 'same registration: no forced overwrite');
      await p.registerCallback({ callbackUrl: 'https://new.example.com/callbacks/dingtalk' });
      assert.equal(route()?.url, 'https://new.example.com/callbacks/dingtalk');
      const codes = sim.core.log.list({ platform: edition, api: 'register_callback' }).map((r) => r.vendorCode);
      assert.deepEqual(codes, [undefined, undefined, 'param.callbackRouteKeyExist', undefined]);
    });
  });
}
