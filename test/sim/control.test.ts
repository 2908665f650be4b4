import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startTestSimulator, type TestSimulator } from '../support/simulator.js';

void describe('simulator: control API and core', () => {
  let sim: TestSimulator;
  before(async () => (sim = await startTestSimulator()));
  after(() => sim.close());

  void it('lists the seeded apps and users and restores them on reset', async () => {
    const apps = await sim.control.call<{ appId: string }[]>('GET', '/apps?platform=feishu');
    assert.deepEqual(
      apps.map((a) => a.appId),
      ['cli_sim_feishu_0001'],
    );
    await sim.control.setUser('zoe', { name: 'Zoe', email: 'zoe@example.com' });
    const zoe = await sim.control.call<{ ids: Record<string, string> }>('GET', '/users/zoe');
    assert.match(zoe.ids.feishu ?? '', /^ou_[0-9a-f]{32}$/);
    await sim.control.reset();
    await assert.rejects(sim.control.call('GET', '/users/zoe'), /404/);
    const users = await sim.control.call<{ id: string }[]>('GET', '/users');
    assert.deepEqual(users.map((u) => u.id).slice(0, 4), ['alice', 'bob', 'carol', 'dave']);
  });

  void it('rejects bad input with 400 and unknown paths with 404', async () => {
    await assert.rejects(sim.control.call('POST', '/faults', { kind: 'explode' }), /400/);
    await assert.rejects(sim.control.call('GET', '/apps/nowhere/x'), /400/);
    const res = await request(`${sim.url}/nowhere`);
    assert.equal(res.statusCode, 404);
    await res.body.dump();
  });

  void it('consumes faults in order and only for matching requests', () => {
    const core = sim.core;
    core.faults.add({ platform: 'feishu', path: '/im/v1/messages', kind: 'error', count: 2 });
    assert.equal(core.faults.take('lark', 'POST', '/open-apis/im/v1/messages'), undefined);
    assert.equal(core.faults.take('feishu', 'POST', '/open-apis/auth/v3/tenant_access_token/internal'), undefined);
    assert.equal(core.faults.take('feishu', 'POST', '/open-apis/im/v1/messages')?.kind, 'error');
    assert.equal(core.faults.take('feishu', 'PATCH', '/open-apis/im/v1/messages/om_1')?.kind, 'error');
    assert.equal(core.faults.take('feishu', 'POST', '/open-apis/im/v1/messages'), undefined);
  });

  void it('expires tokens on demand and logs requests with counters', async () => {
    await sim.control.reset();
    const issued = sim.core.tokens.issue('feishu', 'cli_sim_feishu_0001');
    assert.deepEqual(await sim.control.expireTokens({ platform: 'feishu' }), { expired: 1 });
    assert.equal(sim.core.tokens.lookup('feishu', issued.token).status, 'expired');
    const res = await request(`${sim.baseUrl('feishu')}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      body: JSON.stringify({ app_id: 'cli_sim_feishu_0001', app_secret: 'sim-feishu-app-secret' }),
    });
    await res.body.dump();
    const counters = await sim.control.call<Record<string, number>>('GET', '/counters?platform=feishu');
    assert.deepEqual(counters, { 'feishu/cli_sim_feishu_0001/token': 1 });
    const log = await sim.control.requests({ platform: 'feishu', api: 'token' });
    assert.equal(log[0]?.vendorCode, 0);
  });

  void it('rate limiter windows and monthly quota', () => {
    const { limiter, quota, apps } = sim.core;
    const first = limiter.hit('k', 2);
    assert.ok(first.allowed);
    limiter.hit('k', 2);
    const third = limiter.hit('k', 2);
    if (third.allowed) return; // crossed a window boundary between calls; nothing to assert
    assert.ok(third.resetSeconds >= 1);
    const app = apps.upsert('feishu', 'cli_quota', { appSecret: 's', monthlyQuota: 1 });
    assert.ok(!quota.exhausted(app));
    quota.record(app);
    assert.ok(quota.exhausted(app));
  });
});
