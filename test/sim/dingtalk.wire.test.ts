import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import { startSimServer, type SimServer } from '../../sim/server.js';

const dispatcher = new Agent();
let sim: SimServer;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await request(`${sim.url}${path}`, {
    method,
    dispatcher,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

before(async () => {
  sim = await startSimServer();
});
after(async () => {
  await sim.close();
  await dispatcher.close();
});
beforeEach(() => sim.core.reset());

const std = SANDBOX_APPS.dingtalk;
const token = async (edition = 'dingtalk', app: { appId: string; appSecret: string } = std): Promise<string> => {
  const res = await call('POST', `/${edition}/api/v1.0/oauth2/accessToken`, {
    appKey: app.appId,
    appSecret: app.appSecret,
  });
  return String(res.body.accessToken);
};

void describe('dingtalk simulator wire format', () => {
  void it('issues tokens like the new API: same token within validity, 400 invalidClientIdOrSecret', async () => {
    const first = await call('POST', '/dingtalk/api/v1.0/oauth2/accessToken', {
      appKey: std.appId,
      appSecret: std.appSecret,
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.expireIn, 7200);
    assert.equal(await token(), first.body.accessToken);
    const bad = await call('POST', '/dingtalk/api/v1.0/oauth2/accessToken', { appKey: std.appId, appSecret: 'nope' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'invalidClientIdOrSecret');
    assert.equal(typeof bad.body.requestid, 'string');
    const form = await call('POST', '/dingtalk/api/v1.0/oauth2/accessToken', `appKey=${std.appId}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 400);
  });

  void it('issues tokens like the old API: HTTP 200 with errcode', async () => {
    const ok = await call('GET', `/dingtalk/oapi/gettoken?appkey=${std.appId}&appsecret=${std.appSecret}`);
    assert.equal(ok.body.errcode, 0);
    assert.equal(ok.body.expires_in, 7200);
    const bad = await call('GET', `/dingtalk/oapi/gettoken?appkey=${std.appId}&appsecret=x`);
    assert.deepEqual([bad.status, bad.body.errcode], [200, 40096]);
  });

  void it('wants the token in x-acs-dingtalk-access-token on the new API', async () => {
    const t = await token();
    const body = { outTrackId: 'x', cardData: { cardParamMap: {} } };
    const bearer = await call('PUT', '/dingtalk/api/v1.0/card/instances', body, { authorization: `Bearer ${t}` });
    assert.deepEqual([bearer.status, bearer.body.code], [400, 'AuthenticationFailed.MissingParameter']);
    const query = await call('PUT', `/dingtalk/api/v1.0/card/instances?access_token=${t}`, body);
    assert.equal(query.body.code, 'AuthenticationFailed.MissingParameter');
    const wrong = await call('PUT', '/dingtalk/api/v1.0/card/instances', body, {
      'x-acs-dingtalk-access-token': 'nope',
    });
    assert.deepEqual([wrong.status, wrong.body.code], [400, 'InvalidAuthentication']);
    const right = await call('PUT', '/dingtalk/api/v1.0/card/instances', body, { 'x-acs-dingtalk-access-token': t });
    assert.deepEqual([right.status, right.body.code], [400, 'param.cardNotExist']);
  });

  void it('wraps old-API token failures as errcode 88 with sub_code', async () => {
    const blank = await call('POST', '/dingtalk/oapi/topapi/v2/user/getbymobile', { mobile: '13800000002' });
    assert.deepEqual([blank.status, blank.body.errcode, blank.body.sub_code], [200, 88, '40000']);
    const bad = await call('POST', '/dingtalk/oapi/topapi/v2/user/getbymobile?access_token=nope', {
      mobile: '13800000002',
    });
    assert.equal(bad.body.sub_code, '40014');
    assert.match(String(bad.body.errmsg), /^ding talk error\[subcode=40014,/);
    const t = await token();
    const ok = await call('POST', `/dingtalk/oapi/topapi/v2/user/getbymobile?access_token=${t}`, 'mobile=13800000002', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.deepEqual((ok.body.result as { userid: string }).userid, sim.core.users.get('bob')?.ids.dingtalk);
    const unknown = await call('POST', `/dingtalk/oapi/topapi/v2/user/getbymobile?access_token=${t}`, {
      mobile: '13899999999',
    });
    assert.equal(unknown.body.errcode, 60121);
    const invalid = await call('POST', `/dingtalk/oapi/topapi/v2/user/getbymobile?access_token=${t}`, {
      mobile: 'abc',
    });
    assert.equal(invalid.body.errcode, 40104);
  });

  void it('keeps the editions apart: a Standard token is unknown to Exclusive', async () => {
    const t = await token();
    const res = await call(
      'PUT',
      '/dingtalk-exclusive/api/v1.0/card/instances',
      { outTrackId: 'x', cardData: {} },
      {
        'x-acs-dingtalk-access-token': t,
      },
    );
    assert.equal(res.body.code, 'InvalidAuthentication');
  });

  void it('rejects non-string cardParamMap values and bad space ids with the documented codes', async () => {
    const headers = { 'x-acs-dingtalk-access-token': await token() };
    const bob = sim.core.users.get('bob')?.ids.dingtalk ?? '';
    const body = {
      cardTemplateId: 'tpl',
      outTrackId: 'ab-wire-1',
      cardData: { cardParamMap: { count: 3 } },
      openSpaceId: `dtv1.card//IM_ROBOT.${bob}`,
      imRobotOpenSpaceModel: { supportForward: false },
      imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: std.appId },
    };
    const numbers = await call('POST', '/dingtalk/api/v1.0/card/instances/createAndDeliver', body, headers);
    assert.deepEqual([numbers.status, numbers.body.code], [400, 'param.invalid']);
    const badSpace = { ...body, cardData: { cardParamMap: { count: '3' } }, openSpaceId: bob };
    const space = await call('POST', '/dingtalk/api/v1.0/card/instances/createAndDeliver', badSpace, headers);
    assert.equal(space.body.code, 'param.openSpaceIdInvalid');
    const good = { ...badSpace, openSpaceId: `dtv1.card//IM_ROBOT.${bob};IM_ROBOT.nobody` };
    const mixed = await call('POST', '/dingtalk/api/v1.0/card/instances/createAndDeliver', good, headers);
    assert.equal(mixed.status, 200);
    const results = (mixed.body.result as { deliverResults: { success: boolean; errorMsg?: string }[] }).deliverResults;
    assert.deepEqual(
      results.map((r) => r.success),
      [true, false],
    );
    assert.ok(results[1]?.errorMsg);
  });

  void it('answers the QPS and quota limits in both families', async () => {
    sim.core.apps.upsert('dingtalk', std.appId, { monthlyQuota: 0 });
    const headers = { 'x-acs-dingtalk-access-token': await token() };
    const update = await call('PUT', '/dingtalk/api/v1.0/card/instances', { outTrackId: 'x', cardData: {} }, headers);
    assert.deepEqual([update.status, update.body.code], [403, 'Forbidden.AccessDenied.ApiCountLimitForOrg']);
    sim.core.faults.add({ platform: 'dingtalk', path: '/getbymobile', kind: 'rate-limit' });
    const t = headers['x-acs-dingtalk-access-token'];
    const limited = await call('POST', `/dingtalk/oapi/topapi/v2/user/getbymobile?access_token=${t}`, { mobile: '1' });
    assert.deepEqual([limited.body.errcode, limited.body.sub_code], [88, '90018']);
    sim.core.faults.add({ platform: 'dingtalk', path: '/getbymobile', kind: 'quota' });
    const quota = await call('POST', `/dingtalk/oapi/topapi/v2/user/getbymobile?access_token=${t}`, { mobile: '1' });
    assert.equal(quota.body.sub_code, '90020');
  });
});
