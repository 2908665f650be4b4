import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rule, ruleToNoticeSpec, ruleToPolicy } from '../../src/domain/rule.js';
import { TicketEventRequest } from '../../src/domain/notice.js';
import { User } from '../../src/domain/user.js';

const noticeRule = (overrides: Record<string, unknown> = {}) => ({
  name: 'Tell the requester',
  match: { ticketType: 'ticket.data_export', event: 'executed' },
  recipients: { relative: ['requester'] },
  ...overrides,
});
const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((i) => i.path.join('.')).sort();

describe('notice rules (pure)', () => {
  test('a notice rule names someone to tell, and has no approval settings', () => {
    assert.equal(Rule.safeParse(noticeRule()).success, true);
    assert.deepEqual(paths(Rule.safeParse(noticeRule({ recipients: {} }))), ['recipients']);
    const withApproval = Rule.safeParse(
      noticeRule({
        approval: { mode: 'any' },
        reminders: { everyMs: 1000, max: 1 },
        deadline: { afterMs: 60_000 },
        escalations: [{ afterMs: 1000, recipients: { roles: ['x'] } }],
      }),
    );
    assert.deepEqual(paths(withApproval), ['approval', 'deadline', 'escalations', 'reminders']);
    assert.equal(
      Rule.safeParse(noticeRule({ recipients: {}, groupChats: [{ kind: 'feishu', chatId: 'oc_abcdefgh' }] })).success,
      true,
      'a group chat is someone to tell',
    );
  });

  test('an approval rule still needs approval, a deadline and someone to ask; it cannot "tell" its approvers', () => {
    const approval = {
      name: 'Exports',
      match: { ticketType: 'ticket.data_export', event: 'pending_approval' },
      recipients: { additionalUsers: ['erin'], relative: ['approvers'] },
    };
    assert.deepEqual(paths(Rule.safeParse(approval)), ['approval', 'deadline', 'recipients', 'recipients.relative']);
  });

  test('the event is a lower-case name: documented, or a state of the tenant (checked against its catalogue)', () => {
    assert.equal(Rule.safeParse(noticeRule({ match: { ticketType: '*', event: 'archived' } })).success, true);
    assert.deepEqual(paths(Rule.safeParse(noticeRule({ match: { ticketType: '*', event: 'Archived!' } }))), [
      'match.event',
    ]);
  });

  test('a notice rule tells its roles, users and additional users; deliverTo and settings have defaults', () => {
    const rule = Rule.parse(
      noticeRule({
        recipients: { roles: ['dba'], users: ['bob'], additionalUsers: ['erin', 'bob'], relative: ['approvers'] },
      }),
    );
    assert.deepEqual(ruleToNoticeSpec(rule, 'r@v2'), {
      ruleVersion: 'r@v2',
      roles: ['dba'],
      users: ['bob', 'erin'],
      relative: ['approvers'],
      channels: [],
      deliverTo: 'one-channel',
      groupChats: [],
      respectUserSettings: true,
    });
    const loud = Rule.parse(noticeRule({ userSettings: 'ignore', deliverTo: 'every-channel' }));
    assert.equal(ruleToNoticeSpec(loud)?.respectUserSettings, false);
    assert.equal(ruleToNoticeSpec(loud)?.deliverTo, 'every-channel');
  });

  test('an approval rule that respects settings carries it into the policy (approvers may opt out)', () => {
    const rule = Rule.parse({
      name: 'Exports',
      match: { ticketType: 'ticket.data_export' },
      recipients: { roles: ['dba'] },
      approval: {},
      deadline: { afterMs: 60_000 },
      userSettings: 'respect',
    });
    assert.equal(ruleToPolicy(rule).respectUserSettings, true);
    assert.equal(ruleToPolicy({ ...rule, userSettings: undefined }).respectUserSettings, undefined);
  });
});

describe('reported events and notice settings (pure)', () => {
  const event = {
    eventId: 'evt-1',
    ticketId: 'T-1',
    ticketType: 'ticket.data_export',
    state: 'executed',
    title: 'Export',
    requester: { userId: 'alice' },
  };

  test('an event needs its id, ticket, type, state, title and requester; ids never hold ":"', () => {
    assert.equal(TicketEventRequest.safeParse(event).success, true);
    assert.deepEqual(paths(TicketEventRequest.safeParse({})), [
      'eventId',
      'requester',
      'state',
      'ticketId',
      'ticketType',
      'title',
    ]);
    assert.deepEqual(paths(TicketEventRequest.safeParse({ ...event, eventId: 'approval:T-1:approved' })), ['eventId']);
    assert.deepEqual(paths(TicketEventRequest.safeParse({ ...event, occurredAt: 'yesterday' })), ['occurredAt']);
  });

  test('a user switches an event off, or one channel for it; unknown channels are refused', () => {
    const user = User.parse({ id: 'alice', name: 'Alice', notices: { executed: { channels: { feishu: false } } } });
    assert.deepEqual(user.notices.executed, { enabled: true, channels: { feishu: false } });
    assert.equal(
      User.safeParse({ id: 'a', name: 'A', notices: { executed: { channels: { email: false } } } }).success,
      false,
    );
    assert.deepEqual(User.parse({ id: 'a', name: 'A' }).notices, {}, 'nothing switched off by default');
  });
});
