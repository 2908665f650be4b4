/**
 * A click while no worker runs: the platform still gets its answer in time ("received, processing"), the decision
 * is stored durably (the `decisionSignal`), and the workflow applies it once a worker is back. With Temporal itself
 * unreachable the clicker is told it was not recorded, still with a 200 the platform accepts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { SimClickResult } from '../../sim/core/clicks.js';
import { createApi } from '../../src/api/main.js';
import { loadEnv } from '../../src/config/env.js';
import { SANDBOX_APPS } from '../support/simulator.js';
import { eventually } from '../support/stack.js';
import {
  allCardsShow,
  approvalState,
  cardOf,
  click,
  postCallback,
  startCallbackStack,
  startTicket,
  type CallbackStack,
} from './callback-stack.js';

const bodyOf = (result: SimClickResult) => JSON.parse(result.answer.body) as Record<string, unknown>;

describe('card callbacks while the worker or Temporal is down', () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack();
  });
  after(async () => {
    await stack?.stop();
  });

  test('worker stopped during a click: answered in time on Feishu and DingTalk, applied after the restart', async () => {
    await startTicket(stack, 'WD-1');
    await startTicket(stack, 'WD-2');
    const feishuCard = await cardOf(stack, 'feishu', 'bob', 'WD-1');
    const dingtalkCard = await cardOf(stack, 'dingtalk', 'carol', 'WD-2');
    await stack.stopWorkers();

    const onFeishu = await click(stack, 'feishu', feishuCard, 'bob', 'approve');
    assert.equal(onFeishu.answer.status, 200);
    assert.equal(onFeishu.record.clientError, undefined, 'Feishu got a usable answer within 3 s');
    assert.ok(onFeishu.answer.durationMs < 3000, `answered in ${onFeishu.answer.durationMs} ms`);
    assert.deepEqual(
      (bodyOf(onFeishu).toast as { content: string }).content,
      'Received: your decision is being processed',
    );

    const onDingtalk = await click(stack, 'dingtalk', dingtalkCard, 'carol', 'reject');
    assert.equal(onDingtalk.answer.status, 200);
    assert.equal(onDingtalk.record.clientError, undefined, 'DingTalk got a usable answer within 2 s');
    assert.ok(onDingtalk.answer.durationMs < 2000, `answered in ${onDingtalk.answer.durationMs} ms`);
    const params = (bodyOf(onDingtalk).cardData as { cardParamMap: Record<string, string> }).cardParamMap;
    assert.deepEqual(params, { statusText: 'Received: your decision is being processed', showActions: 'false' });

    // The platform delivers the same click again while the worker is still down: recorded once all the same.
    const again = await postCallback(onFeishu.url, onFeishu.request.headers, onFeishu.request.body);
    assert.equal(again.status, 200);

    await stack.startWorkers();
    const one = await eventually(
      () => approvalState(stack, 'WD-1'),
      (s) => s.status === 'approved',
    );
    assert.deepEqual(
      one.decisions.map((d) => [d.userId, d.decision, d.via]),
      [['bob', 'approve', 'feishu']],
    );
    const two = await eventually(
      () => approvalState(stack, 'WD-2'),
      (s) => s.status === 'rejected',
    );
    assert.deepEqual(
      two.decisions.map((d) => [d.userId, d.decision, d.via]),
      [['carol', 'reject', 'dingtalk']],
    );
    await allCardsShow(stack, 'WD-1', 'Approved by Bob Li');
    await allCardsShow(stack, 'WD-2', 'Rejected by Carol Wang');
  });

  test('Temporal unreachable: a 200 with "could not be recorded" inside the window, and nothing recorded', async () => {
    await startTicket(stack, 'WD-DOWN');
    const card = await cardOf(stack, 'lark', 'bob', 'WD-DOWN');
    // A second API whose Temporal is nowhere (nothing listens on port 1), fed the same platform callbacks. No gRPC
    // retries, so its calls have all failed before the connection is closed at the end.
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s', interceptors: [] });
    const unreachable = new Client({ connection });
    const env = loadEnv({ SANDBOX: 'true', SIMULATOR_URL: stack.sim.url, LOG_LEVEL: 'silent' });
    const orphan: NestExpressApplication = await createApi({ env, temporalClient: unreachable, logger: false });
    await orphan.listen(0, '127.0.0.1');
    const orphanUrl = (await orphan.getUrl()).replace('[::1]', '127.0.0.1');
    const appId = SANDBOX_APPS.lark.appId;
    await stack.sim.control.setApp('lark', appId, { callbackUrl: `${orphanUrl}/callbacks/lark` });
    try {
      const result = await click(stack, 'lark', card, 'bob', 'approve');
      assert.equal(result.answer.status, 200);
      assert.equal(result.record.clientError, undefined);
      assert.ok(result.answer.durationMs < 3000, `answered in ${result.answer.durationMs} ms`);
      const toast = bodyOf(result).toast as { type: string; content: string };
      assert.equal(toast.type, 'error');
      assert.match(toast.content, /could not be recorded/);
    } finally {
      await stack.sim.control.setApp('lark', appId, { callbackUrl: `${stack.apiUrl}/callbacks/lark` });
      await orphan.close();
      await unreachable.connection.close();
    }
    const s = await approvalState(stack, 'WD-DOWN');
    assert.equal(s.status, 'pending');
    assert.deepEqual(s.decisions, []);
  });
});
