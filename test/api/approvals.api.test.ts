/**
 * The HTTP surface over a real Temporal dev server, without a worker: auth, validation, error shapes, docs.
 * Nothing here needs the workflow to run (flows with a worker are in approvals.flow.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { approvalWorkflowId } from '../../src/domain/approval.js';
import { loadEnv } from '../../src/config/env.js';
import { createApi } from '../../src/api/main.js';
import { startApi, TEST_ADMIN_TOKEN } from '../support/api-harness.js';
import type { ApiHarness, ApiResponse } from '../support/api-harness.js';
import { startDevServer } from '../support/environments.js';

let env: TestWorkflowEnvironment;
let api: ApiHarness;
const tokens: Record<string, string> = {};

before(async () => {
  env = await startDevServer();
  // Short bounds: with no worker in this file, queries and updates of running approvals time out by design.
  api = await startApi(env, { timeouts: { rpcTimeoutMs: 2000, decisionTimeoutMs: 1000 } });
  for (const role of ['ticket-system', 'approver', 'dba']) tokens[role] = await api.tokenFor(role, `${role}-user`);
});

after(async () => {
  await api?.close();
  await env?.teardown();
});

interface JsonSchema {
  required?: string[];
  properties?: Record<string, unknown>;
}

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[]; errorId?: string };
}

function errorOf(res: ApiResponse): ErrorBody['error'] {
  const body = res.body as ErrorBody | undefined;
  assert.ok(body?.error, `expected an error body, got ${res.status} ${res.text}`);
  assert.equal(typeof body.error.code, 'string');
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

function assertError(res: ApiResponse, status: number, code: string): ErrorBody['error'] {
  assert.equal(res.status, status, res.text);
  const error = errorOf(res);
  assert.equal(error.code, code, res.text);
  return error;
}

async function assertNoWorkflow(tenant: string, ticketId: string): Promise<void> {
  await assert.rejects(
    env.client.workflow.getHandle(approvalWorkflowId(tenant, ticketId)).describe(),
    WorkflowNotFoundError,
  );
}

const validStart = {
  ticketId: 'T-1000',
  ticketType: 'ticket.data_export',
  title: 'Export orders table',
  requester: { userId: 'alice' },
};

/** Every endpoint, with a valid body, and the roles that may not call it. */
const endpoints: { method: string; path: string; json?: unknown; forbidden: string[] }[] = [
  { method: 'POST', path: '/v1/approvals', json: validStart, forbidden: ['approver', 'dba'] },
  // Every role may read an approval: there is no role to get a 403 with.
  { method: 'GET', path: '/v1/approvals/T-404', forbidden: [] },
  {
    method: 'POST',
    path: '/v1/approvals/T-404/decisions',
    json: { decision: 'approve' },
    forbidden: ['ticket-system', 'dba'],
  },
  { method: 'POST', path: '/v1/approvals/T-404/withdraw', json: {}, forbidden: ['approver', 'dba'] },
  {
    method: 'POST',
    path: '/v1/tokens',
    json: { role: 'approver', userId: 'x' },
    forbidden: ['ticket-system', 'approver', 'dba'],
  },
];

