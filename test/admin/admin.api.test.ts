import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../db/databases.js';
import { SANDBOX_APPS, startTestSimulator, type TestSimulator } from '../support/simulator.js';
import { eventually } from '../support/stack.js';
import { ADMIN, startAdminApp, type AdminApp } from './admin-app.js';

/** The notice rules every first start seeds, sandbox or not (src/db/notice-defaults.ts). */
const SEEDED_NOTICE_RULES = [
  'notice-approved',
  'notice-executed',
  'notice-execution_failed',
  'notice-expired',
  'notice-rejected',
];
type Json = Record<string, unknown>;
const key = () => randomBytes(32).toString('base64');
const FEISHU = SANDBOX_APPS.feishu;
const EXCLUSIVE_SECRET = 'exclusive-app-secret-value-7';
const SECRETS = [
  FEISHU.appSecret,
  FEISHU.verificationToken,
  FEISHU.encryptKey,
  'dingtalk-api-secret-value-42',
  EXCLUSIVE_SECRET,
  ADMIN,
];

const feishuConfig = (sim: TestSimulator, overrides: Json = {}) => ({
  kind: 'feishu',
  config: {
    appId: FEISHU.appId,
    appSecret: FEISHU.appSecret,
    verificationToken: FEISHU.verificationToken,
    encryptKey: FEISHU.encryptKey,
    baseUrl: sim.baseUrl('feishu'),
    ...overrides,
  },
});

const rule = (ticketType: string, extra: Json = {}) => ({
  name: `Approval of ${ticketType}`,
  match: { ticketType, event: 'pending_approval' },
  recipients: { roles: ['dba'] },
  approval: { mode: 'any' },
  deadline: { afterMs: 7_200_000, outcome: 'expired' },
  ...extra,
});

