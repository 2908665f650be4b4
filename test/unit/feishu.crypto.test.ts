import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  feishuDecrypt,
  feishuEncrypt,
  feishuLegacyCardSignature,
  feishuSignature,
  signatureMatches,
} from '../../src/channels/feishu/feishu.crypto.js';

void describe('feishu crypto', () => {
  void it('decrypts the official test vector', () => {
    assert.equal(feishuDecrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key'), 'hello world');
  });

  void it('encrypts so that the official algorithm decrypts it (fixed IV known answer)', () => {
    const iv = Buffer.alloc(16, 7);
    const encrypted = feishuEncrypt('hello world', 'test key', iv);
    assert.equal(encrypted, 'BwcHBwcHBwcHBwcHBwcHBxNjLdtVabrSPf2VXPEnR0A=');
    assert.equal(feishuDecrypt(encrypted, 'test key'), 'hello world');
  });

  void it('round-trips JSON with a random IV and fails with the wrong key', () => {
    const plain = JSON.stringify({ schema: '2.0', event: { text: '审批 ✓' } });
    const encrypted = feishuEncrypt(plain, 'k1');
    assert.notEqual(feishuEncrypt(plain, 'k1'), encrypted, 'random IV per message');
    assert.equal(feishuDecrypt(encrypted, 'k1'), plain);
    assert.throws(() => feishuDecrypt(encrypted, 'k2'));
    assert.throws(() => feishuDecrypt('c2hvcnQ=', 'k1'), /too short/);
  });

  void it('signs hex(sha256(timestamp + nonce + key + raw body)) — known answer', () => {
    // Expected value computed independently: printf '%s' '1700000000nonce-1encrypt-key{"encrypt":"abc"}' | sha256sum
    const expected = 'dfc62025280de93ff74acd4a6cc940a039086b19a25c7832cf21138fb89826ff';
    assert.equal(feishuSignature('1700000000', 'nonce-1', 'encrypt-key', '{"encrypt":"abc"}'), expected);
    assert.equal(feishuSignature('1700000000', 'nonce-1', 'encrypt-key', Buffer.from('{"encrypt":"abc"}')), expected);
  });

  void it('signs legacy card callbacks with sha1 and the verification token — known answer', () => {
    // printf '%s' '1700000000nonce-1verify-token{"a":1}' | sha1sum
    const expected = '34e82bdcdd989d7000e7d70db6cab682d14a8b9d';
    assert.equal(feishuLegacyCardSignature('1700000000', 'nonce-1', 'verify-token', '{"a":1}'), expected);
  });

  void it('compares signatures in constant time and case-insensitively', () => {
    const sig = feishuSignature('1', '2', '3', 'body');
    assert.ok(signatureMatches(sig, sig.toUpperCase()));
    assert.ok(!signatureMatches(sig, undefined));
    assert.ok(!signatureMatches(sig, sig.slice(1)));
    assert.ok(!signatureMatches(sig, feishuSignature('1', '2', '3', 'body ')));
  });
});
