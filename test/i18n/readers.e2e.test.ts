/**
 * Each reader in their language and time zone, end to end: a tenant default (zh-CN, Asia/Shanghai), one approver
 * with their own (ja-JP, Asia/Tokyo) and one without, the same approval on Feishu and Lark, and a click answered in
 * the clicker's language.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimMessage } from '../../sim/core/inbox.js';
import { eventually } from '../support/stack.js';
import { cardOf, click, startCallbackStack, startTicket, type CallbackStack } from '../callbacks/callback-stack.js';

type Json = Record<string, unknown>;
const headerOf = (card: SimMessage) => {
  const header = (card.content as { header: { title: { content: string; i18n_content: Json } } }).header;
  return header.title;
};
const textOf = (card: SimMessage) => JSON.stringify(card.content);
/** The expected rendering, computed with Intl here (month, day, 24-hour time), not with the code under test. */
const localTime = (iso: string, locale: string, timeZone: string) =>
  new Intl.DateTimeFormat(locale, {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
/** A DingTalk template variable as the user's client resolves it: their private data first, then the public. */
const dingtalkVar = (card: SimMessage, key: string) => {
  const view = (card as { view?: { cardParamMap: Json; privateParamMap: Json } }).view;
  return (view?.privateParamMap[key] ?? view?.cardParamMap[key]) as string | undefined;
};

describe("cards and answers in each reader's language and time zone", () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack();
  });
  after(async () => {
    await stack?.stop();
  });

  test('tenant settings: read, replaced, validated', async () => {
    const initial = await stack.call<Json>('GET', '/v1/tenants/default/settings');
    assert.deepEqual(initial.body, { tenant: 'default', effective: { locale: 'en-US', timeZone: 'UTC' } });
    const bad = await stack.call<{ error: { details: { path: string }[] } }>('PUT', '/v1/tenants/default/settings', {
      locale: 'fr-FR',
      timeZone: 'Mars/Olympus',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d) => d.path).sort(), ['locale', 'timeZone']);
    assert.equal((await stack.call('PUT', '/v1/tenants/Not A Tenant/settings', {})).status, 400);
    const put = await stack.call<Json>('PUT', '/v1/tenants/default/settings', {
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.effective, { locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
    const approver = await stack.tokenFor('approver', 'bob');
    assert.equal((await stack.call('PUT', '/v1/tenants/default/settings', {}, approver)).status, 403);
  });

  test("a user's own language and zone: set, shown, validated", async () => {
    const bob = await stack.call<Json>('GET', '/v1/users/bob');
    const { id: _id, createdAt: _c, updatedAt: _u, platformIds: _p, ...fields } = bob.body;
    const bad = await stack.call('PUT', '/v1/users/bob', { ...fields, locale: 'en', timeZone: 'JST' });
    assert.equal(bad.status, 400);
    const put = await stack.call<Json>('PUT', '/v1/users/bob', { ...fields, locale: 'ja-JP', timeZone: 'Asia/Tokyo' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const after = await stack.call<Json>('GET', '/v1/users/bob');
    assert.equal(after.body.locale, 'ja-JP');
    assert.equal(after.body.timeZone, 'Asia/Tokyo');
  });

  test("one approval: bob reads Japanese in Tokyo time, carol the tenant's Chinese in Shanghai time", async () => {
    const state = await startTicket(stack, 'I18N-1');
    const local = (locale: string, timeZone: string) => localTime(state.deadlines.finalDeadlineAt, locale, timeZone);
    const tokyo = local('ja-JP', 'Asia/Tokyo');
    const shanghai = local('zh-CN', 'Asia/Shanghai');
    for (const kind of ['feishu', 'lark'] as const) {
      const bobs = await cardOf(stack, kind, 'bob', 'I18N-1');
      assert.match(headerOf(bobs).content, /^承認依頼：Export orders/);
      assert.deepEqual(Object.keys(headerOf(bobs).i18n_content).sort(), ['en_us', 'ja_jp', 'zh_cn']);
      assert.ok(textOf(bobs).includes(`期限: ${tokyo}"`), `${kind}: Tokyo time, his own zone unnamed: ${tokyo}`);
      const carols = await cardOf(stack, kind, 'carol', 'I18N-1');
      assert.match(headerOf(carols).content, /^待审批：Export orders/);
      assert.ok(textOf(carols).includes(`截止时间: ${shanghai} (GMT+8)`), `${kind}: the tenant's zone, named`);
    }
    // DingTalk: one shared instance; each recipient's words and times ride in their private data.
    for (const kind of ['dingtalk', 'dingtalk-exclusive'] as const) {
      const bobs = await cardOf(stack, kind, 'bob', 'I18N-1');
      assert.equal(dingtalkVar(bobs, 'statusText'), 'あなたの判断を待っています');
      assert.equal(dingtalkVar(bobs, 'deadline'), tokyo);
      assert.equal(dingtalkVar(bobs, 'approveText'), '承認');
      const carols = await cardOf(stack, kind, 'carol', 'I18N-1');
      assert.equal(dingtalkVar(carols, 'statusText'), '等待您审批');
      assert.equal(dingtalkVar(carols, 'deadline'), `${shanghai} (GMT+8)`);
      assert.equal(dingtalkVar(carols, 'title'), 'Export orders (I18N-1)', 'ticket content as sent');
    }
  });

  test("the clicker is answered in their language; every card then says who decided, in its reader's", async () => {
    const card = await cardOf(stack, 'lark', 'bob', 'I18N-1');
    const result = await click(stack, 'lark', card, 'bob', 'approve');
    const toast = (JSON.parse(result.answer.body) as { toast: { content: string; i18n: Json } }).toast;
    assert.equal(toast.content, 'この申請を承認しました');
    assert.deepEqual(toast.i18n, {
      zh_cn: '您已批准此申请',
      en_us: 'You approved this request',
      ja_jp: 'この申請を承認しました',
    });
    await eventually(
      () => cardOf(stack, 'feishu', 'carol', 'I18N-1'),
      (c) => headerOf(c).content === '已由 Bob Li 批准',
    );
    const bobs = await cardOf(stack, 'feishu', 'bob', 'I18N-1');
    assert.equal(headerOf(bobs).content, 'Bob Li さんが承認しました');
    await eventually(
      () => cardOf(stack, 'dingtalk', 'carol', 'I18N-1'),
      (c) => dingtalkVar(c, 'statusText')?.startsWith('已由 Bob Li 于 ') === true,
    );
    const bobsDingtalk = await cardOf(stack, 'dingtalk', 'bob', 'I18N-1');
    assert.match(dingtalkVar(bobsDingtalk, 'statusText') ?? '', /^Bob Li さんが .* に承認しました$/);
  });

  test("a click on DingTalk: the clicker's own view says it in their language", async () => {
    await startTicket(stack, 'I18N-2');
    const card = await cardOf(stack, 'dingtalk', 'bob', 'I18N-2');
    const result = await click(stack, 'dingtalk', card, 'bob', 'reject');
    const answer = JSON.parse(result.answer.body) as { userPrivateData?: { cardParamMap: Json } };
    assert.match(String(answer.userPrivateData?.cardParamMap.statusText), /^Bob Li さんが .* に却下しました$/);
    const after = await cardOf(stack, 'dingtalk', 'bob', 'I18N-2');
    assert.match(dingtalkVar(after, 'statusText') ?? '', /に却下しました$/);
  });

  test("the ticket system's own title and fields in each reader's language, as sent otherwise", async () => {
    const translations = {
      'zh-CN': { title: '导出订单表', fields: [{ label: '数据库', value: 'orders_prod' }] },
      'ja-JP': { title: '注文テーブルのエクスポート' },
    };
    const refused = await stack.call('POST', '/v1/approvals', {
      ticketId: 'I18N-BAD',
      ticketType: 'ticket.data_export',
      title: 'x',
      requester: { userId: 'alice' },
      translations: { 'fr-FR': { title: 'Exporter' } },
    });
    assert.equal(refused.status, 400, 'a language we do not speak');
    await startTicket(stack, 'I18N-3', { translations });
    const carols = await cardOf(stack, 'feishu', 'carol', 'I18N-3');
    assert.equal(headerOf(carols).content, '待审批：导出订单表');
    assert.ok(textOf(carols).includes('"content":"数据库: orders_prod"'), 'the translated field');
    const bobs = await cardOf(stack, 'lark', 'bob', 'I18N-3');
    assert.equal(headerOf(bobs).content, '承認依頼：注文テーブルのエクスポート');
    assert.ok(textOf(bobs).includes('"ja_jp":"Database: orders_prod"'), 'no Japanese fields: as sent');
    assert.ok(textOf(bobs).includes('"en_us":"Title: Export orders (I18N-3)"'), 'English readers: as sent');
    const carolsDingtalk = await cardOf(stack, 'dingtalk', 'carol', 'I18N-3');
    assert.equal(dingtalkVar(carolsDingtalk, 'title'), '导出订单表');
    assert.deepEqual(JSON.parse(dingtalkVar(carolsDingtalk, 'fields') ?? '[]'), [
      { label: '数据库', value: 'orders_prod' },
    ]);
    const bobsDingtalk = await cardOf(stack, 'dingtalk', 'bob', 'I18N-3');
    assert.equal(dingtalkVar(bobsDingtalk, 'title'), '注文テーブルのエクスポート');
  });

  test('zh-CN, en-US and ja-JP readers of one approval, on all four channels, each in their own time', async () => {
    const carol = await stack.call<Json>('GET', '/v1/users/carol');
    const { id: _id, createdAt: _c, updatedAt: _u, platformIds: _p, ...fields } = carol.body;
    const own = { ...fields, locale: 'en-US', timeZone: 'America/New_York' };
    assert.equal((await stack.call('PUT', '/v1/users/carol', own)).status, 200);
    const state = await startTicket(stack, 'I18N-4');
    const at = (locale: string, timeZone: string) => localTime(state.deadlines.finalDeadlineAt, locale, timeZone);
    for (const kind of ['feishu', 'lark'] as const) {
      const carols = await cardOf(stack, kind, 'carol', 'I18N-4');
      assert.match(headerOf(carols).content, /^Approval needed: /);
      assert.ok(textOf(carols).includes(`Deadline: ${at('en-US', 'America/New_York')}"`), `${kind}: New York time`);
      const bobs = await cardOf(stack, kind, 'bob', 'I18N-4');
      assert.ok(textOf(bobs).includes(`期限: ${at('ja-JP', 'Asia/Tokyo')}"`), `${kind}: Tokyo time`);
    }
    for (const kind of ['dingtalk', 'dingtalk-exclusive'] as const) {
      assert.equal(
        dingtalkVar(await cardOf(stack, kind, 'carol', 'I18N-4'), 'deadline'),
        at('en-US', 'America/New_York'),
      );
      assert.equal(dingtalkVar(await cardOf(stack, kind, 'bob', 'I18N-4'), 'deadline'), at('ja-JP', 'Asia/Tokyo'));
    }
    await click(stack, 'feishu', await cardOf(stack, 'feishu', 'carol', 'I18N-4'), 'carol', 'approve');
    // alice, the requester, chose nothing: the tenant's Chinese and Shanghai time (named) in her outcome notice.
    const notice = await eventually(
      async () =>
        (await stack.sim.control.inbox('feishu', 'alice')).find((m) => JSON.stringify(m.content).includes('I18N-4')),
      (m) => m !== undefined,
    );
    assert.equal(headerOf(notice as SimMessage).content, '已由 Carol Wang 批准');
    assert.match(textOf(notice as SimMessage), /时间：\d+月\d+日 \d{2}:\d{2} \(GMT\+8\)/);
  });
});
