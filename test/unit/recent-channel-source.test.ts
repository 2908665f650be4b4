import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChannelConfigSource, StoredChannel } from '../../src/channels/registry.js';
import { recentChannelSource } from '../../src/db/db-ports.js';

function countingSource(version: () => string, fail = () => false) {
  const source = {
    loads: 0,
    load(kind: StoredChannel['kind']): Promise<StoredChannel | undefined> {
      source.loads += 1;
      if (fail()) return Promise.reject(new Error('database down'));
      return Promise.resolve({ kind, enabled: true, config: {}, version: version() });
    },
  } satisfies ChannelConfigSource & { loads: number };
  return source;
}

test('a burst of loads reads the channel once; after the reuse time a changed config is seen', async () => {
  let t = 0;
  let version = '1';
  const inner = countingSource(() => version);
  const source = recentChannelSource(inner, 2_000, () => t);
  const burst = await Promise.all(Array.from({ length: 500 }, () => source.load('feishu')));
  assert.equal(inner.loads, 1);
  assert.ok(burst.every((c) => c?.version === '1'));
  version = '2';
  t = 1_999;
  assert.equal((await source.load('feishu'))?.version, '1');
  t = 2_000;
  assert.equal((await source.load('feishu'))?.version, '2');
  assert.equal(inner.loads, 2);
});

test('kinds are kept apart and a failed load is retried at once, not reused', async () => {
  let down = true;
  const inner = countingSource(
    () => '1',
    () => down,
  );
  const source = recentChannelSource(inner, 2_000, () => 0);
  await assert.rejects(source.load('lark'), /database down/);
  down = false;
  assert.equal((await source.load('lark'))?.kind, 'lark');
  assert.equal((await source.load('dingtalk'))?.kind, 'dingtalk');
  assert.equal(inner.loads, 3);
});
