/**
 * The worker is SIGKILLed in the middle of telling a crowd about events (some notices out, most not), twice, and an
 * event is reported while no worker runs. In the end every person has exactly one notice per event on each platform:
 * none lost, none sent twice (Feishu / Lark by `uuid`, DingTalk by the card instance's outTrackId).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CHANNEL_KINDS } from '../../src/domain/channel.js';
import type { NoticeState } from '../../src/domain/notice-state.js';
import { eventually } from '../support/stack.js';
import { finished, noticesOf, tellRule, ticketEvent } from '../notices/support.js';
import { startCrashStack, type CrashStack } from './child-worker.js';

const TYPE = 'ticket.crowd';
const CROWD = Array.from({ length: 12 }, (_, i) => `crowd${String(i + 1).padStart(2, '0')}`);
const TICKETS = ['CR-1', 'CR-2', 'CR-3', 'CR-4'];

describe('worker SIGKILLed in the middle of a notice fan-out', () => {
  let stack: CrashStack;
  before(async () => {
    stack = await startCrashStack();
    for (const [i, id] of CROWD.entries()) {
      const mobile = `139${String(i + 1).padStart(8, '0')}`;
      await stack.sim.control.setUser(id, { name: `Crowd ${i + 1}`, mobile });
      const user = await stack.call('PUT', `/v1/users/${id}`, { name: `Crowd ${i + 1}`, mobile, roles: ['crowd'] });
      assert.equal(user.status, 201, JSON.stringify(user.body));
    }
    const rule = await stack.call(
      'POST',
      '/v1/rules',
      tellRule('crowd-executed', TYPE, 'executed', { roles: ['crowd'] }),
    );
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    // Slow Feishu / Lark sends down, so the fan-out is still going when the worker dies.
    await stack.sim.control.addFault({
      path: '/open-apis/im/v1/messages',
      method: 'POST',
      kind: 'delay',
      delayMs: 200,
      count: 400,
    });
  });
  after(async () => {
    await stack?.stop();
  });

  const delivered = async (ticketId: string) => {
    let n = 0;
    for (const kind of CHANNEL_KINDS)
      for (const user of CROWD) n += (await noticesOf(stack, kind, user, ticketId)).length;
    return n;
  };
  const total = CROWD.length * CHANNEL_KINDS.length;
  const report = async (ticketId: string) => {
    const res = await stack.call('POST', '/v1/events', ticketEvent(`${ticketId}-executed`, ticketId, TYPE, 'executed'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };

  test('no notice lost, none duplicated', async (ctx) => {
    let worker = await stack.spawnWorker();
    await Promise.all(TICKETS.slice(0, 3).map(report));
    const first = await eventually(
      () => delivered('CR-1'),
      (n) => n >= 1,
      30_000,
    );
    await worker.kill();
    ctx.diagnostic(`first kill with ${first} of ${total} CR-1 notices out`);
    assert.ok(first < total, 'the kill landed mid fan-out');

    await report('CR-4'); // while no worker runs: recorded, told once a worker is back
    worker = await stack.spawnWorker();
    const second = await eventually(
      () => delivered('CR-2'),
      (n) => n >= 1,
      60_000,
    );
    await worker.kill();
    ctx.diagnostic(`second kill with ${second} of ${total} CR-2 notices out`);

    worker = await stack.spawnWorker();
    try {
      for (const ticketId of TICKETS) {
        // Activities the killed workers held come back after their 30 s start-to-close timeout.
        const notice: NoticeState = await finished(stack, `${ticketId}-executed`, 120_000);
        assert.equal(
          notice.status,
          'delivered',
          `${ticketId}: ${JSON.stringify(notice.deliveries.filter((d) => d.status !== 'sent'))}`,
        );
        assert.equal(notice.deliveries.length, total);
      }
      for (const ticketId of TICKETS) {
        for (const kind of CHANNEL_KINDS) {
          for (const user of CROWD) {
            const copies = await noticesOf(stack, kind, user, ticketId);
            const seen = copies.map((m) => `${m.id} ${m.idempotencyKey ?? ''}`).join('; ');
            assert.equal(copies.length, 1, `${ticketId}: ${user} has exactly one ${kind} notice (${seen})`);
          }
        }
      }
    } finally {
      await worker.kill();
    }
  });
});
