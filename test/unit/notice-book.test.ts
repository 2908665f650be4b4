import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChannelKind } from '../../src/domain/channel.js';
import {
  batchNoticeKey,
  concludeNotice,
  coveredKinds,
  newNoticeDelivery,
  noticeCardOf,
  noticeKey,
  targetsForRound,
} from '../../src/workflows/notice-book.js';
import { createTestNoticeInput, stateWith } from '../support/notices.js';

const NOW = new Date('2026-12-06T06:21:00Z');
const none = new Set<ChannelKind>();
const who = (targets: { recipient: { userId: string }; kind: string }[]) =>
  targets.map((t) => `${t.recipient.userId}@${t.kind}`);

/** Records a round's sends as the workflow does, with the outcome each person's delivery got. */
function send(state: ReturnType<typeof stateWith>, round: number, failed: string[] = []) {
  for (const target of targetsForRound(state, 'one-channel', round, none)) {
    const delivery = newNoticeDelivery(state.workflowId, target, round);
    delivery.status = failed.includes(target.recipient.userId) ? 'failed' : 'sent';
    state.deliveries.push(delivery);
  }
}

describe('notice rounds (pure)', () => {
  test('one-channel: everyone on their first channel; a failure falls back to the next one, once', () => {
    const state = stateWith({ alice: ['dingtalk', 'feishu', 'lark'], bob: ['feishu'] });
    assert.deepEqual(who(targetsForRound(state, 'one-channel', 1, none)), ['alice@dingtalk', 'bob@feishu']);
    send(state, 1, ['alice']);
    assert.deepEqual(who(targetsForRound(state, 'one-channel', 2, none)), ['alice@feishu'], 'bob was told');
    send(state, 2);
    assert.deepEqual(targetsForRound(state, 'one-channel', 3, none), [], 'nobody left: lark is never tried');
  });

  test('a person whose every channel failed runs out of rounds (and is not told)', () => {
    const state = stateWith({ alice: ['dingtalk', 'feishu'] });
    send(state, 1, ['alice']);
    send(state, 2, ['alice']);
    assert.deepEqual(targetsForRound(state, 'one-channel', 3, none), []);
    concludeNotice(state, NOW);
    assert.equal(state.status, 'failed');
  });

  test('every-channel: every channel of every person in round 1, none after; a covered platform is skipped', () => {
    const state = stateWith({ alice: ['dingtalk', 'feishu'], bob: ['feishu'] });
    assert.deepEqual(who(targetsForRound(state, 'every-channel', 1, none)), [
      'alice@dingtalk',
      'alice@feishu',
      'bob@feishu',
    ]);
    assert.deepEqual(who(targetsForRound(state, 'every-channel', 1, new Set(['feishu']))), ['alice@dingtalk']);
    assert.deepEqual(targetsForRound(state, 'every-channel', 2, none), []);
  });

  test('an `instead` group message that arrived tells everyone on its platform (one-channel)', () => {
    const state = stateWith({ alice: ['dingtalk', 'feishu'], bob: ['feishu'], carol: ['lark'] });
    state.groupMessages.push({
      kind: 'feishu',
      chatId: 'oc_abcdefgh',
      mode: 'instead',
      status: 'sent',
      idempotencyKey: 'nt-x',
    });
    const covered = coveredKinds(state);
    assert.deepEqual(who(targetsForRound(state, 'one-channel', 1, covered)), ['carol@lark']);
    state.deliveries.push({
      ...newNoticeDelivery(state.workflowId, { recipient: state.recipients[2]!, kind: 'lark', platformUserId: 'x' }, 1),
      status: 'sent',
    });
    concludeNotice(state, NOW);
    assert.equal(state.status, 'delivered');
  });

  test('keys: one per event × person × channel (fits Feishu uuid and DingTalk outTrackId); batches per round', () => {
    const key = noticeKey('notice:default:evt-1', 'alice', 'feishu');
    assert.equal(key, noticeKey('notice:default:evt-1', 'alice', 'feishu'), 'deterministic');
    assert.notEqual(key, noticeKey('notice:default:evt-1', 'alice', 'lark'));
    assert.notEqual(key, noticeKey('notice:default:evt-2', 'alice', 'feishu'));
    assert.ok(key.length <= 50);
    assert.notEqual(batchNoticeKey('w', 'dingtalk', 1), batchNoticeKey('w', 'dingtalk', 2));
  });
});

describe('how a notice ends (pure)', () => {
  test('delivered when everyone was told; unreachable on one channel but told on another still counts', () => {
    const state = stateWith({ alice: ['dingtalk'] });
    state.unreachable.push({ userId: 'alice', kind: 'feishu', reason: 'no Feishu user for this mobile' });
    send(state, 1);
    concludeNotice(state, NOW);
    assert.equal(state.status, 'delivered');
    assert.equal(state.finishedAt, NOW.toISOString());
  });

  test('partially delivered when someone named could not be reached anywhere', () => {
    const state = stateWith({ alice: ['dingtalk'] });
    state.unreachable.push({ userId: 'zed', reason: 'unknown user' });
    send(state, 1);
    concludeNotice(state, NOW);
    assert.equal(state.status, 'partially_delivered');
  });

  test('nobody notified, with why: everyone opted out or could not be reached', () => {
    const state = stateWith({});
    state.optedOut.push({ userId: 'alice', reason: 'the user switched "executed" notices off' });
    state.unreachable.push({ userId: 'bob', reason: 'unknown user' });
    concludeNotice(state, NOW);
    assert.equal(state.status, 'nobody_notified');
    assert.match(state.reason ?? '', /switched this notice off: alice/);
    assert.match(state.reason ?? '', /not reachable: bob/);
  });

  test('a stop says why (no rule matched) and overrides the rounds', () => {
    const state = stateWith({ alice: ['dingtalk'] });
    concludeNotice(state, NOW, { status: 'nobody_notified', reason: 'no rule for ticket.x × closed' });
    assert.equal(state.status, 'nobody_notified');
    assert.equal(state.reason, 'no rule for ticket.x × closed');
  });
});

describe('what a notice shows (pure)', () => {
  test('the ticket as sent, the event with its label, who decided, why, and the names it is about', () => {
    const card = noticeCardOf(
      createTestNoticeInput({
        event: 'rejected',
        by: { userId: 'bob', name: 'Bob Li' },
        reason: 'not this quarter',
        approvers: [{ userId: 'bob', name: 'Bob Li' }],
      }),
    );
    assert.equal(card.label, 'Rejected');
    assert.equal(card.by, 'Bob Li');
    assert.equal(card.reason, 'not this quarter');
    assert.deepEqual(card.approvers, ['Bob Li']);
    assert.equal(card.requesterName, 'Alice Chen');
    assert.equal(noticeCardOf(createTestNoticeInput({ event: 'archived', label: 'Archived' })).label, 'Archived');
    assert.equal(noticeCardOf(createTestNoticeInput({ event: 'data_archived' })).label, 'Data archived');
  });
});
