/** `groupChats` with DingTalk group conversations: the chat id is checked per platform, with a message that says why. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ApprovalPolicy, GroupChat, type ApprovalPolicyInput } from '../../src/domain/policy.js';
import { Rule, ruleToPolicy, type RuleSpecInput } from '../../src/domain/rule.js';

const CID = 'cidzJ4ssfffxxxx8I1nhtTmg==';
const DINGTALK_ID = /a DingTalk group chat id \(openConversationId\): "cid" followed by/;
const FEISHU_ID = /a Feishu \/ Lark group chat id: "oc_" followed by/;

function createTestPolicy(groupChats: unknown): ApprovalPolicyInput {
  return { levels: [{ approvers: ['bob'] }], deadlineMs: 60_000, groupChats } as ApprovalPolicyInput;
}

/** The one issue of a refused policy: its path and message. */
function refusal(groupChats: unknown): { path: string; message: string } {
  const parsed = ApprovalPolicy.safeParse(createTestPolicy(groupChats));
  assert.equal(parsed.success, false, `expected ${JSON.stringify(groupChats)} to be refused`);
  const issues = parsed.error?.issues ?? [];
  assert.equal(issues.length, 1, z.prettifyError(parsed.error as z.ZodError));
  return { path: issues[0]?.path.join('.') ?? '', message: issues[0]?.message ?? '' };
}

describe('policy groupChats on DingTalk', () => {
  test('a DingTalk openConversationId is accepted on both editions, next to a Feishu chat', () => {
    const policy = ApprovalPolicy.parse(
      createTestPolicy([
        { kind: 'dingtalk', chatId: CID, mode: 'instead' },
        { kind: 'dingtalk-exclusive', chatId: 'cidAb+cd/EF_gh-12==' },
        { kind: 'feishu', chatId: 'oc_abcdef12' },
      ]),
    );
    assert.deepEqual(policy.groupChats, [
      { kind: 'dingtalk', chatId: CID, mode: 'instead' },
      { kind: 'dingtalk-exclusive', chatId: 'cidAb+cd/EF_gh-12==', mode: 'also' },
      { kind: 'feishu', chatId: 'oc_abcdef12', mode: 'also' },
    ]);
  });

  test('a chat id that is not an openConversationId is refused for DingTalk, with what it should look like', () => {
    for (const chatId of ['oc_abcdef12', 'cid', 'cidabc', 'cid has spaces', `cid${'a'.repeat(121)}`, 'CIDabcdefgh']) {
      for (const kind of ['dingtalk', 'dingtalk-exclusive']) {
        const { path, message } = refusal([{ kind, chatId }]);
        assert.equal(path, 'groupChats.0.chatId', `${kind} ${chatId}`);
        assert.match(message, DINGTALK_ID, `${kind} ${chatId}`);
      }
    }
    assert.doesNotThrow(() => GroupChat.parse({ kind: 'dingtalk', chatId: `cid${'a'.repeat(120)}` }));
  });

  test('a DingTalk cid… id is refused for Feishu and Lark, with the Feishu message', () => {
    for (const kind of ['feishu', 'lark']) {
      const { path, message } = refusal([{ kind, chatId: CID }]);
      assert.equal(path, 'groupChats.0.chatId');
      assert.match(message, FEISHU_ID);
      assert.doesNotMatch(message, /DingTalk/);
    }
  });

  test('one chat per platform still holds; the editions are two platforms', () => {
    const { path, message } = refusal([
      { kind: 'dingtalk', chatId: CID },
      { kind: 'dingtalk', chatId: 'cidAnotherGroup01' },
    ]);
    assert.equal(path, 'groupChats.1.kind');
    assert.match(message, /only one group chat per platform \(dingtalk is listed twice\)/);
  });

  test('a rule carries a DingTalk chat into its policy; a bad id points at the rule field', () => {
    const spec: RuleSpecInput = {
      name: 'exports',
      match: { ticketType: 'ticket.data_export' },
      recipients: { roles: ['dba'], users: [], additionalUsers: [] },
      approval: { mode: 'any' },
      deadline: { afterMs: 60_000 },
      groupChats: [{ kind: 'dingtalk', chatId: CID, mode: 'instead' }],
    };
    assert.deepEqual(ruleToPolicy(Rule.parse(spec)).groupChats, [{ kind: 'dingtalk', chatId: CID, mode: 'instead' }]);
    const bad = Rule.safeParse({ ...spec, groupChats: [{ kind: 'dingtalk', chatId: 'oc_abcdef12' }] });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['groupChats', 0, 'chatId']);
    assert.match(bad.error?.issues[0]?.message ?? '', DINGTALK_ID);
  });
});
