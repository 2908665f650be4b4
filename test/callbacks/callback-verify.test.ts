/** Pure pieces of the card callbacks: verification, parsing, the freshness window, answers, de-duplication. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { feishuEncrypt, feishuLegacyCardSignature, feishuSignature } from '../../src/channels/feishu/feishu.crypto.js';
import { signCallback } from '../../src/channels/dingtalk/dingtalk.sign.js';
import type { ApiError } from '../../src/api/common/api-error.js';
import { AnsweredEvents } from '../../src/api/callbacks/answered-events.js';
import { platformEventId } from '../../src/api/callbacks/card-click.js';
import { readDingtalkCallback } from '../../src/api/callbacks/dingtalk-callback.js';
import { readFeishuCallback, type FeishuHeaders } from '../../src/api/callbacks/feishu-callback.js';
import { CALLBACK_FRESHNESS_MS, isFresh, parseFeishuTimestamp } from '../../src/api/callbacks/freshness.js';

const NOW = Date.UTC(2026, 4, 1, 8, 30);
const SECRETS = { appId: 'cli_test', verificationToken: 'v-token', encryptKey: 'e-key' };
const PLAIN_SECRETS = { appId: 'cli_test', verificationToken: 'v-token' };
const VALUE = { t: 'T-1', tn: 'default', a: 'approve', n: 'nonce-1' };

function v2(overrides: { token?: string; createTime?: number; eventType?: string; appId?: string } = {}) {
  return JSON.stringify({
    schema: '2.0',
    header: {
      event_id: 'ev-1',
      token: overrides.token ?? 'v-token',
      create_time: String((overrides.createTime ?? NOW) * 1000),
      event_type: overrides.eventType ?? 'card.action.trigger',
      app_id: overrides.appId ?? 'cli_test',
    },
    event: { operator: { open_id: 'ou_bob' }, action: { value: VALUE, tag: 'button' } },
  });
}

/** What Feishu sends with an Encrypt Key: `{"encrypt"}`, signed over the raw bytes. */
function encrypted(plain: string, key = 'e-key', at = NOW): { raw: Buffer; headers: FeishuHeaders } {
  const body = JSON.stringify({ encrypt: feishuEncrypt(plain, key) });
  const timestamp = String(Math.floor(at / 1000));
  return {
    raw: Buffer.from(body),
    headers: { timestamp, nonce: 'n1', signature: feishuSignature(timestamp, 'n1', key, body) },
  };
}

