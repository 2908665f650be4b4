/**
 * Races at scale and secrets at rest in history: 100 concurrent clicks from several approvers on every platform
 * give exactly one outcome with every card consistent; 50 concurrent starts of one ticket give one workflow run;
 * and no secret (app secrets, verification tokens, encrypt keys, callback API secrets, platform access tokens, the
 * admin token, minted API tokens, the webhook secret) appears in any API response or in the full history of any run,
 * read back from the Temporal server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SimClickResult } from '../../sim/core/clicks.js';
import type { Dispatcher } from 'undici';
import {
  allCardsShow,
  approvalState,
  cardOf,
  KINDS,
  startCallbackStack,
  startTicket,
  ticket,
  viewOf,
  postCallback,
  withCallbacksHeld,
  withCallbacksParked,
  type CallbackStack,
} from '../callbacks/callback-stack.js';
import type { ChannelKind } from '../../src/domain/channel.js';
import { allHistories, secretsOf } from './secrets.js';
import { eventually } from '../support/stack.js';

/** Runs `fn` with the callbacks of every given platform parked (see withCallbacksParked). */
function parked<T>(stack: CallbackStack, kinds: ChannelKind[], fn: () => Promise<T>): Promise<T> {
  const [kind, ...rest] = kinds;
  return kind ? withCallbacksParked(stack, kind, () => parked(stack, rest, fn)) : fn();
}

