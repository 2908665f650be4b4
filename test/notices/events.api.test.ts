/**
 * Reported events over the API on the whole stack: idempotent on the event id, a precise 400 that records nothing, an
 * event no rule matches, people's own notice settings, fallback to another channel, a group chat instead of one
 * message per person, and the dry run for any event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NoticeState } from '../../src/domain/notice-state.js';
import { startStack, type Stack } from '../support/stack.js';
import { assertToldOnce, finished, noticesOf, tellRule, ticketEvent } from './support.js';

const TYPE = 'ticket.events_api';
type ErrorBody = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

describe('reported events: idempotency, bad input, unmatched events, settings, fallback, group chats', () => {
  let stack: Stack;
  let jira: string;

  before(async () => {
    stack = await startStack();
    jira = await stack.tokenFor('ticket-system', 'jira');
    const rules = [
      tellRule('api-executed', TYPE, 'executed', { relative: ['requester'], additionalUsers: ['dave'] }),
      // One channel each: the first that reaches them, the next when it fails.
      {
        ...tellRule('api-failed', TYPE, 'execution_failed', { relative: ['requester'] }),
        deliverTo: 'one-channel',
      },
      {
        ...tellRule('api-closed', TYPE, 'closed', { relative: ['requester'], additionalUsers: ['bob', 'carol'] }),
        channels: ['feishu', 'dingtalk'],
        groupChats: [{ kind: 'feishu', chatId: 'oc_eventsapigroup01', mode: 'instead' }],
        deliverTo: 'one-channel',
      },
    ];
    for (const rule of rules) {
      const res = await stack.call('POST', '/v1/rules', rule);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });
  after(async () => {
    await stack?.stop();
  });

  const report = (body: unknown, token = jira) =>
    stack.call<NoticeState & ErrorBody>('POST', '/v1/events', body, token);

  test('the same event again is the same event (200, nobody told twice); another under its id is 409', async () => {
    const event = ticketEvent('idem-1', 'EA-1', TYPE, 'executed');
    const first = await report(event);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.status, 'delivering');
    await finished(stack, 'idem-1');
    const again = await report(event);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'delivered');
    assert.equal(again.body.eventId, 'idem-1');
    const other = await report({ ...event, note: 'a different event' });
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'EVENT_ID_CONFLICT');
    await assertToldOnce(stack, ['alice', 'dave'], 'EA-1', 'Executed');
    assert.equal((await noticesOf(stack, 'feishu', 'alice', 'EA-1', 'a different event')).length, 0);
  });

  test('bad input is a precise 400 and records nothing', async () => {
    const cases: [unknown, string, string[]][] = [
      [{}, 'VALIDATION_FAILED', ['eventId', 'requester', 'state', 'ticketId', 'ticketType', 'title']],
      [ticketEvent('bad-1', 'EA-2', TYPE, 'Exploded!'), 'VALIDATION_FAILED', ['state']],
      [ticketEvent('bad-2', 'EA-2', TYPE, 'exploded'), 'UNKNOWN_EVENT', ['state']],
      [ticketEvent('bad-3', 'EA-2', TYPE, 'approved'), 'UNKNOWN_EVENT', ['state']],
      [
        ticketEvent('bad-4', 'EA-2', TYPE, 'executed', { occurredAt: 'yesterday' }),
        'VALIDATION_FAILED',
        ['occurredAt'],
      ],
      [ticketEvent('bad:5', 'EA-2', TYPE, 'executed'), 'VALIDATION_FAILED', ['eventId']],
    ];
    for (const [body, code, paths] of cases) {
      const res = await report(body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, code);
      assert.deepEqual(res.body.error.details?.map((d) => d.path).sort(), paths);
    }
    const unknown = await report(ticketEvent('bad-2', 'EA-2', TYPE, 'exploded'));
    assert.match(unknown.body.error.details?.[0]?.message ?? '', /known: pending_approval, .*executed/);
    for (const id of ['bad-1', 'bad-2', 'bad-3', 'bad-4']) {
      assert.equal((await stack.call('GET', `/v1/events/${id}`)).status, 404, `${id} was not recorded`);
    }
    const approver = await stack.tokenFor('approver', 'bob');
    assert.equal((await report(ticketEvent('bad-6', 'EA-2', TYPE, 'executed'), approver)).status, 403);
  });

  test('an event no rule matches: recorded, nobody told, and why (not an error)', async () => {
    const res = await report(ticketEvent('nomatch-1', 'EA-3', 'ticket.unruled', 'closed'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'nobody_notified');
    assert.match(res.body.reason ?? '', /no rule for ticket\.unruled × closed \(nor a \* rule\) in tenant default/);
    const recorded = await finished(stack, 'nomatch-1');
    assert.equal(recorded.status, 'nobody_notified');
    assert.deepEqual(recorded.deliveries, []);
    assert.equal((await noticesOf(stack, 'feishu', 'alice', 'EA-3')).length, 0);
    // The default rules (seeded) cover executed for every ticket type: the requester, on one channel.
    const covered = await report(ticketEvent('nomatch-2', 'EA-3', 'ticket.unruled', 'executed'));
    assert.equal(covered.body.ruleVersion, 'notice-executed@v1');
    assert.equal((await finished(stack, 'nomatch-2')).deliveries.length, 1);
  });

  test("people's own settings: an event off, or one channel off for it; shown as they apply", async () => {
    const alice = await stack.tokenFor('approver', 'alice');
    const dave = await stack.tokenFor('approver', 'dave');
    const mine = await stack.call<{ events: { event: string; channels: { kind: string; on: boolean }[] }[] }>(
      'PUT',
      '/v1/me/notices',
      { notices: { executed: { enabled: true, channels: { feishu: false } } } },
      alice,
    );
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    const executed = mine.body.events.find((e) => e.event === 'executed');
    assert.deepEqual(
      executed?.channels.filter((c) => !c.on).map((c) => c.kind),
      ['feishu'],
    );
    assert.equal(
      (await stack.call('PUT', '/v1/me/notices', { notices: { executed: { enabled: false } } }, dave)).status,
      200,
    );
    const shown = await stack.call<{ events: { event: string; enabled: boolean }[] }>('GET', '/v1/users/dave/notices');
    assert.equal(shown.body.events.find((e) => e.event === 'executed')?.enabled, false);
    const bad = await stack.call<ErrorBody>(
      'PUT',
      '/v1/me/notices',
      { notices: { exploded: { enabled: false } } },
      dave,
    );
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.error.details?.map((d) => d.path),
      ['notices.exploded'],
    );

    assert.equal((await report(ticketEvent('settings-1', 'EA-4', TYPE, 'executed'))).status, 201);
    const notice = await finished(stack, 'settings-1');
    assert.equal(notice.status, 'delivered');
    assert.deepEqual(notice.optedOut.map((o) => `${o.userId}:${o.kind ?? '*'}`).sort(), ['alice:feishu', 'dave:*']);
    await assertToldOnce(stack, ['alice'], 'EA-4', 'Executed', ['dingtalk', 'dingtalk-exclusive', 'lark']);
    assert.equal((await noticesOf(stack, 'feishu', 'alice', 'EA-4')).length, 0);
    for (const kind of ['dingtalk', 'feishu'] as const) {
      assert.equal((await noticesOf(stack, kind, 'dave', 'EA-4')).length, 0, `dave switched it off (${kind})`);
    }
    // An admin editing dave's contacts keeps what he chose.
    const edit = await stack.call('PUT', '/v1/users/dave', {
      name: 'Dave Zhang',
      mobile: '+8613800000004',
      email: 'dave@example.com',
      roles: ['dba-lead'],
    });
    assert.equal(edit.status, 200);
    const after = await stack.call<{ notices: Record<string, { enabled: boolean }> }>('GET', '/v1/users/dave');
    assert.equal(after.body.notices.executed?.enabled, false);
  });

  test('a channel that fails for someone falls back to their next channel; each person is told once', async () => {
    // Alice stopped the DingTalk bot: her lookup still works, the delivery into her chat fails.
    await stack.sim.control.setUser('alice', { status: { dingtalk: 'blocked' } });
    try {
      assert.equal((await report(ticketEvent('fallback-1', 'EA-5', TYPE, 'execution_failed'))).status, 201);
      const notice = await finished(stack, 'fallback-1');
      assert.equal(notice.status, 'delivered', JSON.stringify(notice));
      assert.deepEqual(
        notice.deliveries.map((d) => [d.kind, d.status, d.round]),
        [
          ['dingtalk', 'failed', 1],
          ['dingtalk-exclusive', 'sent', 2],
        ],
      );
      assert.equal(notice.deliveries[0]?.error?.code, 'RECIPIENT_UNREACHABLE');
      await assertToldOnce(stack, ['alice'], 'EA-5', 'Execution failed', ['dingtalk-exclusive']);
      for (const kind of ['dingtalk', 'feishu', 'lark'] as const) {
        assert.equal((await noticesOf(stack, kind, 'alice', 'EA-5')).length, 0, `nothing on ${kind}`);
      }
    } finally {
      await stack.sim.control.setUser('alice', { status: { dingtalk: 'active' } });
    }
  });

  test('a group chat instead of one message per person: one message there, the others told one to one', async () => {
    assert.equal((await report(ticketEvent('group-1', 'EA-6', TYPE, 'closed'))).status, 201);
    const notice = await finished(stack, 'group-1');
    assert.equal(notice.status, 'delivered', JSON.stringify(notice));
    assert.deepEqual(
      notice.groupMessages.map((g) => [g.kind, g.chatId, g.status]),
      [['feishu', 'oc_eventsapigroup01', 'sent']],
    );
    assert.equal(notice.deliveries.length, 0, 'everyone is on Feishu, the group told them all');
    assert.equal((await noticesOf(stack, 'feishu', 'oc_eventsapigroup01', 'EA-6', 'Closed')).length, 1);
    assert.equal(notice.platformCalls.byApi.send, 1, 'one send for three people');
  });

  test('the dry run answers for any event: who gets it, where, and who is left out', async () => {
    const dry = await stack.call<{
      event: string;
      notice: { recipients: { userId: string }[]; optedOut: { userId: string; kind?: string }[]; deliverTo: string };
    }>('POST', '/v1/rules/dry-run', {
      ticket: { ticketType: TYPE, requester: { userId: 'alice' } },
      event: 'executed',
    });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.event, 'executed');
    assert.deepEqual(
      dry.body.notice.recipients.map((r) => r.userId),
      ['alice'],
    );
    assert.deepEqual(
      dry.body.notice.optedOut.map((o) => `${o.userId}:${o.kind ?? '*'}`).sort(),
      ['alice:feishu', 'dave:*'],
      'their own settings, as the real notice found them',
    );
    const unknown = await stack.call<ErrorBody>('POST', '/v1/rules/dry-run', {
      ticket: { ticketType: TYPE, requester: { userId: 'alice' } },
      event: 'exploded',
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'UNKNOWN_EVENT');
  });
});
