import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCardCallback } from '../../src/channels/dingtalk/dingtalk.callback.js';
import {
  DEFAULT_FRESHNESS_MS,
  signCallback,
  verifyCallbackSignature,
} from '../../src/channels/dingtalk/dingtalk.sign.js';

// Vectors computed independently: printf '<ts>' | openssl dgst -sha256 -hmac '<secret>' -binary | base64
const VECTORS = [
  { secret: 'mySecret', ts: '1700000000000', sig: 't3jqwt0WBVsvNpgD+ncljxce56XsNOeEYafngX/BHjc=' },
  { secret: 'ACTION', ts: '1724749200123', sig: 'CLJYPIKg8e06pDJFNaor3/3Tsps2DVNrZXvAQo9NzJY=' },
];

void describe('dingtalk callback signature', () => {
  void it('matches the known answers (Base64 HMAC-SHA256 of the ms timestamp)', () => {
    for (const v of VECTORS) {
      assert.equal(signCallback(v.secret, v.ts), v.sig);
      assert.equal(signCallback(v.secret, Number(v.ts)), v.sig);
    }
  });

  void it('verifies a fresh signature and rejects a wrong one', () => {
    const [v] = VECTORS;
    assert.ok(v);
    const now = Number(v.ts) + 1_000;
    assert.deepEqual(verifyCallbackSignature({ apiSecret: v.secret, timestamp: v.ts, signature: v.sig, now }), {
      ok: true,
    });
    const wrongSecret = verifyCallbackSignature({ apiSecret: 'other', timestamp: v.ts, signature: v.sig, now });
    assert.deepEqual(wrongSecret, { ok: false, reason: 'mismatch' });
    const shifted = verifyCallbackSignature({
      apiSecret: v.secret,
      timestamp: String(Number(v.ts) + 1),
      signature: v.sig,
      now,
    });
    assert.deepEqual(shifted, { ok: false, reason: 'mismatch' });
  });

  void it('enforces the freshness window both ways with the injected clock', () => {
    const ts = 1_700_000_000_000;
    const sig = signCallback('s3cret', ts);
    const check = (now: number, windowMs?: number) =>
      verifyCallbackSignature({
        apiSecret: 's3cret',
        timestamp: String(ts),
        signature: sig,
        now,
        ...(windowMs ? { windowMs } : {}),
      });
    assert.equal(check(ts + DEFAULT_FRESHNESS_MS).ok, true);
    assert.deepEqual(check(ts + DEFAULT_FRESHNESS_MS + 1), { ok: false, reason: 'stale' });
    assert.deepEqual(check(ts - DEFAULT_FRESHNESS_MS - 1), { ok: false, reason: 'stale' });
    assert.equal(check(ts + 50_000, 60_000).ok, true);
    assert.deepEqual(check(ts + 70_000, 60_000), { ok: false, reason: 'stale' });
  });

  void it('rejects missing and malformed headers', () => {
    const base = { apiSecret: 's', now: 0 };
    assert.deepEqual(verifyCallbackSignature({ ...base, timestamp: undefined, signature: 'x' }), {
      ok: false,
      reason: 'missing',
    });
    assert.deepEqual(verifyCallbackSignature({ ...base, timestamp: '1', signature: undefined }), {
      ok: false,
      reason: 'missing',
    });
    assert.deepEqual(verifyCallbackSignature({ ...base, timestamp: '12abc', signature: 'x' }), {
      ok: false,
      reason: 'malformed',
    });
  });
});

void describe('dingtalk callback body', () => {
  const inner = JSON.stringify({
    cardPrivateData: {
      actionIds: ['approve'],
      params: { action: 'approve', ticketId: 'T-1', tenant: 'acme', nonce: 'n1' },
    },
  });

  void it('parses the documented `content` variant', () => {
    const parsed = parseCardCallback({
      type: 'actionCallback',
      outTrackId: 'ab-1',
      corpId: 'dingcorp',
      userId: 'u1',
      content: inner,
    });
    assert.deepEqual(parsed, {
      outTrackId: 'ab-1',
      corpId: 'dingcorp',
      userId: 'u1',
      actionIds: ['approve'],
      params: { action: 'approve', ticketId: 'T-1', tenant: 'acme', nonce: 'n1' },
    });
  });

  void it('parses the tutorial `value` variant', () => {
    const parsed = parseCardCallback({ outTrackId: 'ab-1', corpId: 'dingcorp', userId: 'u1', value: inner });
    assert.equal(parsed?.params.action, 'approve');
  });

  void it('rejects bodies without a readable payload', () => {
    assert.equal(parseCardCallback({ outTrackId: 'ab-1', userId: 'u1' }), undefined);
    assert.equal(parseCardCallback({ outTrackId: 'ab-1', userId: 'u1', content: '{not json' }), undefined);
    assert.equal(parseCardCallback('nope'), undefined);
  });
});
