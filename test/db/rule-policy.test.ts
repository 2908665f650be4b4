import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rule, ruleToNoticeSpec, ruleToPolicy, ruleVersionTag } from '../../src/domain/rule.js';
import { maskSecret, SecretBox } from '../../src/db/secret-box.js';

const base = {
  name: 'Exports',
  match: { ticketType: 'ticket.data_export' },
  recipients: { roles: ['dba'], users: ['bob'], additionalUsers: ['erin', 'bob'] },
  channels: ['feishu'],
  approval: { mode: 'quorum', quorum: 2 },
  reminders: { everyMs: 1_800_000, max: 3 },
  escalations: [{ afterMs: 3_600_000, recipients: { roles: ['dba-lead'] } }],
  deadline: { afterMs: 86_400_000, outcome: 'rejected' },
};

describe('rule → approval policy (pure)', () => {
  test('the first level asks the roles and named users; escalations inherit the rule’s channels', () => {
    const policy = ruleToPolicy(Rule.parse(base), ruleVersionTag('exports', 4));
    assert.deepEqual(policy, {
      mode: 'quorum',
      quorum: 2,
      levels: [
        { approvers: ['bob'], roles: ['dba'], channels: ['feishu'], afterMs: 0 },
        { approvers: [], roles: ['dba-lead'], channels: ['feishu'], afterMs: 3_600_000 },
      ],
      reminders: { everyMs: 1_800_000, max: 3 },
      deadlineMs: 86_400_000,
      onDeadline: 'rejected',
      ruleVersion: 'exports@v4',
    });
  });

  test('additional users (and the requester, when named) are told of the request, not asked', () => {
    const rule = Rule.parse({ ...base, recipients: { ...base.recipients, relative: ['requester'] } });
    assert.deepEqual(ruleToNoticeSpec(rule, 'exports@v4'), {
      ruleVersion: 'exports@v4',
      roles: [],
      users: ['erin', 'bob'],
      relative: ['requester'],
      channels: ['feishu'],
      deliverTo: 'one-channel',
      groupChats: [],
      respectUserSettings: true,
    });
    const askOnly = Rule.parse({ ...base, recipients: { roles: ['dba'], users: ['bob'] } });
    assert.equal(ruleToNoticeSpec(askOnly), undefined, 'a rule that only asks tells nobody');
  });

  test('a rule is checked as the policy it becomes, with the problems on the rule’s own paths', () => {
    const parsed = Rule.safeParse({
      ...base,
      recipients: {},
      approval: { mode: 'quorum' },
      escalations: [
        { afterMs: 7_200_000, recipients: { roles: ['a'] } },
        { afterMs: 3_600_000, recipients: { roles: ['b'] } },
      ],
      deadline: { afterMs: 5_000_000 },
    });
    assert.equal(parsed.success, false);
    const paths = parsed.error?.issues.map((i) => i.path.join('.')).sort();
    assert.deepEqual(paths, ['approval.quorum', 'escalations.0.afterMs', 'escalations.1.afterMs', 'recipients']);
  });

  test('`*` matches every ticket type; anything else must be a ticket type', () => {
    assert.equal(Rule.safeParse({ ...base, match: { ticketType: '*' } }).success, true);
    assert.equal(Rule.safeParse({ ...base, match: { ticketType: 'Ticket Export' } }).success, false);
  });
});

describe('secret box (AES-256-GCM, key id beside the ciphertext)', () => {
  const box = new SecretBox([{ id: 'k1', key: Buffer.alloc(32, 7) }]);

  test('opens what it sealed, only in the same place, and never twice the same ciphertext', () => {
    const a = box.seal('s3cr3t-value', 'channel:feishu:appSecret');
    const b = box.seal('s3cr3t-value', 'channel:feishu:appSecret');
    assert.notEqual(a.data, b.data, 'a fresh IV each time');
    assert.equal(a.kid, 'k1');
    assert.equal(box.open(a, 'channel:feishu:appSecret'), 's3cr3t-value');
    assert.throws(() => box.open(a, 'channel:lark:appSecret'), 'bound to its field');
    assert.throws(() =>
      box.open({ ...a, data: Buffer.from('tampered').toString('base64') }, 'channel:feishu:appSecret'),
    );
  });

  test('masks show at most the last four characters', () => {
    assert.equal(maskSecret('0123456789a1b2'), '••••a1b2');
    assert.equal(maskSecret('short'), '••••');
  });
});
