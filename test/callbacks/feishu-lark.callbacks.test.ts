/**
 * Feishu / Lark card callbacks through the simulator's real signed callbacks: the sandbox Feishu app has an
 * Encrypt Key (encrypted, SHA-256-signed bodies), the Lark app has none (plaintext bodies with the Verification Token).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { feishuEncrypt } from '../../src/channels/feishu/feishu.crypto.js';
import type { SimClickResult } from '../../sim/core/clicks.js';
import { SANDBOX_APPS } from '../support/simulator.js';
import {
  allCardsShow,
  approvalState,
  cardOf,
  click,
  postCallback,
  startCallbackStack,
  startTicket,
  viewOf,
  withCallbacksParked,
  withPlatformClockOff,
  type CallbackStack,
} from './callback-stack.js';

interface FeishuAnswer {
  toast?: { type: string; content: string };
  card?: { type: string; data: { header: { title: { content: string } } } };
  header?: { title: { content: string } };
  challenge?: string;
  error?: { code: string; message: string };
}

const answerOf = (result: SimClickResult) => JSON.parse(result.answer.body) as FeishuAnswer;

describe('card callbacks from Feishu and Lark', () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack();
  });
  after(async () => {
    await stack?.stop();
  });

  /** Nothing happened: still pending, no decision recorded. */
  async function assertUntouched(ticketId: string) {
    const s = await approvalState(stack, ticketId);
    assert.equal(s.status, 'pending');
    assert.deepEqual(s.decisions, []);
  }

  test('Approve on Feishu (encrypted, signed): toast and the new card for the clicker, then every card on every platform', async () => {
    await startTicket(stack, 'FS-1');
    const result = await click(stack, 'feishu', await cardOf(stack, 'feishu', 'bob', 'FS-1'), 'bob', 'approve');
    assert.ok(result.request.headers['X-Lark-Signature'], 'the platform signed the request');
    assert.match(result.request.body, /^\{"encrypt":/, 'and encrypted it');
    assert.equal(result.answer.status, 200);
    const answer = answerOf(result);
    assert.deepEqual(answer.toast?.type, 'success');
    assert.equal(answer.toast?.content, 'You approved this request');
    assert.equal(answer.card?.type, 'raw');
    assert.equal(answer.card?.data.header.title.content, 'Approved by Bob Li');
    assert.equal(result.record.cardApplied, true);
    assert.equal(result.record.clientError, undefined);

    const done = await approvalState(stack, 'FS-1');
    assert.equal(done.status, 'approved');
    assert.equal(done.decisions.length, 1);
    assert.equal(done.decisions[0]?.userId, 'bob', 'the decider is the verified operator, mapped to our user');
    assert.equal(done.decisions[0]?.via, 'feishu');
    assert.match(done.decisions[0]?.eventId ?? '', /^feishu:[0-9a-f]{32}$/, 'the platform event id is the update id');
    await allCardsShow(stack, 'FS-1', 'Approved by Bob Li');
  });

  test('Reject on Lark (plaintext body, Verification Token)', async () => {
    await startTicket(stack, 'LK-1');
    const result = await click(stack, 'lark', await cardOf(stack, 'lark', 'carol', 'LK-1'), 'carol', 'reject');
    assert.equal(result.request.headers['X-Lark-Signature'], undefined, 'no Encrypt Key: unsigned plaintext');
    assert.match(result.request.body, /"event_type":"card.action.trigger"/);
    const answer = answerOf(result);
    assert.equal(answer.toast?.content, 'You rejected this request');
    assert.equal(answer.card?.data.header.title.content, 'Rejected by Carol Wang');
    const done = await approvalState(stack, 'LK-1');
    assert.equal(done.status, 'rejected');
    assert.equal(done.outcome?.by?.userId, 'carol');
    await allCardsShow(stack, 'LK-1', 'Rejected by Carol Wang');
  });

  test('the legacy card callback (card.action.trigger_v1, SHA-1 signed) answers with the card at the top level', async () => {
    await startTicket(stack, 'FS-LEGACY');
    const card = await cardOf(stack, 'feishu', 'carol', 'FS-LEGACY');
    const result = await click(stack, 'feishu', card, 'carol', 'approve', 'legacy');
    assert.match(result.request.body, /"open_message_id"/);
    const answer = answerOf(result);
    assert.equal(answer.toast?.content, 'You approved this request');
    assert.equal(answer.header?.title.content, 'Approved by Carol Wang');
    assert.equal(result.record.cardApplied, true);
    assert.equal((await approvalState(stack, 'FS-LEGACY')).status, 'approved');
    await allCardsShow(stack, 'FS-LEGACY', 'Approved by Carol Wang');
  });

  test('url_verification: plain and encrypted challenges are answered; a wrong token is refused', async () => {
    const lark = SANDBOX_APPS.lark;
    const plain = JSON.stringify({ challenge: 'c-plain-1', token: lark.verificationToken, type: 'url_verification' });
    const ok = await postCallback(`${stack.apiUrl}/callbacks/lark`, {}, plain);
    assert.deepEqual(ok, { status: 200, body: { challenge: 'c-plain-1' } });

    const feishu = SANDBOX_APPS.feishu;
    const inner = JSON.stringify({ challenge: 'c-enc-1', token: feishu.verificationToken, type: 'url_verification' });
    const encrypted = JSON.stringify({ encrypt: feishuEncrypt(inner, feishu.encryptKey) });
    const okEncrypted = await postCallback(`${stack.apiUrl}/callbacks/feishu`, {}, encrypted);
    assert.deepEqual(okEncrypted, { status: 200, body: { challenge: 'c-enc-1' } }, 'answered in plaintext');

    const forged = JSON.stringify({ challenge: 'c-bad', token: 'not-the-token', type: 'url_verification' });
    const refused = await postCallback(`${stack.apiUrl}/callbacks/lark`, {}, forged);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error && (refused.body.error as { code: string }).code, 'UNAUTHENTICATED');
    assert.doesNotMatch(JSON.stringify(refused.body), /verification-token/, 'no secret in the answer');
  });

  test('a forged signature (a sender without the Encrypt Key, or a tampered body) gets 401 and changes nothing', async () => {
    await startTicket(stack, 'FS-FORGED');
    const card = await cardOf(stack, 'feishu', 'bob', 'FS-FORGED');
    await stack.sim.control.setApp('feishu', SANDBOX_APPS.feishu.appId, { encryptKey: 'an-attackers-guess' });
    let forged: SimClickResult;
    try {
      forged = await click(stack, 'feishu', card, 'bob', 'approve');
    } finally {
      await stack.sim.control.setApp('feishu', SANDBOX_APPS.feishu.appId, {
        encryptKey: SANDBOX_APPS.feishu.encryptKey,
      });
    }
    assert.equal(forged.answer.status, 401);
    assert.match(answerOf(forged).error?.message ?? '', /X-Lark-Signature does not match/);
    assert.equal(forged.record.clientError?.code, 200671, 'the clicker sees the platform error, nothing else');
    await assertUntouched('FS-FORGED');

    // A genuine signed request, one byte changed in transit.
    const genuine = await withCallbacksParked(stack, 'feishu', () => click(stack, 'feishu', card, 'bob', 'approve'));
    const tampered = genuine.request.body.replace(
      /"encrypt":"(.)/,
      (_m, c: string) => `"encrypt":"${c === 'A' ? 'B' : 'A'}`,
    );
    const res = await postCallback(`${stack.apiUrl}/callbacks/feishu`, genuine.request.headers, tampered);
    assert.equal(res.status, 401);
    assert.match((res.body as FeishuAnswer).error?.message ?? '', /X-Lark-Signature does not match/);
    await assertUntouched('FS-FORGED');
  });

  test('a wrong Verification Token gets 401 and changes nothing', async () => {
    await startTicket(stack, 'LK-TOKEN');
    const card = await cardOf(stack, 'lark', 'bob', 'LK-TOKEN');
    await stack.sim.control.setApp('lark', SANDBOX_APPS.lark.appId, { verificationToken: 'some-other-apps-token' });
    try {
      const result = await click(stack, 'lark', card, 'bob', 'approve');
      assert.equal(result.answer.status, 401);
      assert.match(answerOf(result).error?.message ?? '', /Verification Token does not match/);
    } finally {
      await stack.sim.control.setApp('lark', SANDBOX_APPS.lark.appId, {
        verificationToken: SANDBOX_APPS.lark.verificationToken,
      });
    }
    await assertUntouched('LK-TOKEN');
  });

  test('a stale timestamp (outside the 5-minute window) gets 401, signed header and plaintext create_time alike', async () => {
    await startTicket(stack, 'FS-STALE');
    const feishuCard = await cardOf(stack, 'feishu', 'bob', 'FS-STALE');
    const larkCard = await cardOf(stack, 'lark', 'bob', 'FS-STALE');
    const [signed, plain] = await withPlatformClockOff(stack, -6 * 60_000, async () => [
      await click(stack, 'feishu', feishuCard, 'bob', 'approve'),
      await click(stack, 'lark', larkCard, 'bob', 'approve'),
    ]);
    for (const result of [signed, plain]) {
      assert.equal(result?.answer.status, 401);
      assert.match(result ? (answerOf(result).error?.message ?? '') : '', /outside the freshness window/);
    }
    await assertUntouched('FS-STALE');
    // Four minutes of skew is still inside the window.
    const skewed = await withPlatformClockOff(stack, 4 * 60_000, () =>
      click(stack, 'lark', larkCard, 'bob', 'approve'),
    );
    assert.equal(skewed.answer.status, 200);
    assert.equal((await approvalState(stack, 'FS-STALE')).status, 'approved');
  });

  test('a replayed event id gets the first answer and changes nothing', async () => {
    await startTicket(stack, 'FS-REPLAY');
    const first = await click(stack, 'feishu', await cardOf(stack, 'feishu', 'bob', 'FS-REPLAY'), 'bob', 'approve');
    assert.equal(answerOf(first).toast?.content, 'You approved this request');
    const replay = await postCallback(`${stack.apiUrl}/callbacks/feishu`, first.request.headers, first.request.body);
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.body, JSON.parse(first.answer.body), 'the same answer as the first time');
    const s = await approvalState(stack, 'FS-REPLAY');
    assert.equal(s.decisions.length, 1);
  });

  test('a click by someone who is not an approver of the ticket decides nothing and says why', async () => {
    await startTicket(stack, 'FS-OTHER');
    const bobsCard = await cardOf(stack, 'feishu', 'bob', 'FS-OTHER');
    // A forwarded card: dave is no approver of this ticket at all.
    const dave = await click(stack, 'feishu', bobsCard, 'dave', 'approve');
    assert.equal(dave.answer.status, 200);
    assert.deepEqual(answerOf(dave).toast, {
      type: 'error',
      content: 'You are not an approver of this ticket',
      i18n: {
        en_us: 'You are not an approver of this ticket',
        zh_cn: '您不是此工单的审批人',
        ja_jp: 'あなたはこのチケットの承認者ではありません',
      },
    });
    assert.equal(answerOf(dave).card, undefined, 'the card stays as it is');
    // A colleague in the same chat: carol approves this ticket, but this is bob's card (bob's nonce).
    const carol = await click(stack, 'feishu', bobsCard, 'carol', 'approve');
    assert.equal(answerOf(carol).toast?.content, 'You are not an approver of this ticket');
    await assertUntouched('FS-OTHER');
    assert.match(await viewOf(stack, 'feishu', 'bob', 'FS-OTHER'), /Approval needed/);
  });

  test('a click on a closed ticket: "already approved by X at T", nothing changes', async () => {
    await startTicket(stack, 'FS-CLOSED');
    const carolsCard = await cardOf(stack, 'feishu', 'carol', 'FS-CLOSED');
    // Carol's click leaves her phone while the card still has buttons, and arrives after bob has approved.
    const late = await withCallbacksParked(stack, 'feishu', () =>
      click(stack, 'feishu', carolsCard, 'carol', 'reject'),
    );
    await click(stack, 'feishu', await cardOf(stack, 'feishu', 'bob', 'FS-CLOSED'), 'bob', 'approve');
    const closed = await allCardsShow(stack, 'FS-CLOSED', 'Approved by Bob Li').then(() =>
      approvalState(stack, 'FS-CLOSED'),
    );
    const res = await postCallback(`${stack.apiUrl}/callbacks/feishu`, late.request.headers, late.request.body);
    assert.equal(res.status, 200);
    const toast = (res.body as FeishuAnswer).toast;
    assert.equal(toast?.type, 'warning');
    assert.match(toast?.content ?? '', /^Already approved by Bob Li at [A-Z][a-z]{2} \d{1,2}, \d{2}:\d{2} \(UTC\)$/);
    const after = await approvalState(stack, 'FS-CLOSED');
    assert.equal(after.status, 'approved');
    assert.deepEqual(after.decisions, closed.decisions);
  });

  test('malformed bodies get 400', async () => {
    const notJson = await postCallback(`${stack.apiUrl}/callbacks/lark`, {}, '{"schema":');
    assert.equal(notJson.status, 400);
    const notACallback = await postCallback(`${stack.apiUrl}/callbacks/lark`, {}, '{"hello":"world"}');
    assert.equal(notACallback.status, 400);
    const badValue = JSON.stringify({
      schema: '2.0',
      header: {
        event_id: 'e-1',
        token: SANDBOX_APPS.lark.verificationToken,
        event_type: 'card.action.trigger',
        create_time: String(Date.now() * 1000),
      },
      event: { operator: { open_id: 'ou_x' }, action: { value: { a: 'approve' } } },
    });
    const bad = await postCallback(`${stack.apiUrl}/callbacks/lark`, {}, badValue);
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { code: string }).code, 'BAD_REQUEST');
  });
});