function refusedWith(status: number, pattern: RegExp) {
  return (err: unknown) => {
    const e = err as ApiError;
    assert.equal(e.status, status, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('Feishu / Lark callback verification', () => {
  test('an encrypted, signed card.action.trigger yields the verified operator and the button value', () => {
    const { raw, headers } = encrypted(v2());
    assert.deepEqual(readFeishuCallback(raw, headers, SECRETS, NOW), {
      type: 'click',
      legacy: false,
      eventId: 'ev-1',
      openId: 'ou_bob',
      value: VALUE,
      // The signed header's time (whole seconds): when the platform sent the click.
      sentAt: Math.floor(NOW / 1000) * 1000,
    });
  });

  test('a plaintext card.action.trigger (no Encrypt Key) is checked by token and create_time', () => {
    const callback = readFeishuCallback(Buffer.from(v2()), {}, PLAIN_SECRETS, NOW);
    assert.equal(callback.type, 'click');
    assert.throws(
      () => readFeishuCallback(Buffer.from(v2({ token: 'other' })), {}, PLAIN_SECRETS, NOW),
      refusedWith(401, /Verification Token/),
    );
    const stale = v2({ createTime: NOW - CALLBACK_FRESHNESS_MS - 1000 });
    assert.throws(() => readFeishuCallback(Buffer.from(stale), {}, PLAIN_SECRETS, NOW), refusedWith(401, /freshness/));
    assert.throws(
      () => readFeishuCallback(Buffer.from(v2({ appId: 'cli_other' })), {}, PLAIN_SECRETS, NOW),
      refusedWith(401, /another app/),
    );
  });

  test('url_verification, plain and encrypted, needs the right token and answers the challenge', () => {
    const challenge = JSON.stringify({ challenge: 'abc', token: 'v-token', type: 'url_verification' });
    assert.deepEqual(readFeishuCallback(Buffer.from(challenge), {}, PLAIN_SECRETS, NOW), {
      type: 'challenge',
      challenge: 'abc',
    });
    // Encrypted and unsigned: decrypting with our key plus the token is the proof.
    const enc = Buffer.from(JSON.stringify({ encrypt: feishuEncrypt(challenge, 'e-key') }));
    assert.deepEqual(readFeishuCallback(enc, {}, SECRETS, NOW), { type: 'challenge', challenge: 'abc' });
    const wrong = JSON.stringify({ challenge: 'abc', token: 'guess', type: 'url_verification' });
    assert.throws(() => readFeishuCallback(Buffer.from(wrong), {}, PLAIN_SECRETS, NOW), refusedWith(401, /Token/));
  });

  test('signature, key and encryption mistakes are 401; broken bodies are 400', () => {
    const { raw, headers } = encrypted(v2());
    const badSig = { ...headers, signature: '0'.repeat(64) };
    assert.throws(() => readFeishuCallback(raw, badSig, SECRETS, NOW), refusedWith(401, /Signature/));
    const otherKey = encrypted(v2(), 'not-our-key');
    assert.throws(
      () => readFeishuCallback(otherKey.raw, otherKey.headers, SECRETS, NOW),
      refusedWith(401, /Signature/),
    );
    const unsigned = { raw, headers: {} };
    assert.throws(() => readFeishuCallback(unsigned.raw, unsigned.headers, SECRETS, NOW), refusedWith(401, /missing/));
    assert.throws(() => readFeishuCallback(Buffer.from(v2()), {}, SECRETS, NOW), refusedWith(401, /encrypted/));
    const old = encrypted(v2(), 'e-key', NOW - CALLBACK_FRESHNESS_MS - 1000);
    assert.throws(() => readFeishuCallback(old.raw, old.headers, SECRETS, NOW), refusedWith(401, /freshness/));
    assert.throws(() => readFeishuCallback(Buffer.from('{"a":'), {}, SECRETS, NOW), refusedWith(400, /JSON/));
    assert.throws(() => readFeishuCallback(Buffer.from('[1]'), {}, SECRETS, NOW), refusedWith(400, /JSON object/));
    assert.throws(() => readFeishuCallback(Buffer.from('{}'), {}, PLAIN_SECRETS, NOW), refusedWith(400, /schema 2.0/));
  });

  test('another event type is verified, then ignored', () => {
    const { raw, headers } = encrypted(v2({ eventType: 'im.message.receive_v1' }));
    assert.deepEqual(readFeishuCallback(raw, headers, SECRETS, NOW), { type: 'ignored' });
  });

  test('the legacy callback is verified with SHA-1 over the Verification Token; its event id is derived', () => {
    const body = JSON.stringify({
      open_id: 'ou_bob',
      open_message_id: 'om_1',
      token: 'c-123',
      action: { value: VALUE, tag: 'button' },
    });
    const timestamp = String(Math.floor(NOW / 1000));
    const headers = { timestamp, nonce: 'n', signature: feishuLegacyCardSignature(timestamp, 'n', 'v-token', body) };
    const callback = readFeishuCallback(Buffer.from(body), headers, SECRETS, NOW);
    assert.equal(callback.type, 'click');
    assert.ok(callback.type === 'click' && callback.legacy && callback.openId === 'ou_bob');
    assert.equal(callback.messageId, 'om_1', 'the clicked card, to match the answer to its delivery');
    const again = readFeishuCallback(Buffer.from(body), headers, SECRETS, NOW);
    assert.deepEqual(again, callback, 'the same click, the same event id');
    assert.throws(() => readFeishuCallback(Buffer.from(body), {}, SECRETS, NOW), refusedWith(401, /signed/));
  });
});

describe('request timestamps', () => {
  test('Unix seconds, milliseconds and Go time.String() are read; anything else is not', () => {
    assert.equal(parseFeishuTimestamp('1777624200'), 1777624200_000);
    assert.equal(parseFeishuTimestamp('1777624200123'), 1777624200123);
    assert.equal(
      parseFeishuTimestamp('2026-10-04 18:23:46.052290112 +0800 CST m=+3612.1'),
      Date.UTC(2026, 9, 4, 10, 23, 46),
    );
    assert.equal(parseFeishuTimestamp('yesterday'), undefined);
  });

  test('the window is five minutes either way', () => {
    assert.ok(isFresh(NOW - CALLBACK_FRESHNESS_MS, NOW));
    assert.ok(isFresh(NOW + CALLBACK_FRESHNESS_MS, NOW));
    assert.ok(!isFresh(NOW - CALLBACK_FRESHNESS_MS - 1, NOW));
    assert.ok(!isFresh(NOW + CALLBACK_FRESHNESS_MS + 1, NOW));
  });
});

describe('DingTalk callback verification', () => {
  const params = { action: 'reject', ticketId: 'T-1', tenant: 'default', nonce: 'nonce-1' };
  const content = JSON.stringify({ cardPrivateData: { actionIds: ['reject'], params } });
  const signed = (at = NOW) => ({ timestamp: String(at), signature: signCallback('api-secret', at) });

  test('content and value variants give the clicker, the params and one event id per (card, user, action)', () => {
    const body = Buffer.from(
      JSON.stringify({ type: 'actionCallback', outTrackId: 'ab-1', userId: 'carol01', content }),
    );
    const click = readDingtalkCallback(body, signed(), 'api-secret', NOW);
    assert.deepEqual(click, { eventId: 'ab-1|carol01|reject', userId: 'carol01', outTrackId: 'ab-1', params });
    const variant = Buffer.from(JSON.stringify({ outTrackId: 'ab-1', userId: 'carol01', value: content }));
    assert.deepEqual(readDingtalkCallback(variant, signed(), 'api-secret', NOW), click);
  });

  test('no apiSecret, no signature, a wrong one or a stale one: 401; a bad body: 400', () => {
    const body = Buffer.from(JSON.stringify({ outTrackId: 'ab-1', userId: 'u', content }));
    assert.throws(() => readDingtalkCallback(body, signed(), undefined, NOW), refusedWith(401, /apiSecret/));
    assert.throws(() => readDingtalkCallback(body, {}, 'api-secret', NOW), refusedWith(401, /missing/));
    const wrong = { timestamp: String(NOW), signature: signCallback('guess', NOW) };
    assert.throws(() => readDingtalkCallback(body, wrong, 'api-secret', NOW), refusedWith(401, /does not match/));
    const stale = signed(NOW - CALLBACK_FRESHNESS_MS - 1);
    assert.throws(() => readDingtalkCallback(body, stale, 'api-secret', NOW), refusedWith(401, /freshness/));
    assert.throws(
      () => readDingtalkCallback(Buffer.from('nope'), signed(), 'api-secret', NOW),
      refusedWith(400, /JSON/),
    );
    const noParams = Buffer.from(
      JSON.stringify({ outTrackId: 'ab-1', userId: 'u', content: '{"cardPrivateData":{}}' }),
    );
    assert.throws(() => readDingtalkCallback(noParams, signed(), 'api-secret', NOW), refusedWith(400, /parameters/));
  });
});

describe('event ids and answered events', () => {
  test('platform event ids are prefixed, and hashed when they would not fit', () => {
    assert.equal(platformEventId('feishu', 'f7984f25108f'), 'feishu:f7984f25108f');
    assert.match(platformEventId('dingtalk', 'ab-1|carol01|reject'), /^dingtalk:h-[0-9a-f]{32}$/);
    assert.equal(platformEventId('dingtalk', 'ab-1|u|reject'), platformEventId('dingtalk', 'ab-1|u|reject'));
    assert.ok(platformEventId('lark', 'x'.repeat(300)).length <= 128);
  });

  test('answers are kept for the TTL and the oldest go first', () => {
    const cache = new AnsweredEvents<string>(1000, 2);
    cache.set('a', 'A', 0);
    assert.equal(cache.get('a', 999), 'A');
    assert.equal(cache.get('a', 1000), undefined);
    cache.set('a', 'A', 0);
    cache.set('b', 'B', 0);
    cache.set('c', 'C', 0);
    assert.equal(cache.get('a', 1), undefined);
    assert.equal(cache.get('c', 1), 'C');
  });
});
