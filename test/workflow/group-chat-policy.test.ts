/** The `groupChats` policy / rule setting: validated with readable errors; absent changes nothing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ApprovalPolicy, type ApprovalPolicyInput } from '../../src/domain/policy.js';
import { Rule, ruleToPolicy, type RuleSpecInput } from '../../src/domain/rule.js';

function createTestPolicy(overrides: Partial<ApprovalPolicyInput> = {}): ApprovalPolicyInput {
  return { levels: [{ approvers: ['bob'] }], deadlineMs: 60_000, ...overrides };
}

const issues = (input: unknown) => {
  const parsed = ApprovalPolicy.safeParse(input);
  assert.equal(parsed.success, false, 'expected the policy to be refused');
  return parsed.error ? z.prettifyError(parsed.error) : '';
};

describe('policy groupChats', () => {
  test('absent: the policy parses exactly as before (no groupChats key)', () => {
    const policy = ApprovalPolicy.parse(createTestPolicy());
    assert.equal('groupChats' in policy, false);
  });

  test("a Feishu or Lark chat, mode 'also' by default", () => {
    const policy = ApprovalPolicy.parse(
      createTestPolicy({
        groupChats: [
          { kind: 'feishu', chatId: 'oc_5ad11d72b830411d72b836c20' },
          { kind: 'lark', chatId: 'oc_abcdef12', mode: 'instead' },
        ],
      }),
    );
    assert.deepEqual(policy.groupChats, [
      { kind: 'feishu', chatId: 'oc_5ad11d72b830411d72b836c20', mode: 'also' },
      { kind: 'lark', chatId: 'oc_abcdef12', mode: 'instead' },
    ]);
  });

  test('refused with a message naming the field', () => {
    assert.match(
      issues(createTestPolicy({ groupChats: [{ kind: 'feishu', chatId: 'ou_someone' }] })),
      /"oc_"[\s\S]*groupChats\[0\]\.chatId/,
    );
    assert.match(
      issues(createTestPolicy({ groupChats: [{ kind: 'wecom' as 'feishu', chatId: 'oc_abcdef12' }] })),
      /groupChats\[0\]\.kind/,
    );
    assert.match(
      issues(createTestPolicy({ groupChats: [{ kind: 'feishu', chatId: 'oc_abcdef12', mode: 'never' as 'also' }] })),
      /groupChats\[0\]\.mode/,
    );
    assert.match(
      issues(
        createTestPolicy({
          groupChats: [
            { kind: 'feishu', chatId: 'oc_abcdef12' },
            { kind: 'feishu', chatId: 'oc_abcdef34' },
          ],
        }),
      ),
      /only one group chat per platform/,
    );
  });

  test('a rule carries its group chats into the policy it becomes; errors point at the rule field', () => {
    const spec: RuleSpecInput = {
      name: 'exports',
      match: { ticketType: 'ticket.data_export' },
      recipients: { roles: ['dba'], users: [], additionalUsers: [] },
      approval: { mode: 'any' },
      deadline: { afterMs: 60_000 },
      groupChats: [{ kind: 'feishu', chatId: 'oc_abcdef12', mode: 'instead' }],
    };
    const rule = Rule.parse(spec);
    assert.deepEqual(ruleToPolicy(rule).groupChats, [{ kind: 'feishu', chatId: 'oc_abcdef12', mode: 'instead' }]);
    assert.equal('groupChats' in ruleToPolicy(Rule.parse({ ...spec, groupChats: undefined })), false);
    const bad = Rule.safeParse({ ...spec, groupChats: [{ kind: 'feishu', chatId: 'nope' }] });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['groupChats', 0, 'chatId']);
  });
});
