import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlatformCallEvent } from '../../src/channels/call-observer.js';
import { MemoryUsageStore } from '../../src/usage/memory-usage-store.js';
import { createUsageRecorder } from '../../src/usage/usage-recorder.js';
import type { UsageRecord } from '../../src/usage/usage.js';

const AT = new Date('2026-12-04T10:00:00Z');
const send = (over: Partial<PlatformCallEvent> = {}): PlatformCallEvent => ({
  kind: 'feishu',
  appId: 'cli_a',
  api: 'send',
  status: 200,
  at: AT,
  ...over,
});

/** A store whose writes wait until the test lets them go, counting how many writes reach it. */
function gatedStore() {
  const inner = new MemoryUsageStore();
  const writes: UsageRecord[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    writes,
    open: () => open(),
    store: {
      async record(call: UsageRecord) {
        writes.push(call);
        await gate;
        await inner.record(call);
      },
      monthTotal: inner.monthTotal.bind(inner),
    },
  };
}

test('calls made while a write is in flight are merged into one write, and none is lost', async () => {
  const { store, writes, open } = gatedStore();
  const recorder = createUsageRecorder(store);
  for (let i = 0; i < 100; i++) recorder.observer(send());
  recorder.observer(send({ api: 'update' }));
  open();
  await recorder.flush();
  const month = await store.monthTotal('feishu', 'cli_a', '2026-12');
  assert.equal(month.byApi.send?.calls, 100);
  assert.equal(month.byApi.update?.calls, 1);
  assert.equal(month.calls, 101);
  // The first send is written alone, the 99 behind it in one merged write; the update has its own row.
  assert.deepEqual(
    writes.map((w) => [w.api, w.count]),
    [
      ['send', 1],
      ['update', 1],
      ['send', 99],
    ],
  );
});

test('different apps and months never share a write', async () => {
  const store = new MemoryUsageStore();
  const recorder = createUsageRecorder(store);
  recorder.observer(send());
  recorder.observer(send({ appId: 'cli_b' }));
  recorder.observer(send({ at: new Date('2027-01-01T10:00:00Z') }));
  await recorder.flush();
  assert.equal((await store.monthTotal('feishu', 'cli_a', '2026-12')).calls, 1);
  assert.equal((await store.monthTotal('feishu', 'cli_b', '2026-12')).calls, 1);
  assert.equal((await store.monthTotal('feishu', 'cli_a', '2027-01')).calls, 1);
});

test('a failed write is reported and later calls are still counted', async () => {
  const inner = new MemoryUsageStore();
  let fail = true;
  const errors: unknown[] = [];
  const recorder = createUsageRecorder(
    {
      record: (call) => (fail ? Promise.reject(new Error('database down')) : inner.record(call)),
      monthTotal: inner.monthTotal.bind(inner),
    },
    (err) => errors.push(err),
  );
  recorder.observer(send());
  await recorder.flush();
  fail = false;
  recorder.observer(send());
  await recorder.flush();
  assert.equal(errors.length, 1);
  assert.equal((await inner.monthTotal('feishu', 'cli_a', '2026-12')).calls, 1);
});
