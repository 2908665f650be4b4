/**
 * DingTalk shared approval cards (issue 10): one instance per approval, delivered to every recipient's robot chat in
 * one createAndDeliver, per-recipient nonces in privateData, one PUT for everyone, escalation by card/instances/deliver.
 * Real HTTP against the simulator.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent } from 'undici';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import type { SimMessage } from '../../sim/core/inbox.js';
import { startSimServer, type SimServer } from '../../sim/server.js';
import type { SimCardView } from '../../sim/dingtalk/template.js';
import type { PlatformCallEvent } from '../../src/channels/call-observer.js';
import { ChannelError } from '../../src/channels/channel-error.js';
import { createDingtalkProvider, type DingtalkKind, type DingtalkProvider } from '../../src/channels/dingtalk/index.js';
import {
  chunkRobotSpaces,
  MAX_OPEN_SPACE_ID_CHARS,
  openSpaceId,
  spaceOutcomes,
} from '../../src/channels/dingtalk/dingtalk.spaces.js';
import { isSharedCardProvider, type SharedCardRecipient } from '../../src/channels/provider.js';
import type { ApprovalCard } from '../../src/domain/card.js';
import { isBilled } from '../../src/usage/billing.js';
import { createTestCard, until } from '../support/cards.js';

const START = Date.UTC(2030, 0, 15, 12, 0, 0);
let now = START;
const clock = { now: () => now };
let sim: SimServer;
const dispatcher = new Agent({ connections: 8 });

const card = (overrides: Partial<ApprovalCard> = {}) =>
  createTestCard({ ticketId: 'T-77', nonce: 'public-nonce-unused', ...overrides });

before(async () => {
  sim = await startSimServer({ clock });
});
after(async () => {
  await sim.close();
  await dispatcher.close();
});

void describe('openSpaceId chunks and deliverResults mapping (pure)', () => {
  void it('chunks stay within 1,000 characters, keep order, drop duplicates and refuse ids that never fit', () => {
    const ids = Array.from({ length: 150 }, (_, i) => `user${String(i).padStart(20, '0')}`);
    const { chunks, oversized } = chunkRobotSpaces([...ids, ids[0] ?? '', 'x'.repeat(1000)]);
    assert.deepEqual(chunks.flat(), ids);
    assert.deepEqual(oversized, ['x'.repeat(1000)]);
    assert.ok(chunks.length > 1);
    for (const chunk of chunks) assert.ok(openSpaceId(chunk).length <= MAX_OPEN_SPACE_ID_CHARS);
    // Each chunk but the last is full: one more id would not have fitted.
    for (const [i, chunk] of chunks.slice(0, -1).entries()) {
      const next = chunks[i + 1]?.[0] ?? '';
      assert.ok(openSpaceId([...chunk, next]).length > MAX_OPEN_SPACE_ID_CHARS);
    }
    assert.equal(openSpaceId(['u1', 'u2']), 'dtv1.card//IM_ROBOT.u1;IM_ROBOT.u2');
  });

  void it('every space is read: failures carry errorMsg, a missing entry is not delivered', () => {
    const outcomes = spaceOutcomes(
      ['a', 'b', 'c'],
      [
        { spaceType: 'IM_ROBOT', spaceId: 'a', success: true },
        { spaceType: 'IM_ROBOT', spaceId: 'b', success: false, errorMsg: 'user outside the visible range' },
      ],
    );
    assert.deepEqual(outcomes.get('a'), { delivered: true });
    assert.equal(outcomes.get('b')?.error?.code, 'RECIPIENT_UNREACHABLE');
    assert.match(outcomes.get('b')?.error?.message ?? '', /visible range/);
    assert.equal(outcomes.get('c')?.delivered, false);
    assert.equal(outcomes.get('c')?.error?.code, 'TRANSIENT');
  });
});

for (const edition of ['dingtalk', 'dingtalk-exclusive'] as const satisfies DingtalkKind[]) {
  void describe(`${edition} shared approval card against the simulator`, () => {
    const app = SANDBOX_APPS[edition];
    const calls: PlatformCallEvent[] = [];
    const provider = (): DingtalkProvider =>
      createDingtalkProvider(
        edition,
        {
          appKey: app.appId,
          appSecret: app.appSecret,
          robotCode: app.appId,
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
    const idOf = (user: string): string => sim.core.users.get(user)?.ids[edition] ?? '';
    const who = (user: string): SharedCardRecipient => ({
      userId: user,
      name: user,
      platformUserId: idOf(user),
      nonce: `nonce-${user}`,
    });
    const ghost: SharedCardRecipient = { userId: 'ghost', name: 'Ghost', platformUserId: 'nosuchuser01', nonce: 'n-g' };
    const cardsOf = (user: string): SimMessage[] => sim.core.inbox.list({ platform: edition, userId: user });
    const viewOf = (user: string): SimCardView => {
      const cards = cardsOf(user);
      assert.equal(cards.length, 1, `${user} has exactly one card`);
      return cards[0]?.content as SimCardView;
    };

    beforeEach(() => {
      now = START;
      calls.length = 0;
      sim.core.reset();
    });

    void it('is a SharedCardProvider', () => {
      assert.ok(isSharedCardProvider(provider()));
    });

    void it('one createAndDeliver reaches every space; failed spaces are reported per recipient', async () => {
      sim.core.users.upsert('grace', { status: { [edition]: 'out_of_scope' } });
      sim.core.users.upsert('erin', { status: { [edition]: 'resigned' } });
      const recipients = ['bob', 'carol', 'grace', 'erin'].map(who).concat(ghost);
      const delivery = await provider().sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-shared-1' });

      assert.equal(delivery.cardRef, 'ab-shared-1');
      assert.equal(count('send'), 1, 'one createAndDeliver for everyone');
      assert.equal(count('deliver'), 0);
      const byUser = Object.fromEntries(delivery.results.map((r) => [r.platformUserId, r]));
      assert.deepEqual(
        delivery.results.map((r) => [r.platformUserId, r.delivered]),
        [
          [idOf('bob'), true],
          [idOf('carol'), true],
          [idOf('grace'), false],
          [idOf('erin'), false],
          ['nosuchuser01', false],
        ],
      );
      assert.equal(byUser[idOf('bob')]?.error, undefined);
      assert.equal(byUser[idOf('grace')]?.error?.code, 'RECIPIENT_UNREACHABLE');
      assert.match(byUser[idOf('grace')]?.error?.message ?? '', /visible range/);
      assert.match(byUser[idOf('erin')]?.error?.message ?? '', /left the org/);
      assert.match(byUser.nosuchuser01?.error?.message ?? '', /not found/);

      // One instance, one message per reached recipient, each with their own nonce on their buttons.
      for (const user of ['bob', 'carol']) {
        const view = viewOf(user);
        assert.equal(view.outTrackId, 'ab-shared-1');
        assert.deepEqual(view.privateParamMap, { nonce: `nonce-${user}` });
        assert.deepEqual(
          view.buttons.map((b) => b.params.nonce),
          [`nonce-${user}`, `nonce-${user}`],
        );
      }
      assert.equal(cardsOf('grace').length + cardsOf('erin').length, 0);
      assert.deepEqual(
        calls.map((c) => [c.api, c.status]),
        [
          ['token', 200],
          ['send', 200],
        ],
      );
    });

    void it('one PUT updates what every recipient sees; reminders too', async () => {
      const p = provider();
      const recipients = ['bob', 'carol', 'dave'].map(who);
      const { cardRef } = await p.sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-shared-upd' });
      await p.remind({ cardRef, recipient: who('bob'), card: card(), reminder: 1, idempotencyKey: 'ab-rem-x' });
      for (const user of ['bob', 'carol', 'dave'])
        assert.match(viewOf(user).cardParamMap.reminder ?? '', /^Reminder 1/);
      const final = card({ status: 'approved', decidedBy: 'Carol Approver', decidedAt: '2030-01-15T12:30:00.000Z' });
      await p.updateCard({ cardRef, recipient: who('bob'), card: final });
      assert.equal(count('update'), 2, 'one reminder and one final update, whatever the number of recipients');
      for (const user of ['bob', 'carol', 'dave']) {
        const view = viewOf(user);
        assert.equal(view.cardParamMap.statusText, 'Approved by Carol Approver at Jan 15, 12:30 (UTC)');
        assert.deepEqual(view.buttons, []);
        assert.deepEqual(view.privateParamMap, { nonce: `nonce-${user}` }, 'private data survives the update');
      }
      assert.deepEqual(
        calls.map((c) => c.api),
        ['token', 'send', 'reminder', 'update'],
      );
    });

    void it('escalation delivers the same instance to the new spaces and binds their nonces with one PUT', async () => {
      const p = provider();
      const { cardRef } = await p.sendSharedCard({ card: card(), recipients: [who('bob')], idempotencyKey: 'ab-esc' });
      calls.length = 0;
      const level2 = card({ level: 2 });
      const escalated = await p.deliverSharedCard({
        card: level2,
        recipients: [who('carol'), who('dave'), ghost],
        idempotencyKey: 'unused-for-deliver',
        cardRef,
      });
      assert.equal(escalated.cardRef, 'ab-esc');
      assert.deepEqual(
        escalated.results.map((r) => [r.platformUserId, r.delivered, r.error?.code]),
        [
          [idOf('carol'), true, undefined],
          [idOf('dave'), true, undefined],
          ['nosuchuser01', false, 'RECIPIENT_UNREACHABLE'],
        ],
      );
      assert.equal(count('send'), 1, 'no second instance');
      assert.equal(count('deliver'), 1);
      assert.equal(count('update'), 1, 'one PUT for the new nonces and the level-2 content');
      assert.deepEqual(
        calls.map((c) => [c.api, isBilled(c)]),
        [
          ['send', true],
          ['update', true],
        ],
      );
      for (const user of ['bob', 'carol', 'dave']) {
        const view = viewOf(user);
        assert.equal(view.outTrackId, 'ab-esc');
        assert.equal(view.cardParamMap.level, '2');
        assert.match(view.cardParamMap.statusText ?? '', /escalated, level 2/);
        assert.deepEqual(
          view.buttons.map((b) => b.params.nonce),
          [`nonce-${user}`, `nonce-${user}`],
          `${user} clicks with their own nonce`,
        );
      }
      // A later final update reaches all three with one call.
      await p.updateCard({ cardRef, recipient: who('bob'), card: card({ status: 'expired', level: 2 }) });
      for (const user of ['bob', 'carol', 'dave']) assert.match(viewOf(user).cardParamMap.statusText ?? '', /^Expired/);
      assert.equal(count('update'), 2);
    });

    void it('recipients sharing the card nonce need no private data: escalation is one deliver, no PUT', async () => {
      const p = provider();
      const shared = card({ nonce: 'approval-card-nonce' });
      const sharing = (user: string): SharedCardRecipient => ({ ...who(user), nonce: shared.nonce });
      const first = await p.sendSharedCard({ card: shared, recipients: [sharing('bob')], idempotencyKey: 'ab-one' });
      calls.length = 0;
      const escalated = await p.deliverSharedCard({
        card: { ...shared, level: 2 },
        recipients: [sharing('carol'), sharing('dave')],
        idempotencyKey: 'unused-for-deliver',
        cardRef: first.cardRef,
      });
      assert.ok(escalated.results.every((r) => r.delivered));
      assert.deepEqual(
        calls.map((c) => c.api),
        ['send'],
        'the deliver call only',
      );
      assert.equal(count('update'), 0);
      for (const user of ['bob', 'carol', 'dave']) {
        assert.deepEqual(
          viewOf(user).buttons.map((b) => b.params.nonce),
          ['approval-card-nonce', 'approval-card-nonce'],
          `${user}'s buttons carry the card's nonce`,
        );
      }
    });

    void it('escalation to nobody reachable spends no PUT', async () => {
      const p = provider();
      const { cardRef } = await p.sendSharedCard({ card: card(), recipients: [who('bob')], idempotencyKey: 'ab-esc0' });
      const r = await p.deliverSharedCard({
        card: card({ level: 2 }),
        recipients: [ghost],
        idempotencyKey: 'x',
        cardRef,
      });
      assert.deepEqual(
        r.results.map((x) => x.delivered),
        [false],
      );
      assert.equal(count('deliver'), 1);
      assert.equal(count('update'), 0);
    });

    void it('escalation after a first round that created nothing creates the instance', async () => {
      const p = provider();
      const empty = await p.sendSharedCard({ card: card(), recipients: [], idempotencyKey: 'ab-none' });
      assert.deepEqual(empty, { cardRef: 'ab-none', results: [] });
      assert.equal(count('send') + count('deliver'), 0, 'no call for nobody');
      const r = await p.deliverSharedCard({
        card: card({ level: 2 }),
        recipients: [who('carol')],
        idempotencyKey: 'x',
        cardRef: 'ab-none',
      });
      assert.deepEqual(
        r.results.map((x) => x.delivered),
        [true],
      );
      assert.deepEqual(viewOf('carol').privateParamMap, { nonce: 'nonce-carol' });
      assert.equal(viewOf('carol').outTrackId, 'ab-none');
    });

    void it('a lost createAndDeliver answer: the retry delivers to every space instead of assuming success', async () => {
      sim.core.users.upsert('carol', { status: { [edition]: 'out_of_scope' } });
      const p = provider();
      const recipients = [who('bob'), who('carol')];
      await p.resolveUser({ mobile: '13800000002' }); // the token first, so the abort hits createAndDeliver
      // The first try is processed (bob gets the card, carol's space fails) but its answer never arrives.
      sim.core.faults.add({ platform: edition, path: '/createAndDeliver', kind: 'delay', delayMs: 300 });
      const controller = new AbortController();
      const lost = p.sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-lost', signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(lost, (err: Error) => err.name === 'AbortError');
      await until(() => count('send') === 1 && cardsOf('bob').length === 1);

      // Still out of scope at the retry: carol is reported, not counted as delivered.
      const retried = await p.sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-lost' });
      assert.deepEqual(
        retried.results.map((r) => [r.platformUserId, r.delivered]),
        [
          [idOf('bob'), true],
          [idOf('carol'), false],
        ],
      );
      const sends = sim.core.log.list({ platform: edition, api: 'send' }).map((r) => r.vendorCode);
      assert.deepEqual(sends, [undefined, 'param.cardAlreadyExist']);
      assert.equal(count('deliver'), 1);
      assert.equal(cardsOf('bob').length, 1, 'delivering again into bob’s chat keeps his one card');

      // Carol is in scope by the next retry: she gets the card, with the nonce the first try stored.
      sim.core.users.upsert('carol', { status: { [edition]: 'active' } });
      const third = await p.sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-lost' });
      assert.ok(third.results.every((r) => r.delivered));
      assert.deepEqual(viewOf('carol').privateParamMap, { nonce: 'nonce-carol' });
      assert.equal(viewOf('carol').outTrackId, 'ab-lost');
    });

    void it('the 1:1 sendCard path no longer reports a lost answer after a failed delivery as success', async () => {
      sim.core.users.upsert('grace', { status: { [edition]: 'out_of_scope' } });
      const p = provider();
      const grace = { userId: 'grace', name: 'Grace', platformUserId: idOf('grace') };
      await p.resolveUser({ mobile: '13800000002' });
      sim.core.faults.add({ platform: edition, path: '/createAndDeliver', kind: 'delay', delayMs: 300 });
      const controller = new AbortController();
      const lost = p.sendCard({ recipient: grace, card: card(), idempotencyKey: 'ab-1to1', signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(lost, (err: Error) => err.name === 'AbortError');
      await until(() => count('send') === 1);
      await assert.rejects(
        p.sendCard({ recipient: grace, card: card(), idempotencyKey: 'ab-1to1' }),
        (err: unknown) => err instanceof ChannelError && err.code === 'RECIPIENT_UNREACHABLE',
      );
      assert.equal(count('deliver'), 1);
      sim.core.users.upsert('grace', { status: { [edition]: 'active' } });
      assert.deepEqual(await p.sendCard({ recipient: grace, card: card(), idempotencyKey: 'ab-1to1' }), {
        cardRef: 'ab-1to1',
      });
      assert.equal(cardsOf('grace').length, 1);
    });

    void describe('more recipients than one openSpaceId holds', () => {
      const many = (prefix: string, n: number): SharedCardRecipient[] =>
        Array.from({ length: n }, (_, i) => {
          const id = `${prefix}${String(i).padStart(3, '0')}`;
          sim.core.users.upsert(id, { name: id });
          return who(id);
        });

      void it('first chunk in createAndDeliver, the rest by deliver; nonces for all; one PUT for all', async () => {
        const p = provider();
        const recipients = many('approver', 120);
        const d = await p.sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-many' });
        const chunks = chunkRobotSpaces(recipients.map((r) => r.platformUserId)).chunks.length;
        assert.ok(chunks >= 3, `${chunks} chunks`);
        assert.equal(count('send'), 1);
        assert.equal(count('deliver'), chunks - 1);
        assert.ok(d.results.every((r) => r.delivered));
        for (const r of recipients) {
          assert.deepEqual(viewOf(r.userId).buttons[0]?.params.nonce, r.nonce, r.userId);
        }
        await p.updateCard({ cardRef: d.cardRef, recipient: who('bob'), card: card({ status: 'withdrawn' }) });
        assert.equal(count('update'), 1);
        for (const r of recipients) assert.match(viewOf(r.userId).cardParamMap.statusText ?? '', /^Withdrawn/);

        // Escalation to another 80: chunked delivers, still one PUT.
        const level2 = many('escalated', 80);
        const e = await p.deliverSharedCard({
          card: card({ level: 2 }),
          recipients: level2,
          idempotencyKey: 'x',
          cardRef: 'ab-many',
        });
        assert.ok(e.results.every((r) => r.delivered));
        const escChunks = chunkRobotSpaces(level2.map((r) => r.platformUserId)).chunks.length;
        assert.ok(escChunks >= 2);
        assert.equal(count('deliver'), chunks - 1 + escChunks);
        assert.equal(count('update'), 2);
        for (const r of level2) assert.equal(viewOf(r.userId).buttons[1]?.params.nonce, r.nonce);
      });

      void it('a final failure of a later chunk is reported for its recipients, not thrown', async () => {
        sim.core.apps.upsert(edition, app.appId, { monthlyQuota: 1 });
        const recipients = many('approver', 120);
        const d = await provider().sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-quota' });
        const [first = []] = chunkRobotSpaces(recipients.map((r) => r.platformUserId)).chunks;
        const inFirst = new Set(first);
        for (const r of d.results) {
          if (inFirst.has(r.platformUserId)) assert.equal(r.delivered, true);
          else assert.equal(r.error?.code, 'QUOTA_EXHAUSTED', r.platformUserId);
        }
      });

      void it('a retryable failure of a later chunk is thrown; the retry completes the delivery', async () => {
        const p = provider();
        const recipients = many('approver', 120);
        sim.core.faults.add({ platform: edition, path: '/card/instances/deliver', kind: 'error', status: 500 });
        await assert.rejects(
          p.sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-retry' }),
          (err: unknown) => err instanceof ChannelError && err.code === 'TRANSIENT',
        );
        const d = await p.sendSharedCard({ card: card(), recipients, idempotencyKey: 'ab-retry' });
        assert.ok(d.results.every((r) => r.delivered));
        for (const r of recipients) assert.equal(cardsOf(r.userId).length, 1, r.userId);
      });
    });
  });
}
