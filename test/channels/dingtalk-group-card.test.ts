/**
 * DingTalk group-chat cards (policy `groupChats` with a DingTalk kind): the provider's sendGroupCard against the
 * simulator over HTTP — one createAndDeliver into `IM_GROUP.<openConversationId>`, a group that did not get it
 * surfacing as a non-retryable error, a retry after a lost answer re-delivering, and one PUT for every member.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { Agent } from 'undici';
import type { SimMessage } from '../../sim/core/inbox.js';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import { startSimServer, type SimServer } from '../../sim/server.js';
import type { SimCardView } from '../../sim/dingtalk/template.js';
import { toActivityFailure } from '../../src/activities/channel-failure.js';
import type { PlatformCallEvent } from '../../src/channels/call-observer.js';
import { ChannelError } from '../../src/channels/channel-error.js';
import { createDingtalkProvider, type DingtalkKind, type DingtalkProvider } from '../../src/channels/dingtalk/index.js';
import { assertGroupDelivered, groupSpaceId } from '../../src/channels/dingtalk/dingtalk.group.js';
import { isGroupCardProvider } from '../../src/channels/provider.js';
import type { ApprovalCard } from '../../src/domain/card.js';
import { createTestCard, until } from '../support/cards.js';

const START = Date.UTC(2030, 0, 15, 12, 0, 0);
const clock = { now: () => START };
const dispatcher = new Agent({ connections: 8 });
const CID = 'cidGroupCard0001+x/Yz==';
const MEMBERS = ['alice', 'bob', 'carol', 'dave'];
let sim: SimServer;

const card = (overrides: Partial<ApprovalCard> = {}) =>
  createTestCard({ ticketId: 'T-88', nonce: 'the-group-nonce', ...overrides });

before(async () => {
  sim = await startSimServer({ clock });
});
after(async () => {
  await sim.close();
  await dispatcher.close();
});

void describe('IM_GROUP space and deliverResults (pure)', () => {
  void it('the group as a card space, and what each answer means', () => {
    assert.equal(groupSpaceId(CID), `dtv1.card//IM_GROUP.${CID}`);
    assert.doesNotThrow(() => assertGroupDelivered(CID, [{ spaceType: 'IM_GROUP', spaceId: CID, success: true }]));
    assert.doesNotThrow(() => assertGroupDelivered(CID, [{ success: true }]), 'a lone entry answers the lone space');
    assert.throws(
      () => assertGroupDelivered(CID, [{ spaceType: 'IM_GROUP', spaceId: CID, success: false, errorMsg: 'no robot' }]),
      (err: unknown) =>
        err instanceof ChannelError &&
        err.code === 'RECIPIENT_UNREACHABLE' &&
        !err.retryable &&
        /no robot/.test(err.message),
    );
    assert.throws(
      () => assertGroupDelivered(CID, [{ spaceType: 'IM_ROBOT', spaceId: CID, success: true }]),
      (err: unknown) => err instanceof ChannelError && err.code === 'TRANSIENT',
      'an entry for another space type is not the group’s',
    );
    assert.throws(
      () => assertGroupDelivered(CID, []),
      (err: unknown) => err instanceof ChannelError && err.code === 'TRANSIENT' && err.retryable,
    );
  });
});

for (const edition of ['dingtalk', 'dingtalk-exclusive'] as const satisfies DingtalkKind[]) {
  void describe(`${edition} group-chat card against the simulator`, () => {
    const app = SANDBOX_APPS[edition];
    const calls: PlatformCallEvent[] = [];
    const provider = (robotCode: string = app.appId): DingtalkProvider =>
      createDingtalkProvider(
        edition,
        {
          appKey: app.appId,
          appSecret: app.appSecret,
          robotCode,
          cardTemplateId: 'tpl.approval.v1',
          callbackRouteKey: 'approvals-bridge',
          apiBaseUrl: `${sim.url}/${edition}/api`,
          oapiBaseUrl: `${sim.url}/${edition}/oapi`,
          ...(edition === 'dingtalk' ? { appId: 'sim-app-id', agentId: '123456' } : {}),
        },
        dispatcher,
        { now: clock.now, onCall: (e) => calls.push(e) },
      );
    const count = (api: string): number => sim.core.log.count({ platform: edition, api });
    const copiesOf = (user: string, outTrackId: string): SimMessage[] =>
      sim.core.inbox.list({ platform: edition, userId: user }).filter((m) => m.meta.outTrackId === outTrackId);
    const viewOf = (user: string, outTrackId: string): SimCardView => {
      const copies = copiesOf(user, outTrackId);
      assert.equal(copies.length, 1, `${user} sees the group card once`);
      return copies[0]?.content as SimCardView;
    };

    beforeEach(() => {
      calls.length = 0;
      sim.core.reset();
      sim.core.groups.upsert(edition, CID, { name: 'Approvers', members: MEMBERS, robots: [app.appId] });
    });

    void it('is a GroupCardProvider; one createAndDeliver puts the card in the group for every member', async () => {
      const p = provider();
      assert.ok(isGroupCardProvider(p));
      const sent = await p.sendGroupCard({ chatId: CID, card: card(), idempotencyKey: 'ab-group-1' });
      assert.deepEqual(sent, { cardRef: 'ab-group-1' });
      assert.equal(count('send'), 1);
      assert.equal(count('deliver'), 0);
      assert.deepEqual(
        calls.map((c) => [c.api, c.status]),
        [
          ['token', 200],
          ['send', 200],
        ],
      );
      const carriers = new Set<unknown>();
      for (const user of MEMBERS) {
        const [copy] = copiesOf(user, 'ab-group-1');
        assert.equal(copy?.chatId, CID);
        carriers.add(copy?.meta.carrierId);
        const view = viewOf(user, 'ab-group-1');
        assert.equal(view.cardParamMap.ticketId, 'T-88');
        assert.equal(view.cardParamMap.nonce, 'the-group-nonce');
        assert.deepEqual(view.privateParamMap, {}, 'no private data: one set of buttons for the whole group');
        assert.deepEqual(
          view.buttons.map((b) => [b.id, b.params.nonce]),
          [
            ['approve', 'the-group-nonce'],
            ['reject', 'the-group-nonce'],
          ],
        );
      }
      assert.equal(carriers.size, 1, 'one message in the group');
      assert.deepEqual(copiesOf('erin', 'ab-group-1'), [], 'not a member');
    });

    void it('a group the robot is not in, or no such group: a non-retryable error with DingTalk’s errorMsg', async () => {
      sim.core.groups.upsert(edition, 'cidNoRobotHere01', { members: MEMBERS });
      for (const [chatId, reason] of [
        ['cidNoRobotHere01', /robot is not a member/],
        ['cidNoSuchGroup01', /not found/],
      ] as const) {
        const err = await provider()
          .sendGroupCard({ chatId, card: card(), idempotencyKey: `ab-${chatId}` })
          .then(
            () => assert.fail('expected a failure'),
            (e: unknown) => e,
          );
        assert.ok(err instanceof ChannelError);
        assert.equal(err.code, 'RECIPIENT_UNREACHABLE');
        assert.equal(err.retryable, false);
        assert.match(err.message, reason);
        assert.match(err.message, new RegExp(chatId));
        // What the workflow sees: a non-retryable failure of that type, so `instead` falls back at once.
        const failure = toActivityFailure(err);
        assert.ok(failure instanceof ApplicationFailure);
        assert.equal(failure.type, 'RECIPIENT_UNREACHABLE');
        assert.equal(failure.nonRetryable, true);
      }
      for (const user of MEMBERS) assert.equal(sim.core.inbox.list({ platform: edition, userId: user }).length, 0);
    });

    void it('a robot code that is not the app’s robot is an INVALID_REQUEST (the channel config is wrong)', async () => {
      await assert.rejects(
        provider('dingwrongrobot').sendGroupCard({ chatId: CID, card: card(), idempotencyKey: 'ab-wrong' }),
        (err: unknown) =>
          err instanceof ChannelError &&
          err.code === 'INVALID_REQUEST' &&
          err.vendorCode === 'param.openDeliverModelError' &&
          !err.retryable,
      );
    });

    void it('a lost createAndDeliver answer: the retry finds the instance and delivers it into the group', async () => {
      const p = provider();
      await p.resolveUser({ mobile: '13800000002' }); // the token first, so the abort hits createAndDeliver
      // The first try is processed (the group gets the card) but its answer never arrives.
      sim.core.faults.add({ platform: edition, path: '/createAndDeliver', kind: 'delay', delayMs: 300 });
      const controller = new AbortController();
      const lost = p.sendGroupCard({ chatId: CID, card: card(), idempotencyKey: 'ab-lost', signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(lost, (err: Error) => err.name === 'AbortError');
      await until(() => count('send') === 1 && copiesOf('bob', 'ab-lost').length === 1);

      assert.deepEqual(await p.sendGroupCard({ chatId: CID, card: card(), idempotencyKey: 'ab-lost' }), {
        cardRef: 'ab-lost',
      });
      const sends = sim.core.log.list({ platform: edition, api: 'send' }).map((r) => r.vendorCode);
      assert.deepEqual(sends, [undefined, 'param.cardAlreadyExist']);
      assert.equal(count('deliver'), 1, 'delivered again into the group');
      for (const user of MEMBERS) assert.equal(copiesOf(user, 'ab-lost').length, 1, `${user} still sees one card`);
    });

    void it('updateCard (one PUT by outTrackId) shows the outcome to every member, without buttons', async () => {
      const p = provider();
      const { cardRef } = await p.sendGroupCard({ chatId: CID, card: card(), idempotencyKey: 'ab-group-upd' });
      const final = card({ status: 'approved', decidedBy: 'Bob Approver', decidedAt: '2030-01-15T12:30:00.000Z' });
      const chat = { userId: `chat:${CID}`, name: 'group chat', platformUserId: CID };
      await p.updateCard({ cardRef, recipient: chat, card: final });
      assert.equal(count('update'), 1);
      for (const user of MEMBERS) {
        const view = viewOf(user, 'ab-group-upd');
        assert.equal(view.cardParamMap.statusText, 'Approved by Bob Approver at Jan 15, 12:30 (UTC)');
        assert.deepEqual(view.buttons, []);
      }
    });
  });
}
