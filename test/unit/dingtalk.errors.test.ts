import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  effectiveOapiCode,
  httpError,
  oapiError,
  transportError,
} from '../../src/channels/dingtalk/dingtalk.errors.js';

void describe('dingtalk error table', () => {
  void it('reads errcode 88 sub_code, or the subcode inside errmsg', () => {
    const wrapped = {
      errcode: 88,
      sub_code: '40014',
      sub_msg: '不合法的access_token',
      errmsg: 'ding talk error[subcode=40014,submsg=不合法的access_token]',
    };
    assert.equal(effectiveOapiCode(wrapped), '40014');
    assert.equal(oapiError(wrapped).code, 'TOKEN_EXPIRED');
    const onlyMsg = {
      errcode: 88,
      errmsg: 'ding talk error[subcode=90002,submsg=您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了]',
    };
    assert.equal(effectiveOapiCode(onlyMsg), '90002');
    const throttled = oapiError(onlyMsg);
    assert.equal(throttled.code, 'RATE_LIMITED');
    assert.equal(throttled.retryAfterMs, 1000);
    assert.equal(effectiveOapiCode({ errcode: 88, errmsg: '鉴权异常' }), '88');
    assert.equal(oapiError({ errcode: 88, sub_code: 60011, errmsg: 'x' }).code, 'AUTH_INVALID');
  });

  void it('maps old-API errcodes', () => {
    const cases: [number, string][] = [
      [90018, 'RATE_LIMITED'],
      [90002, 'RATE_LIMITED'],
      [90006, 'RATE_LIMITED'],
      [90020, 'QUOTA_EXHAUSTED'],
      [40096, 'AUTH_INVALID'],
      [40089, 'AUTH_INVALID'],
      [60011, 'AUTH_INVALID'],
      [60020, 'AUTH_INVALID'],
      [40014, 'TOKEN_EXPIRED'],
      [42001, 'TOKEN_EXPIRED'],
      [41001, 'TOKEN_EXPIRED'],
      [60121, 'RECIPIENT_UNREACHABLE'],
      [40104, 'RECIPIENT_UNREACHABLE'],
      [-1, 'TRANSIENT'],
      [400002, 'INVALID_REQUEST'],
      [12345, 'INVALID_REQUEST'],
    ];
    for (const [errcode, code] of cases) {
      const err = oapiError({ errcode, errmsg: 'x' });
      assert.equal(err.code, code, String(errcode));
      assert.equal(err.vendorCode, String(errcode));
    }
  });

  void it('maps new-API HTTP errors', () => {
    const cases: [number, string, string][] = [
      [403, 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', 'RATE_LIMITED'],
      [403, 'Forbidden.AccessDenied.QpsLimitForApi', 'RATE_LIMITED'],
      [429, 'system.busy', 'RATE_LIMITED'],
      [500, 'system.busy', 'TRANSIENT'],
      [400, 'request.too.fast', 'RATE_LIMITED'],
      [400, 'send.too.fast', 'RATE_LIMITED'],
      [403, 'Forbidden.AccessDenied.ApiCountLimitForOrg', 'QUOTA_EXHAUSTED'],
      [400, 'invalidClientIdOrSecret', 'AUTH_INVALID'],
      [403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied', 'AUTH_INVALID'],
      [403, 'Forbidden.AccessDenied.IpNotInWhiteList', 'AUTH_INVALID'],
      [400, 'InvalidAuthentication', 'TOKEN_EXPIRED'],
      [401, '-', 'TOKEN_EXPIRED'],
      [400, 'param.userIdNotExist', 'RECIPIENT_UNREACHABLE'],
      [400, 'param.openSpaceIdInvalid', 'INVALID_REQUEST'],
      [400, 'param.cardAlreadyExist', 'INVALID_REQUEST'],
      [502, 'BadGateway', 'TRANSIENT'],
      [400, 'something.else', 'INVALID_REQUEST'],
    ];
    for (const [status, vendor, code] of cases) {
      const err = httpError(status, { code: vendor, message: 'm', requestid: 'r' });
      assert.equal(err.code, code, `${status} ${vendor}`);
      assert.equal(err.vendorCode, vendor);
      assert.equal(
        err.retryable,
        !['QUOTA_EXHAUSTED', 'AUTH_INVALID', 'RECIPIENT_UNREACHABLE', 'INVALID_REQUEST'].includes(code),
      );
    }
    assert.equal(httpError(403, { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi' }).retryAfterMs, 1000);
    assert.equal(httpError(403, { code: 'Forbidden.AccessDenied.QpmLimitForAppkeyAndApi' }).retryAfterMs, 60_000);
  });

  void it('handles bodies that are not the usual shape', () => {
    assert.equal(httpError(503, '<html>busy</html>').code, 'TRANSIENT');
    const ban = httpError(403, { status: 1111, wait: 5, source: 'x5', punish: 'deny' });
    assert.equal(ban.code, 'RATE_LIMITED');
    assert.equal(ban.retryAfterMs, 5 * 60_000);
    assert.equal(httpError(200, { errcode: 90018, errmsg: 'x' }).code, 'RATE_LIMITED');
    const net = transportError(Object.assign(new Error('boom'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), '/v1.0/x');
    assert.equal(net.code, 'TRANSIENT');
    assert.equal(net.vendorCode, 'UND_ERR_CONNECT_TIMEOUT');
  });
});
