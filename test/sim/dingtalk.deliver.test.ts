/**
 * The simulator's shared card instance: createAndDeliver to several robot chats, card/instances/deliver of an existing
 * instance, PUT card/instances re-rendering every recipient's copy, and the request log counting each call once.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import { startSimServer, type SimServer } from '../../sim/server.js';
import type { SimCardView } from '../../sim/dingtalk/template.js';

const dispatcher = new Agent();
let sim: SimServer;
const std = SANDBOX_APPS.dingtalk;
const API = '/dingtalk/api/v1.0/card/instances';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface Entry {
  spaceType: string;
  spaceId: string;
  success: boolean;
  carrierId?: string;
  errorMsg?: string;
}

before(async () => {
  sim = await startSimServer();
});
after(async () => {
  await sim.close();
  await dispatcher.close();
});
beforeEach(() => sim.core.reset());

/** The app's token (the simulator hands out the same one while it is valid), then the call. */
async function call(method: 'POST' | 'PUT', path: string, body: unknown): Promise<Answer> {
  const t = await request(`${sim.url}/dingtalk/api/v1.0/oauth2/accessToken`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appKey: std.appId, appSecret: std.appSecret }),
  });
  const accessToken = ((await t.body.json()) as { accessToken: string }).accessToken;
  const res = await request(`${sim.url}${path}`, {
    method,
    dispatcher,
    headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': accessToken },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const id = (user: string): string => sim.core.users.get(user)?.ids.dingtalk ?? '';
const spaces = (...ids: string[]): string => `dtv1.card//${ids.map((i) => `IM_ROBOT.${i}`).join(';')}`;
const robot = { spaceType: 'IM_ROBOT', robotCode: std.appId };
const views = (user: string): SimCardView[] =>
  sim.core.inbox.list({ platform: 'dingtalk', userId: user }).map((m) => m.content as SimCardView);

function create(outTrackId: string, openSpaceId: string, privateData: Record<string, unknown> = {}) {
  return call('POST', `${API}/createAndDeliver`, {
    cardTemplateId: 'tpl',
    outTrackId,
    callbackType: 'HTTP',
    callbackRouteKey: 'rk',
    cardData: { cardParamMap: { title: 'T', status: 'pending', showActions: 'true', ticketId: 'T-1', tenant: 'acme' } },
    privateData,
    openSpaceId,
    imRobotOpenSpaceModel: { supportForward: false },
    imRobotOpenDeliverModel: robot,
    userIdType: 1,
  });
}

const nonce = (n: string) => ({ cardParamMap: { nonce: n } });

void describe('dingtalk simulator: one card instance in many robot chats', () => {
  void it('createAndDeliver: one inbox card per space, each with its own private data; failed spaces listed', async () => {
    const res = await create('ab-multi', spaces(id('bob'), id('carol'), 'nobody01'), {
      [id('bob')]: nonce('nb'),
      [id('carol')]: nonce('nc'),
      nobody01: nonce('nx'),
    });
    assert.equal(res.status, 200);
    const entries = (res.body.result as { deliverResults: Entry[] }).deliverResults;
    assert.deepEqual(
      entries.map((e) => [e.spaceType, e.spaceId, e.success]),
      [
        ['IM_ROBOT', id('bob'), true],
        ['IM_ROBOT', id('carol'), true],
        ['IM_ROBOT', 'nobody01', false],
      ],
    );
    assert.match(entries[2]?.errorMsg ?? '', /not found/);
    assert.deepEqual(
      views('bob').map((v) => [v.outTrackId, v.buttons[0]?.params.nonce]),
      [['ab-multi', 'nb']],
    );
    assert.deepEqual(
      views('carol').map((v) => [v.outTrackId, v.buttons[0]?.params.nonce]),
      [['ab-multi', 'nc']],
    );
    assert.equal(sim.core.log.count({ platform: 'dingtalk', api: 'send' }), 1);
    const again = await create('ab-multi', spaces(id('dave')));
    assert.deepEqual([again.status, again.body.code], [400, 'param.cardAlreadyExist']);
    assert.equal(views('dave').length, 0);
  });

  void it('refuses an openSpaceId over 1,000 characters', async () => {
    const long = spaces(...Array.from({ length: 60 }, (_, i) => `user${String(i).padStart(10, '0')}`));
    assert.ok(long.length > 1000);
    const res = await create('ab-long', long);
    assert.deepEqual([res.status, res.body.code], [400, 'param.openSpaceIdInvalid']);
  });

  void it('card/instances/deliver: the same instance into more chats, idempotent per chat, documented errors', async () => {
    await create('ab-esc', spaces(id('bob')), { [id('bob')]: nonce('nb') });
    const deliver = (body: Record<string, unknown>) => call('POST', `${API}/deliver`, body);
    const res = await deliver({
      outTrackId: 'ab-esc',
      openSpaceId: spaces(id('bob'), id('carol'), 'nobody01'),
      imRobotOpenDeliverModel: robot,
      userIdType: 1,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.success, true);
    const result = res.body.result as Entry[];
    assert.deepEqual(
      result.map((e) => [e.spaceId, e.success]),
      [
        [id('bob'), true],
        [id('carol'), true],
        ['nobody01', false],
      ],
    );
    const bobMessage = sim.core.inbox.get('dingtalk', 'ab-esc');
    assert.equal(result[0]?.carrierId, bobMessage?.meta.carrierId, 'bob keeps his one card');
    assert.equal(views('bob').length, 1);
    assert.equal(views('carol')[0]?.outTrackId, 'ab-esc');
    assert.equal(views('carol')[0]?.buttons[0]?.params.nonce, '', 'no private data for carol yet');

    // Her nonce arrives with PUT card/instances privateData; the same PUT re-renders everyone's copy.
    const put = await call('PUT', API, {
      outTrackId: 'ab-esc',
      cardData: { cardParamMap: { level: '2' } },
      privateData: { [id('carol')]: nonce('nc') },
      cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
    });
    assert.equal(put.status, 200);
    assert.equal(views('carol')[0]?.buttons[0]?.params.nonce, 'nc');
    assert.equal(views('bob')[0]?.buttons[0]?.params.nonce, 'nb');
    for (const user of ['bob', 'carol']) assert.equal(views(user)[0]?.cardParamMap.level, '2');

    const codes = async (body: Record<string, unknown>) => {
      const r = await deliver(body);
      return [r.status, r.body.code];
    };
    const base = { outTrackId: 'ab-esc', openSpaceId: spaces(id('dave')), imRobotOpenDeliverModel: robot };
    assert.deepEqual(await codes({ ...base, outTrackId: 'ab-never' }), [400, 'param.cardNotExist']);
    assert.deepEqual(await codes({ ...base, outTrackId: '' }), [400, 'param.outTrackIdEmpty']);
    assert.deepEqual(await codes({ ...base, openSpaceId: '' }), [400, 'param.openSpaceIdEmpty']);
    assert.deepEqual(await codes({ ...base, imRobotOpenDeliverModel: undefined }), [
      400,
      'param.openDeliverModelEmpty',
    ]);
    const wrongRobot = { ...base, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: 'other' } };
    assert.deepEqual(await codes(wrongRobot), [400, 'param.openDeliverModelError']);
    assert.equal(views('dave').length, 0);
    assert.equal(sim.core.log.count({ platform: 'dingtalk', api: 'deliver' }), 6, 'each deliver call logged once');
  });

  void it('deliver is billed against the monthly quota like the other card calls', async () => {
    await create('ab-q', spaces(id('bob')));
    sim.core.apps.upsert('dingtalk', std.appId, { monthlyQuota: 1 });
    const res = await call('POST', `${API}/deliver`, {
      outTrackId: 'ab-q',
      openSpaceId: spaces(id('carol')),
      imRobotOpenDeliverModel: robot,
    });
    assert.deepEqual([res.status, res.body.code], [403, 'Forbidden.AccessDenied.ApiCountLimitForOrg']);
  });
});
