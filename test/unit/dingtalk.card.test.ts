import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalCard } from '../../src/domain/card.js';
import {
  buttonParams,
  cardParamMap,
  detailsLink,
  privateData,
  recipientsPrivateData,
  reminderText,
  statusText,
  wordsFor,
} from '../../src/channels/dingtalk/dingtalk.card.js';

function createTestCard(overrides: Partial<ApprovalCard> = {}): ApprovalCard {
  return {
    tenant: 'acme',
    ticketId: 'T-42',
    ticketType: 'ticket.data_export',
    title: 'Export orders table',
    requesterName: 'Alice Requester',
    fields: [
      { label: 'Database', value: 'orders' },
      { label: 'Rows', value: '1200' },
    ],
    deadlineAt: '2030-01-02T03:04:05.000Z',
    status: 'pending',
    level: 1,
    nonce: 'nonce-123',
    ...overrides,
  };
}

void describe('dingtalk card params', () => {
  void it('renders every value as a string, arrays as JSON strings', () => {
    const map = cardParamMap(createTestCard(), { consoleBaseUrl: 'https://console.example.com' });
    for (const [key, value] of Object.entries(map)) assert.equal(typeof value, 'string', key);
    assert.deepEqual(JSON.parse(map.fields ?? ''), [
      { label: 'Database', value: 'orders' },
      { label: 'Rows', value: '1200' },
    ]);
    assert.equal(map.showActions, 'true');
    assert.equal(map.level, '1');
    assert.equal(map.deadline, 'Jan 2, 03:04 (UTC)');
    assert.equal(map.detailsUrl, 'https://console.example.com/tickets/T-42');
  });

  void it('keeps every value within DingTalk 1 KB limit', () => {
    const fields = Array.from({ length: 20 }, (_, i) => ({ label: `Field ${i}`, value: '数'.repeat(500) }));
    const map = cardParamMap(createTestCard({ fields, title: 'x'.repeat(2000), reason: 'r' }), {});
    for (const [key, value] of Object.entries(map)) assert.ok(Buffer.byteLength(value) <= 1024, key);
    assert.ok((JSON.parse(map.fields ?? '[]') as unknown[]).length > 0);
  });

  void it('buttons carry only ticketId, tenant, action and nonce, never identity', () => {
    const card = createTestCard();
    for (const action of ['approve', 'reject'] as const) {
      assert.deepEqual(buttonParams(card, action), { action, ticketId: 'T-42', tenant: 'acme', nonce: 'nonce-123' });
    }
    // The nonce is the recipient's private data; nothing identifies who may click.
    assert.deepEqual(privateData(card, 'manager123'), { manager123: { cardParamMap: { nonce: 'nonce-123' } } });
    const publicValues = Object.values(cardParamMap(card, {})).join('|');
    assert.ok(!publicValues.includes('manager123'));
    assert.ok(!publicValues.includes('nonce-123'));
  });

  void it('final states hide the actions and say who decided when', () => {
    const decided = { decidedBy: 'Bob Approver', decidedAt: '2030-01-01T10:00:00.000Z' };
    const approved = cardParamMap(createTestCard({ status: 'approved', ...decided }), {});
    assert.equal(approved.showActions, 'false');
    assert.equal(approved.status, 'approved');
    assert.equal(approved.statusText, 'Approved by Bob Approver at Jan 1, 10:00 (UTC)');
    const rejected = createTestCard({ status: 'rejected', ...decided, reason: 'too broad' });
    assert.equal(statusText(rejected), 'Rejected by Bob Approver at Jan 1, 10:00 (UTC): too broad');
    assert.equal(cardParamMap(rejected, {}).showActions, 'false');
    assert.equal(
      statusText(createTestCard({ status: 'expired' })),
      'Expired at Jan 2, 03:04 (UTC): no decision in time',
    );
    assert.match(statusText(createTestCard({ status: 'withdrawn' })), /^Withdrawn/);
    assert.equal(cardParamMap(createTestCard({ status: 'withdrawn' }), {}).showActions, 'false');
  });

  void it('pending text mentions escalation', () => {
    assert.equal(statusText(createTestCard()), 'Waiting for your decision');
    assert.match(statusText(createTestCard({ level: 2 })), /level 2/);
    assert.match(reminderText(createTestCard(), 2), /^Reminder 2: .*Jan 2, 03:04 \(UTC\)/);
  });
});