for (const kind of databaseKinds()) {
  describe(`admin API over HTTP on ${kind}`, () => {
    let database: TestDatabase;
    let sim: TestSimulator;
    let api: AdminApp;
    const k1 = key();
    const k2 = key();
    const restart = async (env: Record<string, string>) => {
      await api.close();
      api = await startAdminApp({ DATABASE_URL: database.url, ...env });
    };

    before(async () => {
      database = await createTestDatabase(kind);
      sim = await startTestSimulator();
      api = await startAdminApp({ DATABASE_URL: database.url, SECRETS_MASTER_KEY: k1 });
    });
    after(async () => {
      await api?.close();
      await sim?.close();
      await database?.drop();
    });

    test('channels: list, configure, enable / disable, with the callback URL and no secret in any answer', async () => {
      const empty = await api.call<{ channels: Json[] }>('GET', '/v1/channels');
      assert.equal(empty.status, 200);
      assert.deepEqual(
        empty.body.channels.map((c) => [c.kind, c.configured, c.enabled]),
        [
          ['dingtalk', false, false],
          ['dingtalk-exclusive', false, false],
          ['feishu', false, false],
          ['lark', false, false],
        ],
      );
      const put = await api.call<Json>('PUT', '/v1/channels/feishu', { json: feishuConfig(sim) });
      assert.equal(put.status, 201);
      assert.equal(put.body.enabled, false);
      assert.match(String(put.body.notice), /notifies nobody until POST \/v1\/channels\/feishu\/enable/);
      assert.equal(put.body.callbackUrl, 'https://approvals.example.test/callbacks/feishu');
      assert.deepEqual(put.body.secrets, {
        appSecret: { masked: '••••cret', keyId: 'k1' },
        verificationToken: { masked: '••••oken', keyId: 'k1' },
        encryptKey: { masked: '••••-key', keyId: 'k1' },
      });
      assert.equal((put.body.config as Json).appSecret, undefined);

      const enabled = await api.call<Json>('POST', '/v1/channels/feishu/enable');
      assert.equal(enabled.status, 200);
      assert.equal(enabled.body.enabled, true);
      assert.equal(enabled.body.notice, undefined);
      // Feishu has no API to set the callback URL: the answer says where to paste it.
      assert.deepEqual(enabled.body.callbackRegistration, {
        status: 'skipped',
        note: 'paste https://approvals.example.test/callbacks/feishu into the feishu developer console (事件与回调 > 回调配置)',
      });
      // A GET-then-PUT round trip sends the masks back: the stored secrets stay.
      const got = await api.call<Json>('GET', '/v1/channels/feishu');
      const echoed = { kind: 'feishu', config: { ...(got.body.config as Json), appSecret: '••••cret' } };
      const again = await api.call<Json>('PUT', '/v1/channels/feishu', { json: echoed });
      assert.equal(again.status, 200);
      assert.equal(again.body.version, 3);
      assert.equal(again.body.enabled, true, 'a PUT without `enabled` keeps the switch');
      assert.equal((await api.call<Json>('POST', '/v1/channels/feishu/test')).body.ok, true, 'the secret still works');

      const dingtalk = await api.call<Json>('PUT', '/v1/channels/dingtalk', {
        json: {
          kind: 'dingtalk',
          enabled: false,
          config: {
            appId: 'ding-app',
            agentId: 1001,
            appKey: SANDBOX_APPS.dingtalk.appId,
            appSecret: SANDBOX_APPS.dingtalk.appSecret,
            robotCode: SANDBOX_APPS.dingtalk.appId,
            cardTemplateId: 'tpl.schema',
            callbackRouteKey: 'approvals-bridge-dingtalk',
            apiSecret: 'dingtalk-api-secret-value-42',
            apiBaseUrl: `${sim.url}/dingtalk/api`,
            oapiBaseUrl: `${sim.url}/dingtalk/oapi`,
          },
        },
      });
      assert.equal(dingtalk.status, 201);
      assert.equal(dingtalk.body.callbackRegistration, undefined, 'a disabled channel registers nothing');
      // Enabling it points DingTalk's card callbacks at this API at once (card/callbacks/register), no restart.
      const live = await api.call<Json>('POST', '/v1/channels/dingtalk/enable');
      assert.deepEqual(live.body.callbackRegistration, { status: 'registered' });
      const app = await sim.control.call<{ callbackRoutes: Record<string, { url: string }> }>(
        'GET',
        `/apps/dingtalk/${SANDBOX_APPS.dingtalk.appId}`,
      );
      assert.equal(
        app.callbackRoutes['approvals-bridge-dingtalk']?.url,
        'https://approvals.example.test/callbacks/dingtalk',
      );
      assert.equal((await api.call<Json>('POST', '/v1/channels/dingtalk/disable')).body.enabled, false);
      // A registration DingTalk refuses is reported; the switch is set all the same.
      await sim.control.addFault({ platform: 'dingtalk', path: 'card/callbacks/register', kind: 'error', status: 400 });
      const refused = await api.call<Json>('POST', '/v1/channels/dingtalk/enable');
      assert.equal(refused.status, 200);
      assert.equal(refused.body.enabled, true);
      const registration = refused.body.callbackRegistration as { status: string; note?: string };
      assert.equal(registration.status, 'failed');
      assert.ok(registration.note && !registration.note.includes('dingtalk-api-secret'), registration.note);
      assert.equal((await api.call<Json>('POST', '/v1/channels/dingtalk/disable')).body.enabled, false);
      assert.equal((await api.call('POST', '/v1/channels/lark/enable')).status, 404, 'an unconfigured channel');
    });

    test('channel test: fetches a token, sends a test card to a named user, reports bad credentials', async () => {
      assert.equal(
        (await api.call('PUT', '/v1/users/bob', { json: { name: 'Bob', mobile: '13800000002', roles: ['dba'] } }))
          .status,
        201,
      );
      const ok = await api.call<Json>('POST', '/v1/channels/feishu/test', { json: { userId: 'bob' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.ok, true);
      assert.deepEqual(ok.body.credentials, { ok: true });
      assert.equal((ok.body.card as Json).ok, true);
      const inbox = await sim.control.inbox('feishu', 'bob');
      assert.ok(inbox.some((m) => JSON.stringify(m.content).includes('Test card from approvals-bridge')));

      const dingtalk = await api.call<Json>('POST', '/v1/channels/dingtalk/test');
      assert.equal(dingtalk.body.ok, true, 'a disabled channel can be tested before it is enabled');

      await api.call('PUT', '/v1/channels/lark', {
        json: {
          kind: 'lark',
          config: {
            appId: SANDBOX_APPS.lark.appId,
            appSecret: 'wrong-secret-0000',
            verificationToken: 'v',
            baseUrl: sim.baseUrl('lark'),
          },
        },
      });
      const bad = await api.call<Json>('POST', '/v1/channels/lark/test');
      assert.equal(bad.status, 200);
      assert.equal(bad.body.ok, false);
      assert.equal(((bad.body.credentials as Json).error as Json).code, 'AUTH_INVALID');
      assert.equal((await api.call('POST', '/v1/channels/feishu/test', { json: { userId: 'nobody' } })).status, 404);

      // The API's own platform calls count against the apps' quotas: DingTalk's callback registrations (one accepted,
      // one refused: counted, not billed) and the Feishu test card.
      type Usage = { billedCalls: number; byApi: Record<string, { calls: number; billedCalls: number } | undefined> };
      const usage = async (kind: string) => (await api.call<Usage>('GET', `/v1/channels/${kind}/usage`)).body;
      await eventually(
        () => usage('dingtalk'),
        (u) => u.byApi['callback-registration']?.calls === 2,
      );
      assert.equal((await usage('dingtalk')).byApi['callback-registration']?.billedCalls, 1);
      assert.equal((await usage('feishu')).byApi.send?.billedCalls, 1, 'the test card to bob');
    });

    test('validation failures name every bad field and write nothing', async () => {
      const bad = await api.call<{ error: { code: string; details: { path: string }[] } }>(
        'PUT',
        '/v1/channels/dingtalk-exclusive',
        {
          json: { kind: 'dingtalk-exclusive', config: { appKey: 'k', apiBaseUrl: 'not a url' } },
        },
      );
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
      const paths = bad.body.error.details.map((d) => d.path);
      for (const p of ['config.robotCode', 'config.cardTemplateId', 'config.callbackRouteKey', 'config.apiBaseUrl'])
        assert.ok(paths.includes(p), p);
      const missingSecret = await api.call<{ error: { details: { path: string }[] } }>(
        'PUT',
        '/v1/channels/dingtalk-exclusive',
        {
          json: {
            kind: 'dingtalk-exclusive',
            config: { appKey: 'k', robotCode: 'r', cardTemplateId: 't', callbackRouteKey: 'c' },
          },
        },
      );
      assert.equal(missingSecret.status, 400);
      assert.deepEqual(
        missingSecret.body.error.details.map((d) => d.path),
        ['config.appSecret'],
      );
      // HTTP callbacks need the route key our URL is registered under; stream mode (no inbound URL) does not.
      const exclusive = {
        appKey: 'k',
        appSecret: EXCLUSIVE_SECRET,
        robotCode: 'r',
        cardTemplateId: 't',
        apiBaseUrl: 'http://127.0.0.1:9/unreachable',
      };
      const noRouteKey = await api.call<{ error: { details: { path: string }[] } }>(
        'PUT',
        '/v1/channels/dingtalk-exclusive',
        { json: { kind: 'dingtalk-exclusive', enabled: false, config: { ...exclusive, callbackMode: 'http' } } },
      );
      assert.equal(noRouteKey.status, 400);
      assert.deepEqual(
        noRouteKey.body.error.details.map((d) => d.path),
        ['config.callbackRouteKey'],
      );
      const badMode = await api.call('PUT', '/v1/channels/dingtalk-exclusive', {
        json: { kind: 'dingtalk-exclusive', config: { ...exclusive, callbackMode: 'websocket' } },
      });
      assert.equal(badMode.status, 400, 'callbackMode is http or stream');
      assert.equal((await api.call<Json>('GET', '/v1/channels/dingtalk-exclusive')).body.configured, false);
      const stream = await api.call<Json>('PUT', '/v1/channels/dingtalk-exclusive', {
        json: { kind: 'dingtalk-exclusive', enabled: false, config: { ...exclusive, callbackMode: 'stream' } },
      });
      assert.equal(stream.status, 201, JSON.stringify(stream.body));
      assert.equal((stream.body.config as Json).callbackMode, 'stream');
      assert.equal(stream.body.callbackConnection, undefined, 'a disabled channel keeps no connection');

      const mismatch = await api.call('PUT', '/v1/channels/lark', { json: feishuConfig(sim) });
      assert.equal(mismatch.status, 400, 'the body kind must match the path');

      const user = await api.call<{ error: { details: { path: string }[] } }>('PUT', '/v1/users/zed', {
        json: { name: '', email: 'not-an-email', mobile: 'abc', channels: { telegram: true } },
      });
      assert.equal(user.status, 400);
      assert.deepEqual(user.body.error.details.map((d) => d.path).sort(), ['channels', 'email', 'mobile', 'name']);
      assert.equal((await api.call('GET', '/v1/users/zed')).status, 404);

      const badRule = await api.call<{ error: { details: { path: string }[] } }>('POST', '/v1/rules', {
        json: rule('ticket.bad', {
          approval: { mode: 'quorum' },
          escalations: [{ afterMs: 9_000_000, recipients: { roles: ['dba-lead'] } }],
        }),
      });
      assert.equal(badRule.status, 400);
      assert.deepEqual(badRule.body.error.details.map((d) => d.path).sort(), [
        'approval.quorum',
        'escalations.0.afterMs',
      ]);
      const ids = (await api.call<{ rules: Json[] }>('GET', '/v1/rules')).body.rules.map((r) => r.id);
      assert.deepEqual(ids, SEEDED_NOTICE_RULES, 'only the notice defaults every first start seeds');
    });

    test('users: create, replace, read (with resolved platform ids and their age), list, delete', async () => {
      const created = await api.call<Json>('PUT', '/v1/users/carol', {
        json: { name: 'Carol', email: 'carol@example.com', roles: ['dba'], channels: { lark: false } },
      });
      assert.equal(created.status, 201);
      const replaced = await api.call<Json>('PUT', '/v1/users/carol', {
        json: { name: 'Carol Wang', mobile: '13800000003', roles: ['dba'], channels: { feishu: false } },
      });
      assert.equal(replaced.status, 200);
      assert.equal(replaced.body.email, undefined, 'PUT replaces the whole user');
      assert.deepEqual(replaced.body.channels, { feishu: false });
      const bob = await api.call<{ platformIds: { kind: string; platformUserId: string; ageSeconds: number }[] }>(
        'GET',
        '/v1/users/bob',
      );
      assert.equal(bob.body.platformIds[0]?.kind, 'feishu', 'resolved by the channel test, cached');
      assert.ok((bob.body.platformIds[0]?.ageSeconds ?? -1) >= 0);
      assert.deepEqual(
        (await api.call<{ users: Json[] }>('GET', '/v1/users')).body.users.map((u) => u.id),
        ['bob', 'carol'],
      );
      await api.call('PUT', '/v1/users/temp', { json: { name: 'Temp' } });
      assert.equal((await api.call('DELETE', '/v1/users/temp')).status, 204);
      assert.equal((await api.call('GET', '/v1/users/temp')).status, 404);
      assert.equal((await api.call('DELETE', '/v1/users/temp')).status, 404);
    });

    test('rules: create, read, update with If-Match or version, versions kept, stale edits 409, delete', async () => {
      const created = await api.call<Json>('POST', '/v1/rules', {
        json: { id: 'exports', ...rule('ticket.data_export') },
      });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('etag'), '"1"');
      assert.equal(created.body.ruleVersion, 'exports@v1');
      const updated = await api.call<Json>('PUT', '/v1/rules/exports', {
        json: rule('ticket.data_export', { recipients: { roles: ['dba-lead'] } }),
        headers: { 'if-match': '"1"' },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.version, 2);
      assert.equal(updated.headers.get('etag'), '"2"');
      const byBody = await api.call<Json>('PUT', '/v1/rules/exports', {
        json: { ...rule('ticket.data_export'), version: 2 },
      });
      assert.equal(byBody.body.version, 3);
      const stale = await api.call<{ error: { code: string } }>('PUT', '/v1/rules/exports', {
        json: rule('ticket.data_export'),
        headers: { 'if-match': '"2"' },
      });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.error.code, 'VERSION_CONFLICT');
      assert.equal((await api.call('PUT', '/v1/rules/exports', { json: rule('ticket.data_export') })).status, 428);
      const v2 = await api.call<{ recipients: { roles: string[] } }>('GET', '/v1/rules/exports/versions/2');
      assert.deepEqual(v2.body.recipients.roles, ['dba-lead']);
      assert.equal((await api.call<Json>('GET', '/v1/rules/exports')).body.version, 3);
      const duplicate = await api.call<{ error: { code: string } }>('POST', '/v1/rules', {
        json: rule('ticket.data_export'),
      });
      assert.equal(duplicate.status, 409);
      assert.equal(duplicate.body.error.code, 'RULE_CONFLICT');

      await api.call('POST', '/v1/rules', { json: { id: 'temp', ...rule('ticket.temp') } });
      assert.equal((await api.call('DELETE', '/v1/rules/temp', { headers: { 'if-match': '"7"' } })).status, 409);
      assert.equal((await api.call('DELETE', '/v1/rules/temp', { headers: { 'if-match': '"1"' } })).status, 204);
      assert.equal((await api.call('GET', '/v1/rules/temp')).status, 404);
      assert.deepEqual(
        (await api.call<{ rules: Json[] }>('GET', '/v1/rules')).body.rules.map((r) => r.id),
        ['exports', ...SEEDED_NOTICE_RULES],
      );
    });

    test('concurrent edits of one version: exactly one wins, the other gets 409', async () => {
      const current = await api.call<Json>('GET', '/v1/rules/exports');
      const etag = current.headers.get('etag') ?? '';
      const edits = await Promise.all(
        ['dba', 'dba-lead', 'security'].map((role) =>
          api.call('PUT', '/v1/rules/exports', {
            json: rule('ticket.data_export', { recipients: { roles: [role] } }),
            headers: { 'if-match': etag },
          }),
        ),
      );
      assert.deepEqual(edits.map((e) => e.status).sort(), [200, 409, 409]);
      assert.equal((await api.call<Json>('GET', '/v1/rules/exports')).body.version, Number(current.body.version) + 1);
    });

    test('dry run: who is asked on which channels, when reminders and escalations fire, who is unreachable and why', async () => {
      await api.call('PUT', '/v1/users/alice', {
        json: { name: 'Alice', mobile: '13800000001', roles: ['developer'] },
      });
      await api.call('PUT', '/v1/users/dave', { json: { name: 'Dave', roles: ['dba-lead'] } });
      // Nobody on the platform has this mobile.
      await api.call('PUT', '/v1/users/grace', { json: { name: 'Grace', mobile: '13899999999', roles: ['dba'] } });
      await api.call('POST', '/v1/rules', {
        json: rule('ticket.dry_run', {
          recipients: { roles: ['dba'], users: ['alice'] },
          channels: ['feishu', 'lark'],
          reminders: { everyMs: 1_800_000, max: 5 },
          escalations: [{ afterMs: 3_600_000, recipients: { roles: ['dba-lead'] } }],
        }),
      });
      await api.call('POST', '/v1/channels/lark/disable');
      const res = await api.call<{
        source: string;
        ruleVersion: string;
        levels: {
          level: number;
          afterMs: number;
          recipients: { userId: string; channels: { kind: string; platformUserId?: string }[] }[];
          unreachable: { userId: string; kind?: string; reason: string }[];
        }[];
        reminders: { reminder: number; afterMs: number }[];
        deadline: { afterMs: number; outcome: string };
      }>('POST', '/v1/rules/dry-run', {
        json: { ticket: { ticketType: 'ticket.dry_run', requester: { userId: 'alice' } } },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.source, 'rule');
      assert.match(res.body.ruleVersion, /@v1$/);
      const [first, second] = res.body.levels;
      assert.deepEqual(
        first?.recipients.map((r) => [r.userId, r.channels.map((c) => c.kind)]),
        [['bob', ['feishu']]],
      );
      assert.ok(first?.recipients[0]?.channels[0]?.platformUserId, 'bob resolved on Feishu');
      const why = (userId: string, kind?: string) =>
        first?.unreachable.find((u) => u.userId === userId && u.kind === kind)?.reason ??
        second?.unreachable.find((u) => u.userId === userId && u.kind === kind)?.reason;
      assert.equal(why('alice'), 'the requester cannot approve their own ticket');
      assert.equal(why('carol', 'feishu'), 'the user switched feishu notifications off');
      assert.equal(why('bob', 'lark'), 'channel lark is not enabled');
      assert.match(why('grace', 'feishu') ?? '', /^not resolvable on feishu: RECIPIENT_UNREACHABLE/);
      assert.equal(second?.afterMs, 3_600_000);
      assert.equal(why('dave', 'feishu'), 'the user has no mobile or email to look up');
      assert.deepEqual(
        res.body.reminders.map((r) => r.afterMs),
        [1_800_000, 3_600_000, 5_400_000],
      );
      assert.deepEqual(res.body.deadline, { ...res.body.deadline, afterMs: 7_200_000, outcome: 'expired' });

      const draft = await api.call<{ source: string; levels: unknown[] }>('POST', '/v1/rules/dry-run', {
        json: {
          ticket: { ticketType: 'ticket.other', requester: { userId: 'alice' } },
          rule: rule('ticket.other'),
          resolve: false,
        },
      });
      assert.equal(draft.body.source, 'draft');
      const none = await api.call<{ error: { code: string } }>('POST', '/v1/rules/dry-run', {
        json: { ticket: { ticketType: 'ticket.unknown', requester: { userId: 'alice' } } },
      });
      assert.equal(none.status, 404);
      assert.equal(none.body.error.code, 'NO_MATCHING_RULE');
    });

    test('authorization: every endpoint × role (401 without a token, 403 for the wrong role)', async () => {
      const tokens = {
        admin: ADMIN,
        dba: await api.tokenFor('dba'),
        'ticket-system': await api.tokenFor('ticket-system'),
        approver: await api.tokenFor('approver', 'bob'),
      };
      const invalid = { kind: 'lark', config: {} };
      const endpoints: [string, string, unknown, 'dba' | 'admin'][] = [
        ['GET', '/v1/channels', undefined, 'dba'],
        ['GET', '/v1/channels/feishu', undefined, 'dba'],
        ['PUT', '/v1/channels/lark', invalid, 'dba'],
        ['POST', '/v1/channels/dingtalk-exclusive/enable', undefined, 'dba'],
        ['POST', '/v1/channels/dingtalk-exclusive/disable', undefined, 'dba'],
        ['POST', '/v1/channels/dingtalk-exclusive/test', {}, 'dba'],
        ['GET', '/v1/users', undefined, 'dba'],
        ['GET', '/v1/users/bob', undefined, 'dba'],
        ['PUT', '/v1/users/matrix', { name: '' }, 'dba'],
        ['DELETE', '/v1/users/matrix', undefined, 'dba'],
        ['GET', '/v1/rules', undefined, 'dba'],
        ['POST', '/v1/rules', { name: '' }, 'dba'],
        ['GET', '/v1/rules/exports', undefined, 'dba'],
        ['GET', '/v1/rules/exports/versions/1', undefined, 'dba'],
        ['PUT', '/v1/rules/exports', { name: '' }, 'dba'],
        ['DELETE', '/v1/rules/no-such-rule', undefined, 'dba'],
        ['POST', '/v1/rules/dry-run', { ticket: {} }, 'dba'],
        ['POST', '/v1/secrets/rotate', undefined, 'admin'],
        ['POST', '/v1/tokens', { role: 'nope' }, 'admin'],
      ];
      for (const [method, path, json, least] of endpoints) {
        const anonymous = await api.call(method, path, { token: null, ...(json ? { json } : {}) });
        assert.equal(anonymous.status, 401, `${method} ${path} without a token`);
        for (const [role, token] of Object.entries(tokens)) {
          const res = await api.call(method, path, { token, ...(json ? { json } : {}) });
          const allowed = role === 'admin' || (role === 'dba' && least === 'dba');
          if (allowed) assert.ok(![401, 403].includes(res.status), `${role} may ${method} ${path} (got ${res.status})`);
          else assert.equal(res.status, 403, `${role} may not ${method} ${path}`);
        }
      }
    });

    test('key rotation: old secrets open under the previous key, rotate re-seals, the old key can then go', async () => {
      await restart({ SECRETS_MASTER_KEY: k2, SECRETS_KEY_ID: 'k2', SECRETS_PREVIOUS_KEYS: `k1:${k1}` });
      const before = await api.call<{ secrets: Record<string, { keyId: string }> }>('GET', '/v1/channels/feishu');
      assert.equal(before.body.secrets.appSecret?.keyId, 'k1');
      const rotated = await api.call<Json>('POST', '/v1/secrets/rotate');
      assert.deepEqual(
        rotated.body,
        { activeKeyId: 'k2', resealed: 8 },
        'feishu 3, lark 2, dingtalk 2, dingtalk-exclusive 1',
      );
      await restart({ SECRETS_MASTER_KEY: k2, SECRETS_KEY_ID: 'k2' });
      const after = await api.call<{ secrets: Record<string, { keyId: string; masked: string }> }>(
        'GET',
        '/v1/channels/feishu',
      );
      assert.deepEqual(after.body.secrets.appSecret, { masked: '••••cret', keyId: 'k2' });
      assert.equal((await api.call<Json>('POST', '/v1/channels/feishu/test')).body.ok, true);
      await restart({ SECRETS_MASTER_KEY: k1, SECRETS_KEY_ID: 'k1' });
      const lost = await api.call<{ error: { code: string; message: string } }>('POST', '/v1/channels/feishu/test');
      assert.equal(lost.status, 500);
      assert.equal(lost.body.error.code, 'SECRETS_KEY_MISSING');
      await restart({ SECRETS_MASTER_KEY: k2, SECRETS_KEY_ID: 'k2' });
    });

    test('no secret ever appeared in any answer', () => {
      const all = api.transcript.join('\n');
      for (const secret of SECRETS) assert.equal(all.includes(secret), false, 'a secret was echoed');
    });
  });
}
