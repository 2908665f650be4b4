/**
 * Counting platform calls per activity (the registry's tally against the simulator over HTTP), summing them per
 * approval, and the content hash that keeps unchanged cards from being updated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import type { PlatformCallEvent } from '../../src/channels/call-observer.js';
import { countingCalls } from '../../src/channels/call-observer.js';
import { createChannelRegistry, staticChannelSource } from '../../src/channels/registry.js';
import type { ApprovalCard } from '../../src/domain/card.js';
import type { ApprovalState } from '../../src/domain/state.js';
import { sandboxChannels } from '../../src/service/sandbox-channels.js';
import { addPlatformCalls, noPlatformCalls } from '../../src/workflows/approval-calls.js';
import { contentHash } from '../../src/workflows/approval-cards.js';
import { startTestSimulator, type TestSimulator } from '../support/simulator.js';

describe('platform calls counted per activity', () => {
  let sim: TestSimulator;
  const dispatcher = new Agent();
  before(async () => {
    sim = await startTestSimulator();
  });
  after(async () => {
    await dispatcher.close();
    await sim?.close();
  });

  test('every call made inside a tally is counted there, with or without an observer, and never twice', async () => {
    const seen: PlatformCallEvent[] = [];
    const source = staticChannelSource(sandboxChannels(sim.url, 'http://console.example.test'));
    const observed = createChannelRegistry(source, dispatcher, { onCall: (e) => seen.push(e) });
    const bare = createChannelRegistry(source, dispatcher);

    const first = await countingCalls(async () =>
      (await observed.get('dingtalk')).resolveUser({ mobile: '13800000002' }),
    );
    assert.deepEqual(first.calls, { dingtalk: { token: 1, lookup: 1 } });
    assert.deepEqual(
      seen.map((e) => e.api),
      ['token', 'lookup'],
      'the caller’s observer still hears every call',
    );

    // Concurrent tallies stay apart; a cached token costs nothing.
    const [a, b] = await Promise.all([
      countingCalls(async () => (await observed.get('dingtalk')).resolveUser({ mobile: '13800000003' })),
      countingCalls(async () => (await bare.get('dingtalk')).resolveUser({ mobile: '13800000004' })),
    ]);
    assert.deepEqual(a.calls, { dingtalk: { lookup: 1 } });
    assert.deepEqual(b.calls, { dingtalk: { token: 1, lookup: 1 } }, 'counted without an observer too');
    assert.deepEqual(
      (await countingCalls(async () => (await bare.get('dingtalk')).resolveUser({ mobile: '13800000004' }))).calls,
      {},
      'a cached lookup costs no call',
    );
  });
});

describe('approval totals', () => {
  test('sums activities per API kind and platform; results without counts add nothing', () => {
    const state = { platformCalls: noPlatformCalls() } as ApprovalState;
    addPlatformCalls(state, { dingtalk: { token: 1, lookup: 2 } });
    addPlatformCalls(state, undefined);
    addPlatformCalls(state, { dingtalk: { send: 1 }, feishu: { send: 2, update: 2 } });
    assert.deepEqual(state.platformCalls, {
      total: 8,
      byApi: { token: 1, lookup: 2, send: 3, update: 2 },
      byKind: {
        dingtalk: { total: 4, byApi: { token: 1, lookup: 2, send: 1 } },
        feishu: { total: 4, byApi: { send: 2, update: 2 } },
      },
    });
  });
});

describe('card content hash', () => {
  const card: ApprovalCard = {
    tenant: 'acme',
    ticketId: 'T-1',
    ticketType: 'ticket.data_export',
    title: 'Export',
    requesterName: 'Rita',
    fields: [{ label: 'table', value: 'orders' }],
    deadlineAt: '2026-01-01T00:00:00.000Z',
    status: 'pending',
    level: 1,
    nonce: 'n-1',
  };

  test('ignores the nonce; any shown change changes it', () => {
    assert.match(contentHash(card), /^[0-9a-f]{12}$/);
    assert.equal(contentHash({ ...card, nonce: 'n-2' }), contentHash(card), 'same content for every recipient');
    assert.notEqual(contentHash({ ...card, status: 'approved', decidedBy: 'Bob' }), contentHash(card));
    assert.notEqual(contentHash({ ...card, level: 2 }), contentHash(card));
  });
});
