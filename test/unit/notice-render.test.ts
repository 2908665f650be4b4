import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noticeContent, noticeParamMap, noticePrivateData } from '../../src/channels/dingtalk/dingtalk.notice.js';
import { renderFeishuNotice } from '../../src/channels/feishu/feishu.notice.js';
import { noticeHeadline, noticeLines } from '../../src/channels/notice-text.js';
import { createTestNoticeCard } from '../support/notices.js';

const json = (v: unknown) => JSON.stringify(v);

describe('notice wording (pure, shared by every platform)', () => {
  test('each approval transition and ticket state reads as what happened', () => {
    const cases: [Parameters<typeof createTestNoticeCard>[0], string][] = [
      [{ event: 'pending_approval', label: 'Approval requested', by: undefined }, 'Approval requested'],
      [{ event: 'reminder', label: 'Reminder', by: undefined }, 'Still waiting for a decision'],
      [{ event: 'escalated', label: 'Escalated', level: 2, by: undefined }, 'Escalated to level 2'],
      [{ event: 'approved', label: 'Approved' }, 'Approved by Bob Li'],
      [{ event: 'rejected', label: 'Rejected' }, 'Rejected by Bob Li'],
      [{ event: 'expired', label: 'Expired', by: undefined }, 'Expired: no decision in time'],
      [{ event: 'withdrawn', label: 'Withdrawn', by: 'Alice Chen' }, 'Withdrawn by Alice Chen'],
      [{ event: 'execution_failed', label: 'Execution failed', by: undefined }, 'Execution failed'],
      [{ event: 'archived', label: 'Archived (tenant state)', by: undefined }, 'Archived (tenant state)'],
    ];
    for (const [overrides, headline] of cases) assert.equal(noticeHeadline(createTestNoticeCard(overrides)), headline);
  });

  test('the lines say who it is about, why, the ticket system note and when (UTC)', () => {
    const lines = noticeLines(
      createTestNoticeCard({
        event: 'reminder',
        reminder: 2,
        approvers: ['Bob Li', 'Carol Wang'],
        reason: undefined,
        note: 'first export of the quarter',
      }),
    );
    assert.deepEqual(lines, [
      'Reminder 2: still waiting for Bob Li and Carol Wang',
      'Note: first export of the quarter',
      'At: Dec 6, 06:20 (UTC)',
    ]);
  });
});

describe('Feishu / Lark notice card (pure)', () => {
  test('schema 2.0, the event as the coloured header, the ticket and its lines, no button, never updated', () => {
    const card = renderFeishuNotice(createTestNoticeCard({ reason: 'too many rows' }), {
      consoleBaseUrl: 'https://console.example.com',
    });
    assert.equal(card.schema, '2.0');
    assert.deepEqual((card.header as { title: unknown }).title, {
      tag: 'plain_text',
      content: 'Approved by Bob Li',
      i18n_content: { zh_cn: '已由 Bob Li 批准', en_us: 'Approved by Bob Li', ja_jp: 'Bob Li さんが承認しました' },
    });
    assert.equal((card.header as { template: string }).template, 'green');
    assert.doesNotMatch(json(card), /"tag":"button"/, 'a notice asks nothing');
    assert.doesNotMatch(json(card), /update_multi/);
    assert.match(json(card), /Rows: 12,000/);
    assert.match(json(card), /Reason: too many rows/);
    assert.match(json(card), /\[View details\]\(https:\/\/console\.example\.com\/tickets\/T-1\)/);
    const failed = renderFeishuNotice(createTestNoticeCard({ event: 'execution_failed', label: 'Execution failed' }));
    assert.equal((failed.header as { template: string }).template, 'red');
  });

  test('ticket text stays plain text (no markdown injection) and the card stays under the size limit', () => {
    const card = renderFeishuNotice(
      createTestNoticeCard({
        title: '[click](https://evil.example) <at id=all></at>',
        fields: Array.from({ length: 20 }, (_, i) => ({ label: `F${i}`, value: '界'.repeat(500) })),
      }),
    );
    assert.doesNotMatch(json(card), /"tag":"lark_md"/);
    assert.ok(Buffer.byteLength(json(card)) < 30_000, 'Feishu refuses cards over 30 KB');
  });
});

describe('DingTalk notice (pure): an instance of the approval template without buttons', () => {
  test('the ticket in the same variables, the event as the status line, no deadline, showActions false', () => {
    const params = noticeParamMap(createTestNoticeCard({ reason: 'quota' }), { consoleBaseUrl: 'https://c.example' });
    assert.equal(params.showActions, 'false');
    assert.equal(params.deadline, '');
    assert.equal(params.status, 'approved');
    assert.equal(params.statusText, 'Approved by Bob Li\nReason: quota\nAt: Dec 6, 06:20 (UTC)');
    assert.equal(params.detailsUrl, 'https://c.example/tickets/T-1');
    assert.deepEqual(JSON.parse(params.fields ?? ''), [{ label: 'Rows', value: '12,000' }]);
    for (const value of Object.values(params)) assert.equal(typeof value, 'string', 'cardParamMap holds strings');
    assert.equal(noticeContent(createTestNoticeCard(), {}).title, 'Approved by Bob Li · Export the orders table');
  });

  test('with a corpId the details link opens inside DingTalk', () => {
    const params = noticeParamMap(createTestNoticeCard(), { consoleBaseUrl: 'https://c.example', corpId: 'ding123' });
    assert.match(params.detailsUrl ?? '', /^dingtalk:\/\/dingtalkclient\/page\/link\?url=/);
  });
});

describe("notices in each reader's language", () => {
  test("headline, lines and names joined by the reader's conventions, times in their zone", () => {
    const notice = createTestNoticeCard({
      event: 'reminder',
      reminder: 2,
      approvers: ['Bob Li', 'Carol Wang'],
      at: '2026-12-05T22:20:00.000Z',
    });
    const zh = { locale: 'zh-CN', timeZone: 'Asia/Shanghai', ownZone: true } as const;
    assert.equal(noticeHeadline(notice, zh), '仍在等待审批');
    assert.deepEqual(noticeLines(notice, zh).at(-1), '时间：12月6日 06:20');
    assert.ok(noticeLines(notice, zh).includes('第 2 次提醒：仍在等待 Bob Li和Carol Wang 审批'));
    const ja = { locale: 'ja-JP', timeZone: 'Asia/Tokyo' } as const;
    assert.ok(noticeLines(notice, ja).includes('リマインダー（2 回目）：Bob Li、Carol Wang さんの判断を待っています'));
    assert.equal(
      noticeHeadline(createTestNoticeCard({ event: 'execution_failed', label: 'Execution failed' }), ja),
      '実行に失敗しました',
    );
    assert.equal(
      noticeHeadline(createTestNoticeCard({ event: 'migrated', label: 'Migrated (tenant label)' }), ja),
      'Migrated (tenant label)',
    );
  });

  test('DingTalk: a batch instance gives each reader of another language their words privately', () => {
    const notice = createTestNoticeCard({ event: 'approved', by: 'Bob Li' });
    const data = noticePrivateData(notice, [
      { platformUserId: 'u-zh', reader: { locale: 'zh-CN', timeZone: 'Asia/Shanghai' } },
      { platformUserId: 'u-default', reader: { locale: 'en-US', timeZone: 'UTC' } },
    ]);
    assert.deepEqual(Object.keys(data), ['u-zh']);
    assert.match(data['u-zh']?.cardParamMap.statusText ?? '', /^已由 Bob Li 批准\n时间：/);
  });
});
