/** The operator endpoints' own rules, on the real Nest app (no Temporal needed: none of these calls it). */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApi } from '../../src/api/main.js';
import { loadEnv } from '../../src/config/env.js';

const ADMIN = 'ops-admin-token-0123456789abcdef';
const METRICS = 'ops-metrics-token-0123456789abcdef';

describe('operator endpoints', () => {
  let app: NestExpressApplication;
  let base: string;
  const get = (path: string, token?: string) =>
    fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  before(async () => {
    const env = loadEnv({
      ADMIN_TOKEN: ADMIN,
      METRICS_TOKEN: METRICS,
      DATABASE_URL: `memory://ops-${randomUUID()}`,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    app = await createApi({ env, logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  after(async () => {
    await app?.close();
  });

  test('GET /metrics wants METRICS_TOKEN when it is set (not an API token)', async () => {
    assert.equal((await get('/metrics')).status, 401);
    assert.equal((await get('/metrics', ADMIN)).status, 401);
    const scraped = await get('/metrics', METRICS);
    assert.equal(scraped.status, 200);
    assert.match(scraped.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await scraped.text(), /^# TYPE approvals_decisions_total counter$/m);
  });

  test('the codec endpoint answers 404 while the codec is off, after authentication', async () => {
    const decode = (token?: string) =>
      fetch(`${base}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ payloads: [] }),
      });
    assert.equal((await decode()).status, 401);
    const off = await decode(ADMIN);
    assert.equal(off.status, 404);
    assert.match(((await off.json()) as { error: { message: string } }).error.message, /PAYLOAD_CODEC_KEY/);
  });

  test('/codec/login is a page; a bad token gets no session', async () => {
    const page = await get('/codec/login');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const session = await fetch(`${base}/codec/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=nope',
    });
    assert.equal(session.status, 401);
    assert.equal(session.headers.get('set-cookie'), null);
  });
});
