/**
 * DingTalk (Standard and Exclusive) card callbacks through the simulator's real signed callbacks: the route is
 * registered with `card/callbacks/register` (route key + apiSecret), clicks carry `x-ddpaas-signature`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimApp } from '../../sim/core/apps.js';
import type { SimClickResult } from '../../sim/core/clicks.js';
import type { SimUser } from '../../sim/core/users.js';
import { signCallback } from '../../src/channels/dingtalk/dingtalk.sign.js';
import { SANDBOX_APPS } from '../support/simulator.js';
import {
  allCardsShow,
  approvalState,
  cardOf,
  click,
  postCallback,
  startCallbackStack,
  startTicket,
  withCallbacksParked,
  withPlatformClockOff,
  type CallbackStack,
} from './callback-stack.js';

interface DingtalkAnswer {
  cardData?: { cardParamMap: Record<string, string> };
  cardUpdateOptions?: { updateCardDataByKey: boolean };
  error?: { code: string; message: string };
}

const answerOf = (result: SimClickResult) => JSON.parse(result.answer.body) as DingtalkAnswer;

describe('card callbacks from DingTalk and DingTalk Exclusive', () => {
  let stack: CallbackStack;
  let apiSecret: string;
  const url = (kind: string) => `${stack.apiUrl}/callbacks/${kind}`;
  before(async () => {
    stack = await startCallbackStack();
    const stored = await stack.deps.channelSource.load('dingtalk');
    apiSecret = (stored?.config as { apiSecret: string }).apiSecret;
  });
  after(async () => {
    await stack?.stop();
  });

  async function assertUntouched(ticketId: string) {
    const s = await approvalState(stack, ticketId);
    assert.equal(s.status, 'pending');
    assert.deepEqual(s.decisions, []);
  }

  async function dingtalkIdOf(user: string): Promise<string> {
    const found = await stack.sim.control.call<SimUser>('GET', `/users/${user}`);
    return found.ids.dingtalk ?? '';
  }

  /** Headers DingTalk would send now for this app's apiSecret. */
  function signedHeaders(timestamp = Date.now()): Record<string, string> {
    return {
      'x-ddpaas-signature-timestamp': String(timestamp),
      'x-ddpaas-signature': signCallback(apiSecret, timestamp),
    };
  }

  test('the callback route is registered with the route key and apiSecret, for both editions', async () => {
    for (const kind of ['dingtalk', 'dingtalk-exclusive'] as const) {
      const app = await stack.sim.control.call<SimApp>('GET', `/apps/${kind}/${SANDBOX_APPS[kind].appId}`);
      const route = app.callbackRoutes[`approvals-bridge-${kind}`];
      assert.equal(route?.url, url(kind));
      assert.ok(route?.secret, 'registered with an apiSecret, so every callback is signed');
    }
  });

  test('Approve on DingTalk: the clicker gets the updated card data, then every card on every platform', async () => {
    await startTicket(stack, 'DT-1');
    const result = await click(stack, 'dingtalk', await cardOf(stack, 'dingtalk', 'bob', 'DT-1'), 'bob', 'approve');
    assert.ok(result.request.headers['x-ddpaas-signature']);
    assert.match(result.request.body, /"content":/);
    assert.equal(result.answer.status, 200);
    const answer = answerOf(result);
    assert.equal(answer.cardData?.cardParamMap.status, 'approved');
    assert.match(answer.cardData?.cardParamMap.statusText ?? '', /^Approved by Bob Li at /);
    assert.equal(answer.cardData?.cardParamMap.showActions, 'false');
    assert.deepEqual(answer.cardUpdateOptions, { updateCardDataByKey: true });
    assert.equal(result.record.cardApplied, true);
    assert.ok(result.answer.durationMs < 2000, 'inside DingTalk 2 s');

    const done = await approvalState(stack, 'DT-1');
    assert.equal(done.status, 'approved');
    assert.equal(done.decisions[0]?.userId, 'bob');
    assert.equal(done.decisions[0]?.via, 'dingtalk');
    assert.match(done.decisions[0]?.eventId ?? '', /^dingtalk:h-[0-9a-f]{32}$/);
    await allCardsShow(stack, 'DT-1', 'Approved by Bob Li');
  });

  test('Reject on DingTalk Exclusive with the `value` payload variant', async () => {
    await startTicket(stack, 'DX-1');
    const card = await cardOf(stack, 'dingtalk-exclusive', 'carol', 'DX-1');
    const result = await click(stack, 'dingtalk-exclusive', card, 'carol', 'reject', 'value');
    assert.match(result.request.body, /"value":/);
    assert.match(answerOf(result).cardData?.cardParamMap.statusText ?? '', /^Rejected by Carol Wang at /);
    const done = await approvalState(stack, 'DX-1');
    assert.equal(done.status, 'rejected');
    assert.equal(done.decisions[0]?.via, 'dingtalk-exclusive');
    await allCardsShow(stack, 'DX-1', 'Rejected by Carol Wang');
  });

  test('a forged or missing signature gets 401 and changes nothing', async () => {
    await startTicket(stack, 'DT-FORGED');
    const card = await cardOf(stack, 'dingtalk', 'bob', 'DT-FORGED');
    const appId = SANDBOX_APPS.dingtalk.appId;
    const app = await stack.sim.control.call<SimApp>('GET', `/apps/dingtalk/${appId}`);
    const routes = app.callbackRoutes;
    const wrong = Object.fromEntries(Object.entries(routes).map(([k, r]) => [k, { ...r, secret: 'a-guessed-secret' }]));
    await stack.sim.control.setApp('dingtalk', appId, { callbackRoutes: wrong });
    let forged: SimClickResult;
    try {
      forged = await click(stack, 'dingtalk', card, 'bob', 'approve');
    } finally {
      await stack.sim.control.setApp('dingtalk', appId, { callbackRoutes: routes });
    }
    assert.equal(forged.answer.status, 401);
    assert.match(answerOf(forged).error?.message ?? '', /x-ddpaas-signature does not match/);
    assert.equal(forged.record.clientError?.code, 'callback.httpError');

    const genuine = await withCallbacksParked(stack, 'dingtalk', () =>
      click(stack, 'dingtalk', card, 'bob', 'approve'),
    );
    const unsigned = await postCallback(url('dingtalk'), {}, genuine.request.body);
    assert.equal(unsigned.status, 401);
    const otherTime = { ...genuine.request.headers, 'x-ddpaas-signature-timestamp': String(Date.now() + 1) };
    assert.equal((await postCallback(url('dingtalk'), otherTime, genuine.request.body)).status, 401);
    await assertUntouched('DT-FORGED');
  });

  test('a stale timestamp gets 401 and changes nothing', async () => {
    await startTicket(stack, 'DT-STALE');
    const card = await cardOf(stack, 'dingtalk', 'bob', 'DT-STALE');
    const stale = await withPlatformClockOff(stack, -6 * 60_000, () =>
      click(stack, 'dingtalk', card, 'bob', 'approve'),
    );
    assert.equal(stale.answer.status, 401);
    assert.match(answerOf(stale).error?.message ?? '', /outside the freshness window/);
    await assertUntouched('DT-STALE');
  });

  test('a replayed callback gets the first answer and changes nothing', async () => {
    await startTicket(stack, 'DT-REPLAY');
    const card = await cardOf(stack, 'dingtalk', 'carol', 'DT-REPLAY');
    const first = await click(stack, 'dingtalk', card, 'carol', 'approve');
    const replay = await postCallback(url('dingtalk'), first.request.headers, first.request.body);
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.body, JSON.parse(first.answer.body));
    // Re-signed now (a second delivery of the same click): still the same event, still one decision.
    const again = await postCallback(url('dingtalk'), signedHeaders(), first.request.body);
    assert.deepEqual(again.body, JSON.parse(first.answer.body));
    assert.equal((await approvalState(stack, 'DT-REPLAY')).decisions.length, 1);
  });

  // One shared card reaches every approver on DingTalk, so only someone who is not an approver is refused here
  // (a click with a nonce bound to another approver is covered in test/channels/dingtalk-shared-card.callbacks).
  test('a click by someone who is not an approver decides nothing and says why', async () => {
    await startTicket(stack, 'DT-OTHER');
    const bobsCard = await cardOf(stack, 'dingtalk', 'bob', 'DT-OTHER');
    const genuine = await withCallbacksParked(stack, 'dingtalk', () =>
      click(stack, 'dingtalk', bobsCard, 'bob', 'approve'),
    );
    const bobId = await dingtalkIdOf('bob');
    for (const user of ['dave']) {
      // The same card clicked by dave, who is no approver of this ticket.
      const body = genuine.request.body.replace(`"userId":"${bobId}"`, `"userId":"${await dingtalkIdOf(user)}"`);
      assert.notEqual(body, genuine.request.body);
      const res = await postCallback(url('dingtalk'), signedHeaders(), body);
      assert.equal(res.status, 200);
      const params = (res.body as DingtalkAnswer).cardData?.cardParamMap;
      assert.equal(params?.statusText, 'You are not an approver of this ticket', user);
    }
    await assertUntouched('DT-OTHER');
  });

  test('a click on a closed ticket: "already approved by X", nothing changes', async () => {
    await startTicket(stack, 'DT-CLOSED');
    const carolsCard = await cardOf(stack, 'dingtalk', 'carol', 'DT-CLOSED');
    const late = await withCallbacksParked(stack, 'dingtalk', () =>
      click(stack, 'dingtalk', carolsCard, 'carol', 'reject'),
    );
    await click(stack, 'dingtalk', await cardOf(stack, 'dingtalk', 'bob', 'DT-CLOSED'), 'bob', 'approve');
    await allCardsShow(stack, 'DT-CLOSED', 'Approved by Bob Li');
    const res = await postCallback(url('dingtalk'), signedHeaders(), late.request.body);
    assert.equal(res.status, 200);
    const params = (res.body as DingtalkAnswer).cardData?.cardParamMap;
    assert.match(params?.statusText ?? '', /pproved by Bob Li at [A-Z][a-z]{2} \d{1,2}, \d{2}:\d{2} \(UTC\)$/);
    assert.equal(params?.showActions, 'false');
    const after = await approvalState(stack, 'DT-CLOSED');
    assert.equal(after.status, 'approved');
    assert.deepEqual(
      after.decisions.map((d) => d.userId),
      ['bob'],
    );
  });

  test('malformed bodies (verified, but not a card action) get 400', async () => {
    assert.equal((await postCallback(url('dingtalk'), signedHeaders(), '{"outTrackId":')).status, 400);
    assert.equal((await postCallback(url('dingtalk'), signedHeaders(), '{"userId":"u1"}')).status, 400);
    const noAction = JSON.stringify({
      outTrackId: 'ab-1',
      userId: 'u1',
      content: JSON.stringify({ cardPrivateData: { actionIds: ['approve'], params: { ticketId: 'T-1' } } }),
    });
    const res = await postCallback(url('dingtalk'), signedHeaders(), noAction);
    assert.equal(res.status, 400);
    assert.equal(res.body.error && (res.body.error as { code: string }).code, 'BAD_REQUEST');
  });
});