void describe("dingtalk card in each reader's language", () => {
  const shanghai = { locale: 'zh-CN', timeZone: 'Asia/Shanghai', ownZone: true } as const;
  const decided = { status: 'approved', decidedBy: '李四', decidedAt: '2030-01-01T10:00:00.000Z' } as const;

  void it("our words and times in the reader's language and zone; ticket content as sent", () => {
    const words = wordsFor(createTestCard(decided), shanghai);
    assert.deepEqual(words, {
      locale: 'zh-CN',
      deadline: '1月2日 11:04',
      statusText: '已由 李四 于 1月1日 18:00 批准',
      ticketTypeLabel: '工单类型',
      titleLabel: '标题',
      requesterLabel: '申请人',
      deadlineLabel: '截止时间',
      approveText: '批准',
      rejectText: '拒绝',
      detailsText: '查看详情',
    });
    const map = cardParamMap(createTestCard(), {}, { locale: 'ja-JP', timeZone: 'Asia/Tokyo' });
    assert.equal(map.statusText, 'あなたの判断を待っています');
    assert.equal(map.deadline, '1月2日 12:04 (JST)', 'not their own zone: named');
    assert.equal(map.title, createTestCard().title);
  });

  void it('a shared instance: private data per recipient with their nonce and their words, none for the default', () => {
    const card = createTestCard();
    const data = recipientsPrivateData(card, [
      { platformUserId: 'zh-user', nonce: card.nonce, reader: shanghai },
      { platformUserId: 'own-nonce', nonce: 'n-2' },
      { platformUserId: 'plain', nonce: card.nonce },
    ]);
    assert.deepEqual(Object.keys(data).sort(), ['own-nonce', 'zh-user']);
    assert.equal(data['zh-user']?.cardParamMap.statusText, '等待您审批');
    assert.equal(data['zh-user']?.cardParamMap.nonce, undefined, 'the public nonce is not repeated');
    assert.deepEqual(data['own-nonce'], { cardParamMap: { nonce: 'n-2' } });
  });

  void it("every locale's values stay within 1 KB", () => {
    const long = createTestCard({ status: 'rejected', decidedBy: '名'.repeat(100), reason: '理由'.repeat(400) });
    for (const locale of ['zh-CN', 'en-US', 'ja-JP'] as const) {
      const map = cardParamMap(long, {}, { locale, timeZone: 'Asia/Shanghai' });
      for (const [key, value] of Object.entries(map)) assert.ok(Buffer.byteLength(value) <= 1024, `${locale} ${key}`);
    }
  });
});

void describe('dingtalk details link', () => {
  void it('uses the ticket URL, else the console page, else nothing', () => {
    assert.equal(
      detailsLink(createTestCard({ detailsUrl: 'https://t.example.com/x?id=1' }), {}),
      'https://t.example.com/x?id=1',
    );
    assert.equal(
      detailsLink(createTestCard({ ticketId: 'T/1' }), { consoleBaseUrl: 'https://c.example.com/' }),
      'https://c.example.com/tickets/T%2F1',
    );
    assert.equal(detailsLink(createTestCard(), {}), '');
  });

  void it('with a corpId: corpId inside the H5 URL, wrapped in the page/link protocol', () => {
    const link = detailsLink(createTestCard({ detailsUrl: 'https://t.example.com/x?id=1' }), { corpId: 'dingabc' });
    const prefix = 'dingtalk://dingtalkclient/page/link?url=';
    assert.ok(link.startsWith(prefix));
    const inner = new URL(decodeURIComponent(link.slice(prefix.length)));
    assert.equal(inner.origin + inner.pathname, 'https://t.example.com/x');
    assert.equal(inner.searchParams.get('id'), '1');
    assert.equal(inner.searchParams.get('corpId'), 'dingabc');
    assert.ok(!link.slice(prefix.length).includes('&'), 'the inner URL is fully encoded');
  });
});
