import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEISHU_ERROR_TABLE, feishuError } from '../../src/channels/feishu/feishu.errors.js';

const fail = (httpStatus: number, code?: number, rateLimitReset?: string) =>
  feishuError({
    platform: 'Feishu',
    api: 'send',
    httpStatus,
    ...(code === undefined ? {} : { code }),
    ...(rateLimitReset ? { rateLimitReset } : {}),
  });

void describe('feishu error table', () => {
  const cases: [number, number | undefined, string, boolean][] = [
    [429, 99991400, 'RATE_LIMITED', true],
    [400, 230020, 'RATE_LIMITED', true],
    [429, 99991403, 'QUOTA_EXHAUSTED', false],
    [429, 99991406, 'QUOTA_EXHAUSTED', false],
    [200, 10014, 'AUTH_INVALID', false],
    [200, 10015, 'AUTH_INVALID', false],
    [200, 10003, 'AUTH_INVALID', false],
    [400, 99991543, 'AUTH_INVALID', false],
    [400, 99991672, 'AUTH_INVALID', false],
    [400, 99991673, 'AUTH_INVALID', false],
    [400, 99991662, 'AUTH_INVALID', false],
    [400, 99991663, 'TOKEN_EXPIRED', true],
    [400, 99991664, 'TOKEN_EXPIRED', true],
    [400, 99991671, 'TOKEN_EXPIRED', true],
    [400, 230013, 'RECIPIENT_UNREACHABLE', false],
    [400, 230029, 'RECIPIENT_UNREACHABLE', false],
    [400, 230053, 'RECIPIENT_UNREACHABLE', false],
    [400, 230034, 'RECIPIENT_UNREACHABLE', false],
    [400, 230001, 'INVALID_REQUEST', false],
    [400, 230025, 'INVALID_REQUEST', false],
    [400, 230099, 'INVALID_REQUEST', false],
    [400, 99992402, 'INVALID_REQUEST', false],
    [500, 2200, 'TRANSIENT', true],
    [502, undefined, 'TRANSIENT', true],
    [503, 123456, 'TRANSIENT', true],
    [429, undefined, 'RATE_LIMITED', true],
    [404, undefined, 'INVALID_REQUEST', false],
    [400, 999999, 'INVALID_REQUEST', false],
  ];
  for (const [status, code, expected, retryable] of cases) {
    void it(`HTTP ${status} code ${code ?? '-'} → ${expected}`, () => {
      const err = fail(status, code);
      assert.equal(err.code, expected);
      assert.equal(err.retryable, retryable);
      assert.equal(err.vendorCode, code ?? status);
    });
  }

  void it('takes retryAfterMs from x-ogw-ratelimit-reset seconds', () => {
    assert.equal(fail(429, 99991400, '52').retryAfterMs, 52_000);
    assert.equal(fail(400, 230020).retryAfterMs, 1000, 'per-user limits are per second');
    assert.equal(fail(400, 230013, '5').retryAfterMs, undefined);
  });

  void it('says what failed without anything but vendor code and text', () => {
    const err = feishuError({ platform: 'Lark', api: 'update', httpStatus: 400, code: 230001, msg: 'bad' });
    assert.equal(err.message, 'Lark update failed: code 230001 (HTTP 400): bad');
  });

  void it('has one entry per vendor code', () => {
    assert.ok(Object.keys(FEISHU_ERROR_TABLE).length > 30);
  });
});