describe('races at scale, and no secret in responses or history', () => {
  let stack: CallbackStack;
  const responses: string[] = [];
  const minted: string[] = [];
  before(async () => {
    stack = await startCallbackStack();
    // Every API answer of this file is kept and scanned for secrets at the end (minted tokens are the one answer
    // that must carry a secret: they are remembered as such, and the minting answer itself is left out).
    const call = stack.call.bind(stack);
    stack.call = async <T>(method: Dispatcher.HttpMethod, path: string, body?: unknown, token?: string) => {
      const res = await call<T>(method, path, body, token);
      if (path !== '/v1/tokens') responses.push(JSON.stringify(res));
      return res;
    };
  });
  after(async () => {
    await stack?.stop();
  });

  test('100 concurrent clicks from bob and carol on all four platforms → exactly one outcome, cards agree', async () => {
    await startTicket(stack, 'STORM-1');
    const cards = await Promise.all(
      KINDS.flatMap((kind) =>
        (['bob', 'carol'] as const).map(async (user) => ({
          kind,
          user,
          card: await cardOf(stack, kind, user, 'STORM-1'),
        })),
      ),
    );
    // No press may reach the API before the last one exists (a button that already shows the outcome can't be
    // pressed twice). Feishu / Lark callbacks are held at a gate and their answers go back to the platform (which
    // shows them: the settling click's answer is what its card shows); DingTalk's are parked and posted by the test.
    // Once all 100 exist, the gate opens and the DingTalk requests are posted: they reach the API at once.
    const FEISHU_LIKE: ChannelKind[] = ['feishu', 'lark'];
    const presses = Array.from({ length: 100 }, (_, i) => {
      const c = cards[i % cards.length];
      assert.ok(c);
      return { ...c, action: i % 3 === 0 ? ('reject' as const) : ('approve' as const) };
    });
    const press = (c: (typeof presses)[number]) =>
      stack.sim.control.click<SimClickResult>({
        platform: c.kind,
        messageId: c.card.id,
        userId: c.user,
        action: c.action,
      });
    const outcomes = await withCallbacksHeld(stack, FEISHU_LIKE, (gate) =>
      parked(stack, ['dingtalk', 'dingtalk-exclusive'], async () => {
        const viaGate = presses.filter((c) => FEISHU_LIKE.includes(c.kind));
        const viaTest = presses.filter((c) => !FEISHU_LIKE.includes(c.kind));
        const answered = viaGate.map(press);
        const signed = await Promise.all(viaTest.map(press));
        await gate.arrived(viaGate.length);
        gate.release();
        const posted = signed.map((p, i) =>
          postCallback(`${stack.apiUrl}/callbacks/${viaTest[i]?.kind}`, p.request.headers, p.request.body),
        );
        const platformAnswers = (await Promise.all(answered)).map((p) => p.answer.status ?? p.answer.failure);
        return [...platformAnswers, ...(await Promise.all(posted)).map((a) => a.status)];
      }),
    );
    // On a loaded 2-core machine some of 50 simultaneous answers can miss Feishu's 3 s (the clicker then sees the
    // platform's "try again" error): allowed, as long as every other answer is a 200 and the cards agree.
    assert.ok(outcomes.every((o) => o === 200 || o === 'timeout') && outcomes.includes(200), JSON.stringify(outcomes));
    const done = await eventually(
      () => approvalState(stack, 'STORM-1'),
      (s) => s.status !== 'pending' && s.deliveries.every((d) => d.status === 'updated'),
      60_000,
    );
    assert.equal(done.decisions.length, 1, 'one decision counted out of 100 clicks');
    const by = done.outcome?.by?.userId;
    const expected = `${done.status === 'approved' ? 'Approved' : 'Rejected'} by ${by === 'bob' ? 'Bob Li' : 'Carol Wang'}`;
    await allCardsShow(stack, 'STORM-1', expected);
    const other = done.status === 'approved' ? 'Rejected by' : 'Approved by';
    for (const { kind, user } of cards) {
      assert.doesNotMatch(await viewOf(stack, kind, user, 'STORM-1'), new RegExp(other), `${user} on ${kind}`);
      await cardOf(stack, kind, user, 'STORM-1'); // still exactly one card
    }
  });

  test('50 concurrent starts of the same ticket → one workflow run, one card per recipient × channel', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => stack.call<{ runId: string }>('POST', '/v1/approvals', ticket('DUP-1'))),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
    assert.ok(
      statuses.every((s) => s === 201 || s === 200),
      JSON.stringify(statuses),
    );
    assert.equal(new Set(answers.map((a) => a.body.runId)).size, 1, 'every answer names the same run');
    const all = [];
    for await (const wf of stack.temporal.client.workflow.list()) all.push(wf.workflowId);
    assert.equal(all.filter((id) => id.includes('DUP-1')).length, 1, `one workflow for DUP-1: ${all.join(', ')}`);
    await eventually(
      () => approvalState(stack, 'DUP-1'),
      (s) => s.deliveries?.filter((d) => d.status === 'sent').length === 8,
    );
    for (const kind of KINDS) for (const user of ['bob', 'carol']) await cardOf(stack, kind, user, 'DUP-1');
  });

  test('no secret in any API response, error message or workflow history', async () => {
    // Errors too: a wrong token, a bad body, an unknown ticket, and the channel configs (secrets masked).
    await stack.call('GET', '/v1/approvals/NOPE');
    await stack.call('POST', '/v1/approvals', { ticketId: 5 });
    await stack.call('GET', '/v1/channels');
    for (const kind of KINDS) await stack.call('GET', `/v1/channels/${kind}`);
    await stack.call('GET', '/v1/approvals/STORM-1', undefined, 'not-a-token');
    minted.push(await stack.tokenFor('approver', 'bob'));
    await stack.call('GET', '/v1/approvals/STORM-1', undefined, minted[0]);

    const histories = await allHistories(stack.temporal.client);
    assert.ok(histories.length >= 2, `histories read: ${histories.length}`);
    const secrets = secretsOf(stack.sim, [stack.adminToken, stack.webhookSecret, ...minted]);
    assert.ok(secrets.length > 12, 'sandbox secrets, issued platform tokens and our own');
    for (const secret of secrets) {
      for (const [i, r] of responses.entries()) assert.ok(!r.includes(secret), `a secret in API response #${i}`);
      for (const h of histories) assert.ok(!h.includes(secret), `a secret in a workflow history`);
    }
  });
});
