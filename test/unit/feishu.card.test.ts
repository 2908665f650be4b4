import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalCard } from '../../src/domain/card.js';
import { renderFeishuCard, renderReminderText } from '../../src/channels/feishu/feishu.card.js';

function createTestCard(overrides: Partial<ApprovalCard> = {}): ApprovalCard {
  return {
    tenant: 'acme',
    ticketId: 'T-1001',
    ticketType: 'ticket.data_export',
    title: 'Export orders table',
    requesterName: 'Alice Requester',
    fields: [
      { label: 'Database', value: 'orders_prod' },
      { label: 'Rows', value: '120000' },
    ],
    deadlineAt: '2026-05-02T08:30:00.000Z',
    status: 'pending',
    level: 1,
    nonce: 'nonce-abc',
    ...overrides,
  };
}

type Node = Record<string, unknown>;
function collect(node: unknown, tag: string, out: Node[] = []): Node[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, tag, out));
  else if (node && typeof node === 'object') {
    const o = node as Node;
    if (o.tag === tag) out.push(o);
    Object.values(o).forEach((v) => collect(v, tag, out));
  }
  return out;
}
const texts = (card: unknown): string => JSON.stringify(card);

void describe('renderFeishuCard', () => {
  void it('renders a shared schema 2.0 card without the removed action module', () => {
    const card = renderFeishuCard(createTestCard());
    assert.equal(card.schema, '2.0');
    assert.deepEqual((card.config as Node).update_multi, true);
    assert.equal(collect(card, 'action').length, 0);
    assert.equal((card.header as Node).template, 'orange');
  });

  void it('pending: approve and reject callbacks carry only ticket, tenant, action and nonce', () => {
    const card = renderFeishuCard(createTestCard());
    const callbacks = collect(card, 'button').flatMap((b) =>
      ((b.behaviors as Node[] | undefined) ?? []).filter((x) => x.type === 'callback').map((x) => x.value),
    );
    assert.deepEqual(callbacks, [
      { t: 'T-1001', tn: 'acme', a: 'approve', n: 'nonce-abc' },
      { t: 'T-1001', tn: 'acme', a: 'reject', n: 'nonce-abc' },
    ]);
  });

  void it('pending: shows type, title, requester, key fields and deadline', () => {
    const text = texts(renderFeishuCard(createTestCard()));
    for (const s of [
      'ticket.data_export',
      'Export orders table',
      'Alice Requester',
      'Database: orders_prod',
      'Rows: 120000',
      'May 2, 08:30 (UTC)',
    ]) {
      assert.ok(text.includes(s), `card shows ${s}`);
    }
  });

  void it('links to the details page, falling back to the console URL', () => {
    const own = renderFeishuCard(createTestCard({ detailsUrl: 'https://tickets.example.com/T-1001' }));
    assert.ok(texts(own).includes('"default_url":"https://tickets.example.com/T-1001"'));
    const fallback = renderFeishuCard(createTestCard(), { consoleBaseUrl: 'https://console.example.com/' });
    assert.ok(texts(fallback).includes('https://console.example.com/tickets/T-1001'));
    const none = renderFeishuCard(createTestCard());
    assert.equal(collect(none, 'button').length, 2);
  });

  const finals: [ApprovalCard['status'], string, string][] = [
    ['approved', 'Approved by Bob Approver', 'green'],
    ['rejected', 'Rejected by Bob Approver', 'red'],
    ['expired', 'Expired', 'grey'],
    ['withdrawn', 'Withdrawn', 'grey'],
  ];
  for (const [status, title, colour] of finals) {
    void it(`${status}: no buttons; header says who and when`, () => {
      const card = renderFeishuCard(
        createTestCard({ status, decidedBy: 'Bob Approver', decidedAt: '2026-05-01T09:15:00.000Z', reason: 'checked' }),
        { consoleBaseUrl: 'https://console.example.com' },
      );
      assert.equal(collect(card, 'button').length, 0);
      const header = card.header as { title: { content: string }; subtitle: { content: string }; template: string };
      assert.equal(header.title.content, title);
      assert.equal(header.template, colour);
      assert.ok(header.subtitle.content.startsWith('May 1, 09:15 (UTC)'), header.subtitle.content);
      assert.ok(!texts(card).includes('nonce-abc'), 'final cards carry no nonce');
      assert.ok(texts(card).includes('[View details](https://console.example.com/tickets/T-1001)'));
    });
  }

  void it('keeps user text in plain_text and clips long values', () => {
    const card = renderFeishuCard(
      createTestCard({ fields: [{ label: 'Reason', value: '[x](https://evil) '.repeat(40) }] }),
    );
    const reason = collect(card, 'div').find((d) => JSON.stringify(d).includes('Reason'));
    const text = (reason?.text ?? {}) as { tag: string; content: string };
    assert.equal(text.tag, 'plain_text');
    assert.ok(text.content.length <= 300);
  });

  void it('renders the reminder text', () => {
    assert.match(
      renderReminderText(createTestCard(), 2),
      /^Reminder 2: "Export orders table" \(ticket.data_export T-1001\)/,
    );
  });

  void it("speaks each reader's language: content in theirs, i18n_content in every one, times in their zone", () => {
    const card = renderFeishuCard(
      createTestCard({ status: 'approved', decidedBy: '李四', decidedAt: '2026-12-05T22:20:00.000Z' }),
      { reader: { locale: 'zh-CN', timeZone: 'Asia/Shanghai', ownZone: true } },
    );
    const header = card.header as { title: { content: string; i18n_content: Record<string, string> } };
    assert.equal(header.title.content, '已由 李四 批准');
    assert.deepEqual(header.title.i18n_content, {
      zh_cn: '已由 李四 批准',
      en_us: 'Approved by 李四',
      ja_jp: '李四 さんが承認しました',
    });
    const all = texts(card);
    assert.ok(all.includes('已由 李四 于 12月6日 06:20 批准'), 'the outcome line, in Shanghai time');
    assert.ok(all.includes('Approved by 李四 at Dec 6, 06:20'));
    assert.ok(all.includes('李四 さんが 12月6日 06:20 に承認しました'));
    assert.ok(!all.includes('GMT+8'), "the reader's own zone is not named");
  });

  void it("names the zone when it is not the reader's own (a tenant default)", () => {
    const card = renderFeishuCard(createTestCard(), { reader: { locale: 'ja-JP', timeZone: 'Asia/Tokyo' } });
    assert.ok(texts(card).includes('期限: 5月2日 17:30 (JST)'), texts(card));
  });

  void it('every text we write carries all three languages; ticket content is shown as sent', () => {
    const card = renderFeishuCard(createTestCard(), { reader: { locale: 'en-US', timeZone: 'UTC' } });
    const ours = collect(card, 'plain_text').filter((t) => t.i18n_content !== undefined);
    assert.ok(ours.length >= 8, `${ours.length} localized texts`);
    for (const t of ours) assert.deepEqual(Object.keys(t.i18n_content as object).sort(), ['en_us', 'ja_jp', 'zh_cn']);
    const field = collect(card, 'plain_text').find((t) => t.content === 'Database: orders_prod');
    assert.equal(field?.i18n_content, undefined, "the ticket system's label and value, as sent");
  });

  void it("renders the reminder in the reader's language", () => {
    const zh = renderReminderText(createTestCard(), 2, { locale: 'zh-CN', timeZone: 'Asia/Shanghai', ownZone: true });
    assert.match(zh, /^第 2 次提醒：Alice Requester 提交的「Export orders table」/);
    assert.match(zh, /截止时间：5月2日 16:30。$/);
  });

  void it("stays within Feishu's 30 KB in every language, even with the ticket translated into all three", () => {
    const fields = (word: string) =>
      Array.from({ length: 20 }, (_, i) => ({ label: `${word}${i}`, value: word.repeat(500) }));
    const card = createTestCard({
      title: '长'.repeat(200),
      fields: fields('数'),
      translations: {
        'zh-CN': { title: '标'.repeat(200), fields: fields('中') },
        'en-US': { title: 'T'.repeat(200), fields: fields('e') },
        'ja-JP': { title: 'タ'.repeat(200), fields: fields('日') },
      },
      status: 'rejected',
      decidedBy: '名'.repeat(100),
      decidedAt: '2030-01-01T10:00:00.000Z',
      reason: '理'.repeat(500),
    });
    for (const locale of ['zh-CN', 'en-US', 'ja-JP'] as const) {
      const json = JSON.stringify(renderFeishuCard(card, { reader: { locale, timeZone: 'Asia/Shanghai' } }));
      assert.ok(Buffer.byteLength(json) <= 30 * 1024, `${locale}: ${Buffer.byteLength(json)} bytes`);
    }
  });
});
