import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { request } from 'undici';
import { SANDBOX_APPS, startTestSimulator, type TestSimulator } from '../support/simulator.js';

type Answer = { status: number; headers: Record<string, unknown>; body: Record<string, unknown> };

void describe('simulator: Feishu wire format', () => {
  let sim: TestSimulator;
  let token = '';
  const app = SANDBOX_APPS.feishu;

  const call = async (
    method: 'POST' | 'PATCH',
    path: string,
    body: unknown,
    auth = `Bearer ${token}`,
  ): Promise<Answer> => {
    const res = await request(`${sim.baseUrl('feishu')}${path}`, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: auth },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
  };
  const send = (body: Record<string, unknown>, type = 'open_id') =>
    call('POST', `/open-apis/im/v1/messages?receive_id_type=${type}`, body);
  const bobOpenId = () => sim.core.users.get('bob')?.ids.feishu ?? '';
  const card = (config: Record<string, unknown>) =>
    JSON.stringify({ config, header: { title: { tag: 'plain_text', content: 'x' } }, elements: [] });

  before(async () => (sim = await startTestSimulator()));
  after(() => sim.close());
  beforeEach(async () => {
    sim.core.reset();
    const res = await call(
      'POST',
      '/open-apis/auth/v3/tenant_access_token/internal',
      { app_id: app.appId, app_secret: app.appSecret },
      '',
    );
    token = String(res.body.tenant_access_token);
  });

  void it('issues flat tenant tokens and reuses one with ≥ 30 min left', async () => {
    const again = await call(
      'POST',
      '/open-apis/auth/v3/tenant_access_token/internal',
      { app_id: app.appId, app_secret: app.appSecret },
      '',
    );
    assert.equal(again.body.tenant_access_token, token);
    assert.match(token, /^t-/);
    assert.equal(again.body.code, 0);
    assert.ok(Number(again.body.expire) <= 7200);
    const unknown = await call(
      'POST',
      '/open-apis/auth/v3/tenant_access_token/internal',
      { app_id: 'cli_nope', app_secret: 'x' },
      '',
    );
    assert.deepEqual([unknown.status, unknown.body.code], [200, 10014]);
    const malformed = await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', {}, '');
    assert.deepEqual([malformed.status, malformed.body.code], [200, 10003]);
  });

  void it('answers the documented token errors', async () => {
    const missing = await call('POST', '/open-apis/im/v1/messages?receive_id_type=open_id', {}, '');
    assert.deepEqual([missing.status, missing.body.code], [400, 99991661]);
    const invalid = await call('POST', '/open-apis/im/v1/messages?receive_id_type=open_id', {}, 'Bearer t-nope');
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body, { code: 99991663, msg: 'Invalid access token for authorization' });
    assert.ok(invalid.headers['x-tt-logid']);
  });

  void it('rate limit: HTTP 429, 99991400 and the x-ogw-ratelimit headers', async () => {
    sim.core.apps.upsert('feishu', app.appId, { rateLimitPerSecond: 1 });
    const answers = await Promise.all(
      [1, 2, 3].map(() => call('POST', '/open-apis/contact/v3/users/batch_get_id', { emails: ['bob@example.com'] })),
    );
    const limited = answers.find((a) => a.status === 429);
    assert.ok(limited);
    assert.equal(limited.body.code, 99991400);
    assert.equal(limited.headers['x-ogw-ratelimit-limit'], '1');
    assert.ok(Number(limited.headers['x-ogw-ratelimit-reset']) >= 1);
  });

  void it('validates uuid length, receive_id_type and content', async () => {
    const long = await send({
      receive_id: bobOpenId(),
      msg_type: 'text',
      content: '{"text":"hi"}',
      uuid: 'u'.repeat(51),
    });
    assert.deepEqual([long.status, long.body.code], [400, 99992402]);
    const noType = await call('POST', '/open-apis/im/v1/messages', { receive_id: bobOpenId() });
    assert.deepEqual([noType.status, noType.body.code], [400, 99992402]);
    const bad = await send({ receive_id: bobOpenId(), msg_type: 'interactive', content: '{not json' });
    assert.deepEqual([bad.status, bad.body.code], [400, 230099]);
    const v2Action = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'action', actions: [] }] } });
    const removed = await send({ receive_id: bobOpenId(), msg_type: 'interactive', content: v2Action });
    assert.deepEqual([removed.status, removed.body.code], [400, 230099]);
  });

  void it('enforces the 30 KB card limit', async () => {
    const big = JSON.stringify({
      config: { update_multi: true },
      elements: [{ tag: 'markdown', content: 'x'.repeat(31 * 1024) }],
    });
    const res = await send({ receive_id: bobOpenId(), msg_type: 'interactive', content: big });
    assert.deepEqual([res.status, res.body.code], [400, 230025]);
  });

  void it('same uuid within the hour → the first message, nothing new in the inbox', async () => {
    const body = { receive_id: 'bob@example.com', msg_type: 'text', content: '{"text":"hi"}', uuid: 'same-uuid' };
    const first = await send(body, 'email');
    const second = await send(body, 'email');
    const id = (a: Answer) => (a.body.data as { message_id: string }).message_id;
    assert.equal(id(second), id(first));
    assert.equal(sim.core.inbox.list({ userId: 'bob' }).length, 1);
  });

  void it('limits messages to one user to 5 per second (230020)', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++)
      answers.push(await send({ receive_id: bobOpenId(), msg_type: 'text', content: '{"text":"hi"}' }));
    assert.ok(answers.some((a) => a.status === 400 && a.body.code === 230020));
  });

  void it('PATCH requires shared cards (update_multi: true) on the old and the new card', async () => {
    const notShared = await send({ receive_id: bobOpenId(), msg_type: 'interactive', content: card({}) });
    const id = (notShared.body.data as { message_id: string }).message_id;
    const refused = await call('PATCH', `/open-apis/im/v1/messages/${id}`, { content: card({ update_multi: true }) });
    assert.deepEqual([refused.status, refused.body.code], [400, 230001]);
    const shared = await send({
      receive_id: bobOpenId(),
      msg_type: 'interactive',
      content: card({ update_multi: true }),
    });
    const sharedId = (shared.body.data as { message_id: string }).message_id;
    const toUnshared = await call('PATCH', `/open-apis/im/v1/messages/${sharedId}`, { content: card({}) });
    assert.equal(toUnshared.body.code, 230001);
    const ok = await call('PATCH', `/open-apis/im/v1/messages/${sharedId}`, { content: card({ update_multi: true }) });
    assert.deepEqual(ok.body, { code: 0, msg: 'ok', data: {} });
  });

  void it('batch_get_id keeps request order and omits user_id for unknown or resigned users', async () => {
    const res = await call('POST', '/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id', {
      emails: ['nobody@example.com', 'erin@example.com'],
      mobiles: ['+8613800000002'],
    });
    const list = (res.body.data as { user_list: Record<string, unknown>[] }).user_list;
    assert.deepEqual(
      list.map((u) => u.user_id),
      [undefined, undefined, bobOpenId()],
    );
    assert.equal(list[2]?.mobile, '+8613800000002');
  });
});
