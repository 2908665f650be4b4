/**
 * The simulator's DingTalk group conversations (IM_GROUP spaces) on the wire: createAndDeliver / deliver into
 * `dtv1.card//IM_GROUP.<openConversationId>`, the documented parameter errors, per-space failures when the group does
 * not exist or the robot is not in it, every member's copy, PUT card/instances for all of them, and a member's click
 * sending the signed HTTP callback with that member's userId.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import type { SimClickResult } from '../../sim/core/clicks.js';
import type { SimGroup } from '../../sim/core/groups.js';
import type { SimMessage } from '../../sim/core/inbox.js';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import { startSimServer, type SimServer } from '../../sim/server.js';
import type { SimCardView } from '../../sim/dingtalk/template.js';
import { verifyCallbackSignature } from '../../src/channels/dingtalk/index.js';

const dispatcher = new Agent();
const API_SECRET = 'group-test-api-secret';
const CID = 'cidApprovers0001+abc/XYZ==';
const NO_ROBOT = 'cidNoRobot000001==';
let sim: SimServer;
let app: Server;
let appUrl = '';
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

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
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/callbacks`;
});
after(async () => {
  await sim.close();
  await new Promise((resolve) => app.close(resolve));
  await dispatcher.close();
});
beforeEach(() => {
  sim.core.reset();
  received.length = 0;
});

async function http(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method: method as 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

for (const edition of ['dingtalk', 'dingtalk-exclusive'] as const) {
  void describe(`${edition} simulator: cards in group conversations (IM_GROUP)`, () => {
    const sandbox = SANDBOX_APPS[edition];
    const api = `/${edition}/api/v1.0`;
    const group = (id: string, patch: Record<string, unknown>) =>
      http('PUT', `${sim.url}/_sim/groups/${edition}/${encodeURIComponent(id)}`, patch) as Promise<{
        status: number;
        body: SimGroup & Record<string, unknown>;
      }>;
    const call = async (method: 'POST' | 'PUT', path: string, body: unknown): Promise<Answer> => {
      const auth = { appKey: sandbox.appId, appSecret: sandbox.appSecret };
      const token = (await http('POST', `${sim.url}${api}/oauth2/accessToken`, auth)).body.accessToken as string;
      return http(method, `${sim.url}${api}${path}`, body, { 'x-acs-dingtalk-access-token': token });
    };
    const create = (outTrackId: string, overrides: Record<string, unknown> = {}) =>
      call('POST', '/card/instances/createAndDeliver', {
        cardTemplateId: 'tpl',
        outTrackId,
        callbackType: 'HTTP',
        callbackRouteKey: 'rk',
        cardData: {
          cardParamMap: {
            title: 'T',
            status: 'pending',
            showActions: 'true',
            ticketId: 'T-1',
            tenant: 'acme',
            nonce: 'group-nonce',
          },
        },
        openSpaceId: `dtv1.card//IM_GROUP.${CID}`,
        imGroupOpenSpaceModel: { supportForward: false },
        imGroupOpenDeliverModel: { robotCode: sandbox.appId },
        userIdType: 1,
        ...overrides,
      });
    const copies = (user: string, outTrackId: string): SimMessage[] =>
      sim.core.inbox.list({ platform: edition, userId: user }).filter((m) => m.meta.outTrackId === outTrackId);
    const entries = (answer: Answer): Entry[] =>
      (answer.body.result as { deliverResults: Entry[] } | undefined)?.deliverResults ?? [];

    beforeEach(async () => {
      const members = ['alice', 'bob', 'carol', 'dave'];
      assert.equal((await group(CID, { name: 'Approvers', members, robots: [sandbox.appId] })).status, 200);
      assert.equal((await group(NO_ROBOT, { members })).status, 200);
    });

    void it('createAndDeliver into a group: one message, shown in every active member inbox', async () => {
      sim.core.users.upsert('dave', { status: { [edition]: 'resigned' } });
      const res = await create('grp-1');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const [entry, ...more] = entries(res);
      assert.deepEqual(more, []);
      assert.equal(entry?.spaceType, 'IM_GROUP');
      assert.equal(entry?.spaceId, CID);
      assert.equal(entry?.success, true);
      assert.ok(entry?.carrierId);
      for (const user of ['alice', 'bob', 'carol']) {
        const [copy, ...others] = copies(user, 'grp-1');
        assert.ok(copy, `${user} sees the group card`);
        assert.deepEqual(others, []);
        assert.equal(copy.chatId, CID);
        assert.equal(copy.meta.group, true);
        assert.equal(copy.meta.carrierId, entry?.carrierId, 'one message in the group');
        assert.equal(copy.recipientPlatformId, sim.core.users.get(user)?.ids[edition]);
        assert.equal((copy.content as SimCardView).buttons.length, 2);
      }
      assert.deepEqual(copies('dave', 'grp-1'), [], 'a resigned member sees nothing');
      assert.deepEqual(copies('erin', 'grp-1'), [], 'a non-member sees nothing');
      assert.equal(sim.core.log.count({ platform: edition, api: 'send' }), 1);
    });

    void it('a group without the robot, or no such group: success false with errorMsg, nothing delivered', async () => {
      const noRobot = await create('grp-2', { openSpaceId: `dtv1.card//IM_GROUP.${NO_ROBOT}` });
      assert.equal(noRobot.status, 200, 'the call itself succeeds');
      assert.equal(noRobot.body.success, true);
      assert.equal(entries(noRobot)[0]?.success, false);
      assert.match(entries(noRobot)[0]?.errorMsg ?? '', /robot is not a member/);
      const missing = await create('grp-3', { openSpaceId: 'dtv1.card//IM_GROUP.cidDoesNotExist00==' });
      assert.equal(entries(missing)[0]?.success, false);
      assert.match(entries(missing)[0]?.errorMsg ?? '', /not found/);
      for (const user of ['alice', 'bob', 'carol', 'dave']) {
        assert.deepEqual([...copies(user, 'grp-2'), ...copies(user, 'grp-3')], []);
      }
      // Once the robot joins, the existing instance can be delivered there.
      await group(NO_ROBOT, { robots: [sandbox.appId] });
      const later = await call('POST', '/card/instances/deliver', {
        outTrackId: 'grp-2',
        openSpaceId: `dtv1.card//IM_GROUP.${NO_ROBOT}`,
        imGroupOpenDeliverModel: { robotCode: sandbox.appId },
        userIdType: 1,
      });
      assert.equal((later.body.result as Entry[])[0]?.success, true);
      assert.equal(copies('bob', 'grp-2').length, 1);
    });

    void it('the documented parameter errors for a group space', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ imGroupOpenDeliverModel: undefined }, 'param.openDeliverModelEmpty'],
        [{ imGroupOpenDeliverModel: {} }, 'param.openDeliverModelEmpty'],
        [{ imGroupOpenDeliverModel: { robotCode: 'dingsomeoneelse' } }, 'param.openDeliverModelError'],
        [{ imGroupOpenSpaceModel: undefined }, 'param.openSpaceModelInvalid'],
        [{ imGroupOpenSpaceModel: {} }, 'param.openSpaceModelInvalid'],
        [
          { imRobotOpenSpaceModel: { supportForward: false }, imGroupOpenSpaceModel: undefined },
          'param.openSpaceModelInvalid',
        ],
      ];
      for (const [i, [overrides, code]] of cases.entries()) {
        const res = await create(`bad-${i}`, overrides);
        assert.equal(res.status, 400, JSON.stringify(overrides));
        assert.equal(res.body.code, code, JSON.stringify(overrides));
      }
      // Delivering an existing instance into a group needs the group deliver model too.
      assert.equal((await create('grp-4')).status, 200);
      const noModel = await call('POST', '/card/instances/deliver', {
        outTrackId: 'grp-4',
        openSpaceId: `dtv1.card//IM_GROUP.${CID}`,
        userIdType: 1,
      });
      assert.equal(noModel.status, 400);
      assert.equal(noModel.body.code, 'param.openDeliverModelEmpty');
      // A robot-chat-only card has no group space model: the group space fails, the call does not.
      const robotOnly = await create('robot-only', {
        openSpaceId: `dtv1.card//IM_ROBOT.${sim.core.users.get('bob')?.ids[edition] ?? ''}`,
        imGroupOpenSpaceModel: undefined,
        imGroupOpenDeliverModel: undefined,
        imRobotOpenSpaceModel: { supportForward: false },
        imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: sandbox.appId },
      });
      assert.equal(robotOnly.status, 200);
      const intoGroup = await call('POST', '/card/instances/deliver', {
        outTrackId: 'robot-only',
        openSpaceId: `dtv1.card//IM_GROUP.${CID}`,
        imGroupOpenDeliverModel: { robotCode: sandbox.appId },
      });
      assert.equal((intoGroup.body.result as Entry[])[0]?.success, false);
    });

    void it('a retried create answers cardAlreadyExist; deliver again keeps one message and reaches new members', async () => {
      const first = entries(await create('grp-5'))[0];
      const again = await create('grp-5');
      assert.equal(again.status, 400);
      assert.equal(again.body.code, 'param.cardAlreadyExist');
      await group(CID, { members: ['alice', 'bob', 'carol', 'dave', 'erin'] });
      const redeliver = await call('POST', '/card/instances/deliver', {
        outTrackId: 'grp-5',
        openSpaceId: `dtv1.card//IM_GROUP.${CID}`,
        imGroupOpenDeliverModel: { robotCode: sandbox.appId },
        userIdType: 1,
      });
      assert.equal(redeliver.status, 200);
      const [entry] = redeliver.body.result as Entry[];
      assert.equal(entry?.success, true);
      assert.equal(entry?.carrierId, first?.carrierId, 'the same group message');
      for (const user of ['alice', 'bob', 'carol', 'dave', 'erin']) assert.equal(copies(user, 'grp-5').length, 1, user);
    });

    void it('PUT card/instances updates what every member sees; a member click names that member', async () => {
      sim.core.apps.upsert(edition, sandbox.appId, { callbackRoutes: { rk: { url: appUrl, secret: API_SECRET } } });
      await create('grp-6');
      const bobId = sim.core.users.get('bob')?.ids[edition] ?? '';
      const clicked = (await http('POST', `${sim.url}/_sim/click`, {
        platform: edition,
        cardRef: 'grp-6',
        userId: 'bob',
        action: 'approve',
      })) as unknown as { status: number; body: SimClickResult };
      assert.equal(clicked.status, 200, JSON.stringify(clicked.body));
      const [sent] = received;
      assert.ok(sent);
      const callback = JSON.parse(sent.body) as { outTrackId: string; userId: string; content: string };
      assert.equal(callback.outTrackId, 'grp-6');
      assert.equal(callback.userId, bobId, "the clicker's own userId");
      assert.deepEqual(JSON.parse(callback.content), {
        cardPrivateData: {
          actionIds: ['approve'],
          params: { action: 'approve', ticketId: 'T-1', tenant: 'acme', nonce: 'group-nonce' },
        },
      });
      const timestamp = String(sent.headers['x-ddpaas-signature-timestamp']);
      const signature = String(sent.headers['x-ddpaas-signature']);
      const verified = verifyCallbackSignature({ apiSecret: API_SECRET, timestamp, signature, now: Date.now() });
      assert.deepEqual(verified, { ok: true });

      // A user outside the group cannot press it (they have no copy; a removed member's copy is refused).
      await group(CID, { members: ['alice', 'carol', 'dave'] });
      const refused = await http('POST', `${sim.url}/_sim/click`, {
        platform: edition,
        messageId: copies('bob', 'grp-6')[0]?.id ?? '',
        userId: 'bob',
        action: 'approve',
      });
      assert.equal(refused.status, 403);
      assert.equal(received.length, 1, 'no callback for a non-member');

      const put = await call('PUT', '/card/instances', {
        outTrackId: 'grp-6',
        cardData: { cardParamMap: { status: 'approved', showActions: 'false' } },
        cardUpdateOptions: { updateCardDataByKey: true },
        userIdType: 1,
      });
      assert.equal(put.status, 200);
      for (const user of ['alice', 'bob', 'carol', 'dave']) {
        const [copy] = copies(user, 'grp-6');
        assert.equal((copy?.content as SimCardView).cardParamMap.status, 'approved', user);
        assert.deepEqual((copy?.content as SimCardView).buttons, []);
        assert.equal(copy?.history.at(-1)?.source, 'update');
      }
    });
  });
}

void describe('simulator control API: groups', () => {
  void it('creates, merges, lists and removes groups per platform; bad input is a 400', async () => {
    const url = `${sim.url}/_sim/groups/dingtalk/${encodeURIComponent(CID)}`;
    assert.equal((await http('PUT', url, { name: 'G', members: ['bob'] })).status, 200);
    const merged = await http('PUT', url, { robots: ['r1'] });
    assert.deepEqual(merged.body, { platform: 'dingtalk', id: CID, name: 'G', members: ['bob'], robots: ['r1'] });
    assert.equal(sim.core.groups.list('dingtalk-exclusive').length, 0);
    assert.equal((await http('PUT', url, { members: 'bob' })).status, 400);
    assert.equal((await http('PUT', url, { owner: 'bob' })).status, 400);
    const removed = await request(url, { method: 'DELETE', dispatcher });
    assert.deepEqual(await removed.body.json(), { removed: true });
    sim.core.groups.upsert('dingtalk', 'cidResetMe0001', {});
    sim.core.reset();
    assert.deepEqual(sim.core.groups.list(), [], 'reset forgets groups');
  });
});