void describe('auth', () => {
  for (const endpoint of endpoints) {
    const name = `${endpoint.method} ${endpoint.path}`;
    const json = endpoint.json !== undefined ? { json: endpoint.json } : {};

    void test(`${name}: 401 without a token`, async () => {
      const res = await api.request(endpoint.method, endpoint.path, json);
      assertError(res, 401, 'UNAUTHENTICATED');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    });

    void test(`${name}: 401 with an unknown token or another scheme`, async () => {
      assertError(
        await api.request(endpoint.method, endpoint.path, { ...json, token: 'not-a-token' }),
        401,
        'UNAUTHENTICATED',
      );
      const basic = { ...json, headers: { authorization: `Basic ${TEST_ADMIN_TOKEN}` } };
      assertError(await api.request(endpoint.method, endpoint.path, basic), 401, 'UNAUTHENTICATED');
    });

    for (const role of endpoint.forbidden) {
      void test(`${name}: 403 for role ${role}`, async () => {
        const res = await api.request(endpoint.method, endpoint.path, { ...json, token: tokens[role] });
        assertError(res, 403, 'FORBIDDEN');
      });
    }
  }

  void test('POST /v1/tokens mints a working token once, bound to role and user', async () => {
    const res = await api.request('POST', '/v1/tokens', {
      token: TEST_ADMIN_TOKEN,
      json: { role: 'dba', userId: 'dora', label: 'oncall' },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const created = res.body as { token: string; role: string; userId: string; label: string; tokenId: string };
    assert.match(created.token, /^abt_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([created.role, created.userId, created.label], ['dba', 'dora', 'oncall']);
    // dba may read (404 here, past the guard) but not start.
    assertError(await api.request('GET', '/v1/approvals/T-404', { token: created.token }), 404, 'APPROVAL_NOT_FOUND');
    assertError(
      await api.request('POST', '/v1/approvals', { token: created.token, json: validStart }),
      403,
      'FORBIDDEN',
    );
  });
});

void describe('validation', () => {
  void test('POST /v1/approvals: 400 naming each bad field, and nothing is started', async () => {
    const res = await api.request('POST', '/v1/approvals', {
      token: tokens['ticket-system'],
      json: { tenant: 'Bad Tenant', ticketId: 'bad id!', ticketType: 'X', requester: {}, fields: [{ label: '' }] },
    });
    const error = assertError(res, 400, 'VALIDATION_FAILED');
    const paths = (error.details ?? []).map((d) => d.path);
    for (const path of [
      'tenant',
      'ticketId',
      'ticketType',
      'title',
      'requester.userId',
      'fields.0.label',
      'fields.0.value',
    ]) {
      assert.ok(paths.includes(path), `${path} not named in ${JSON.stringify(paths)}`);
    }
    assert.ok(error.details?.every((d) => d.message.length > 0));
    await assertNoWorkflow('Bad Tenant', 'bad id!');
  });

  void test('POST /v1/approvals: one bad field fails the whole request, nothing is started', async () => {
    const res = await api.request('POST', '/v1/approvals', {
      token: tokens['ticket-system'],
      json: { ...validStart, ticketId: 'T-2000', detailsUrl: 'javascript:alert(1)' },
    });
    const error = assertError(res, 400, 'VALIDATION_FAILED');
    assert.deepEqual(
      error.details?.map((d) => d.path),
      ['detailsUrl'],
    );
    await assertNoWorkflow('default', 'T-2000');
  });

  void test('POST /v1/approvals: a policy override is validated with its own rules', async () => {
    const res = await api.request('POST', '/v1/approvals', {
      token: tokens['ticket-system'],
      json: { ...validStart, ticketId: 'T-2001', policy: { mode: 'quorum', levels: [{}], deadlineMs: 1000 } },
    });
    const error = assertError(res, 400, 'VALIDATION_FAILED');
    assert.ok(
      error.details?.some((d) => d.path === 'policy.quorum'),
      res.text,
    );
    await assertNoWorkflow('default', 'T-2001');
  });

  void test('a missing body names the body', async () => {
    const res = await api.request('POST', '/v1/approvals', { token: tokens['ticket-system'] });
    const error = assertError(res, 400, 'VALIDATION_FAILED');
    assert.deepEqual(
      error.details?.map((d) => d.path),
      ['body'],
    );
  });

  void test('path and query parameters are validated and named', async () => {
    const badId = await api.request('GET', `/v1/approvals/${encodeURIComponent('bad id!')}`, {
      token: TEST_ADMIN_TOKEN,
    });
    assert.deepEqual(
      assertError(badId, 400, 'VALIDATION_FAILED').details?.map((d) => d.path),
      ['ticketId'],
    );
    const badTenant = await api.request('GET', '/v1/approvals/T-1?tenant=NOPE', { token: TEST_ADMIN_TOKEN });
    assert.deepEqual(
      assertError(badTenant, 400, 'VALIDATION_FAILED').details?.map((d) => d.path),
      ['tenant'],
    );
  });

  void test('POST decisions: 400 naming decision, comment and eventId', async () => {
    const res = await api.request('POST', '/v1/approvals/T-1/decisions', {
      token: tokens.approver,
      json: { decision: 'maybe', comment: 'x'.repeat(1001), eventId: '' },
    });
    const paths = assertError(res, 400, 'VALIDATION_FAILED').details?.map((d) => d.path);
    assert.deepEqual(paths?.sort(), ['comment', 'decision', 'eventId']);
  });

  void test('POST withdraw: 400 naming reason', async () => {
    const res = await api.request('POST', '/v1/approvals/T-1/withdraw', {
      token: tokens['ticket-system'],
      json: { reason: 42 },
    });
    assert.deepEqual(
      assertError(res, 400, 'VALIDATION_FAILED').details?.map((d) => d.path),
      ['reason'],
    );
  });

  void test('POST /v1/tokens: 400 naming role and userId', async () => {
    const res = await api.request('POST', '/v1/tokens', {
      token: TEST_ADMIN_TOKEN,
      json: { role: 'root', userId: '' },
    });
    assert.deepEqual(
      assertError(res, 400, 'VALIDATION_FAILED')
        .details?.map((d) => d.path)
        .sort(),
      ['role', 'userId'],
    );
  });

  void test('malformed JSON: 400 MALFORMED_JSON', async () => {
    const res = await api.request('POST', '/v1/approvals', {
      token: tokens['ticket-system'],
      raw: '{"ticketId": "T-1",',
    });
    assertError(res, 400, 'MALFORMED_JSON');
  });

  void test('a body over 1 MB: 413 PAYLOAD_TOO_LARGE', async () => {
    const raw = JSON.stringify({ ...validStart, title: 'x'.repeat(1_100_000) });
    const res = await api.request('POST', '/v1/approvals', { token: tokens['ticket-system'], raw });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
  });
});

void describe('errors and routing', () => {
  void test('unknown ticket: 404 APPROVAL_NOT_FOUND on read, decide and withdraw', async () => {
    assertError(
      await api.request('GET', '/v1/approvals/T-404?tenant=acme', { token: tokens.dba }),
      404,
      'APPROVAL_NOT_FOUND',
    );
    const decide = await api.request('POST', '/v1/approvals/T-404/decisions', {
      token: tokens.approver,
      json: { decision: 'approve' },
    });
    assertError(decide, 404, 'APPROVAL_NOT_FOUND');
    const withdraw = await api.request('POST', '/v1/approvals/T-404/withdraw', {
      token: tokens['ticket-system'],
      json: {},
    });
    assertError(withdraw, 404, 'APPROVAL_NOT_FOUND');
  });

  void test('unknown route: 404 in the same error shape', async () => {
    assertError(await api.request('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
    assertError(await api.request('DELETE', '/v1/approvals', { token: TEST_ADMIN_TOKEN }), 404, 'NOT_FOUND');
  });

  void test('GET /health: Temporal up', async () => {
    const res = await api.request('GET', '/health');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body,
      { status: 'ok', temporal: 'up', callbackConnections: {} },
      'no channel is in stream mode',
    );
  });
});

void describe('without a worker', () => {
  void test('start is idempotent: 201, then 200 with the same run', async () => {
    const first = await api.request('POST', '/v1/approvals', { token: tokens['ticket-system'], json: validStart });
    assert.equal(first.status, 201, first.text);
    const again = await api.request('POST', '/v1/approvals', { token: tokens['ticket-system'], json: validStart });
    assert.equal(again.status, 200, again.text);
    assert.equal((again.body as { runId: string }).runId, (first.body as { runId: string }).runId);
    assert.equal((again.body as { status: string }).status, 'pending');
  });

  void test('reading a running approval nobody works on: 503 naming the missing worker', async () => {
    const res = await api.request('GET', '/v1/approvals/T-1000', { token: tokens.dba });
    assert.match(assertError(res, 503, 'TEMPORAL_UNAVAILABLE').message, /worker/);
  });

  void test('a decision nobody can answer in time is stored durably: 202 received', async () => {
    const res = await api.request('POST', '/v1/approvals/T-1000/decisions', {
      token: tokens.approver,
      json: { decision: 'approve', eventId: 'evt-1' },
    });
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body, { outcome: 'received', status: 'pending', eventId: 'api:approver-user:evt-1' });
  });
});

void describe('docs', () => {
  void test('GET /docs/openapi.json describes every endpoint, bearer auth and the error shape', async () => {
    const res = await api.request('GET', '/docs/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, JsonSchema> };
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/health',
      '/v1/approvals',
      '/v1/approvals/{ticketId}',
      '/v1/approvals/{ticketId}/decisions',
      '/v1/approvals/{ticketId}/withdraw',
      '/v1/channels',
      '/v1/channels/{kind}',
      '/v1/channels/{kind}/disable',
      '/v1/channels/{kind}/enable',
      '/v1/channels/{kind}/test',
      '/v1/event-states',
      '/v1/event-states/{state}',
      '/v1/events',
      '/v1/events/{eventId}',
      '/v1/me/notices',
      '/v1/rules',
      '/v1/rules/dry-run',
      '/v1/rules/{id}',
      '/v1/rules/{id}/versions/{version}',
      '/v1/secrets/rotate',
      '/v1/tenants/{tenant}/settings',
      '/v1/tokens',
      '/v1/users',
      '/v1/users/{id}',
      '/v1/users/{id}/notices',
    ]);
    assert.ok(doc.paths['/v1/approvals']?.post?.responses['201']);
    assert.equal(doc.components.securitySchemes.bearer?.scheme, 'bearer');
    const start = doc.components.schemas.StartApprovalRequest;
    assert.deepEqual([...(start?.required ?? [])].sort(), ['requester', 'ticketId', 'ticketType', 'title']);
    assert.ok(start?.properties?.policy, 'the policy override is documented');
    assert.ok(doc.components.schemas.ErrorResponse?.properties?.error);
  });

  void test('GET /docs serves Swagger UI, with its assets from the local package', async () => {
    const html = await api.request('GET', '/docs');
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(html.text, /swagger-ui/);
    assert.doesNotMatch(html.text, /https?:\/\/(?!www\.w3\.org)/, 'no asset from another host');
    const bundle = await api.request('GET', '/docs/swagger-ui-bundle.js');
    assert.equal(bundle.status, 200);
    const init = await api.request('GET', '/docs/swagger-ui-init.js');
    assert.equal(init.status, 200);
    assert.match(init.text, /v1\/approvals/);
  });
});

void describe('Temporal unreachable', () => {
  void test('/health says down (503) and approvals answer 503 TEMPORAL_UNAVAILABLE', async () => {
    // Nothing listens on port 1; lazy, so the API still boots.
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const app = await createApi({
      env: loadEnv({ ADMIN_TOKEN: TEST_ADMIN_TOKEN }),
      temporalClient: new Client({ connection }),
      timeouts: { rpcTimeoutMs: 500, decisionTimeoutMs: 500 },
      logger: false,
    });
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as { port: number };
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 503);
      assert.deepEqual(await health.json(), { status: 'degraded', temporal: 'down', callbackConnections: {} });
      const read = await fetch(`http://127.0.0.1:${port}/v1/approvals/T-1`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      assert.equal(read.status, 503);
      const body = (await read.json()) as ErrorBody;
      assert.equal(body.error.code, 'TEMPORAL_UNAVAILABLE');
      assert.doesNotMatch(JSON.stringify(body), /127\.0\.0\.1|stack/i);
    } finally {
      await app.close();
      await connection.close();
    }
  });
});

void describe('secrets', () => {
  void test('the admin token never appears in any response', () => {
    assert.ok(api.transcript.length > 30);
    for (const text of api.transcript) assert.ok(!text.includes(TEST_ADMIN_TOKEN), 'admin token leaked');
  });
});
