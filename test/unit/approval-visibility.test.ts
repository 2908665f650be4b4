import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PENDING_APPROVERS_BYTES, searchable } from '../../src/workflows/approval-visibility.js';

test('PendingApprovers keeps the first approvers that fit the server’s 2 KB value limit', () => {
  const ids = Array.from({ length: 500 }, (_, i) => `approver-${String(i).padStart(4, '0')}`);
  const kept = searchable(ids);
  assert.ok(kept.length > 50 && kept.length < 500, `${kept.length} kept`);
  assert.deepEqual(kept, ids.slice(0, kept.length), 'a prefix, in order');
  assert.ok(Buffer.byteLength(JSON.stringify(kept)) <= MAX_PENDING_APPROVERS_BYTES);
  assert.ok(Buffer.byteLength(JSON.stringify(ids.slice(0, kept.length + 1))) > MAX_PENDING_APPROVERS_BYTES - 3);
});

test('short lists are kept whole; multi-byte ids are measured in bytes', () => {
  assert.deepEqual(searchable(['alice', 'bob']), ['alice', 'bob']);
  const wide = Array.from({ length: 200 }, (_, i) => `审批人${i}`);
  assert.ok(Buffer.byteLength(JSON.stringify(searchable(wide))) <= MAX_PENDING_APPROVERS_BYTES);
});
