/** Pure parts of the API, no server: start options, links, error mapping, validation, tokens, the OpenAPI doc. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplicationFailure, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { StartApprovalRequest } from '../../src/domain/approval.js';
import { approvalLinks, decisionRejected } from '../../src/api/approvals/approval-views.js';
import {
  approvalDetails,
  approvalSummary,
  humanTicketType,
  startOptions,
} from '../../src/api/approvals/start-options.js';
import { inMemoryTokenPersistence, TokenStore } from '../../src/api/auth/token-store.js';
import { ApiError } from '../../src/api/common/api-error.js';
import { isTemporalUnavailable } from '../../src/api/common/temporal-errors.js';
import { ZodValidationPipe } from '../../src/api/common/zod-validation.pipe.js';
import { buildOpenApiDocument } from '../../src/api/docs/openapi.js';

const request = StartApprovalRequest.parse({
  ticketId: '123',
  ticketType: 'ticket.data_export',
  title: 'Export\norders',
  requester: { userId: 'alice' },
  fields: [{ label: 'Rows', value: '1 000' }],
  detailsUrl: 'https://tickets.example.com/123',
});

void describe('start options', () => {
  void test('summary reads "Data export #123 by alice"; details list the key fields', () => {
    assert.equal(humanTicketType('ticket.data_export'), 'Data export');
    assert.equal(humanTicketType('db-change'), 'Db change');
    assert.equal(approvalSummary(request), 'Data export #123 by alice');
    const details = approvalDetails(request);
    assert.match(details, /^\*\*Export orders\*\*/);
    assert.match(details, /- Rows: 1 000/);
    assert.match(details, /\[Open the ticket\]\(https:\/\/tickets\.example\.com\/123\)/);
  });

  void test('business key as id, conflict and reuse policies explicit, search attributes set', () => {
    const options = startOptions(request);
    assert.equal(options.workflowId, 'approval:default:123');
    assert.equal(options.taskQueue, 'approvals');
    assert.equal(options.workflowIdConflictPolicy, 'FAIL');
    assert.equal(options.workflowIdReusePolicy, 'ALLOW_DUPLICATE_FAILED_ONLY');
    const attributes = Array.isArray(options.typedSearchAttributes) ? options.typedSearchAttributes : [];
    assert.deepEqual(
      attributes.map((p) => [p.key.name, p.value]),
      [
        ['TicketId', '123'],
        ['TicketType', 'ticket.data_export'],
        ['ApprovalStatus', 'pending'],
        ['Requester', 'alice'],
      ],
    );
    assert.deepEqual(options.args, [request]);
  });

  void test('very long texts are clipped', () => {
    const long = StartApprovalRequest.parse({ ...request, title: 't'.repeat(200), fields: [] });
    assert.ok(
      approvalDetails({ ...long, fields: Array.from({ length: 20 }, () => ({ label: 'l', value: 'v'.repeat(500) })) })
        .length <= 4000,
    );
  });
});

void describe('links', () => {
  void test('self and Temporal UI links are encoded; a trailing slash on the UI URL is ignored', () => {
    const ref = { tenant: 'acme', ticketId: 'T-1', workflowId: 'approval:acme:T-1' };
    assert.deepEqual(approvalLinks(ref, 'run-1', { url: 'http://ui.local:8233/', namespace: 'prod' }), {
      self: '/v1/approvals/T-1?tenant=acme',
      temporalUi: 'http://ui.local:8233/namespaces/prod/workflows/approval%3Aacme%3AT-1/run-1',
    });
  });
});

void describe('error mapping', () => {
  const rejected = (type: string) =>
    new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message: `m ${type}` }));

  void test('validator rejections map to 403 / 409 with the workflow message', () => {
    const cases: [string, string, number][] = [
      ['NOT_AN_APPROVER', 'NOT_AN_APPROVER', 403],
      ['REQUESTER_CANNOT_DECIDE', 'REQUESTER_CANNOT_DECIDE', 403],
      ['ALREADY_VOTED', 'ALREADY_VOTED', 409],
      ['SOMETHING_NEW', 'DECISION_REJECTED', 409],
    ];
    for (const [type, code, status] of cases) {
      const err = decisionRejected(rejected(type));
      assert.deepEqual([err.code, err.status, err.message], [code, status, `m ${type}`]);
    }
  });

  void test('unreachable / too slow Temporal is told apart from other service errors', () => {
    const grpc = (code: number) => Object.assign(new Error(`${code}`), { code, details: 'x', metadata: {} });
    assert.ok(isTemporalUnavailable(new ServiceError('Failed', { cause: grpc(14) })));
    assert.ok(isTemporalUnavailable(new ServiceError('Failed', { cause: grpc(4) })));
    assert.ok(isTemporalUnavailable(new ServiceError('Failed', { cause: grpc(1) })), 'CANCELLED: our deadline, raced');
    assert.ok(!isTemporalUnavailable(new ServiceError('Failed', { cause: grpc(3) })), 'INVALID_ARGUMENT is a bug');
    assert.ok(!isTemporalUnavailable(new Error('boom')));
  });
});

void describe('validation pipe', () => {
  const pipe = new ZodValidationPipe();
  const schema = z.object({ a: z.object({ b: z.string() }), c: z.number().default(1) });

  void test('returns the parsed value, defaults applied; passes through arguments without a schema', () => {
    assert.deepEqual(pipe.transform({ a: { b: 'x' } }, { type: 'body', schema }), { a: { b: 'x' }, c: 1 });
    assert.equal(pipe.transform('raw', { type: 'param', data: 'id' }), 'raw');
  });

  void test('names every bad field; parameters by their name', () => {
    const bodyError = (() => {
      try {
        pipe.transform({ a: {}, c: 'x' }, { type: 'body', schema });
      } catch (err) {
        return err;
      }
    })();
    assert.ok(bodyError instanceof ApiError);
    assert.equal(bodyError.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      bodyError.details?.map((d) => d.path),
      ['a.b', 'c'],
    );
    assert.throws(
      () => pipe.transform('bad id', { type: 'param', data: 'ticketId', schema: z.string().regex(/^\w+$/) }),
      (err: unknown) => err instanceof ApiError && err.details?.[0]?.path === 'ticketId',
    );
  });
});

void describe('token store', () => {
  void test('the bootstrap admin token and minted tokens verify; others do not', async () => {
    const store = new TokenStore('bootstrap-admin-token-0123456789');
    assert.deepEqual(await store.verify('bootstrap-admin-token-0123456789'), {
      tokenId: 'bootstrap-admin',
      role: 'admin',
      userId: 'admin',
      label: 'ADMIN_TOKEN',
    });
    const minted = await store.mint({ role: 'approver', userId: 'bob' });
    assert.equal((await store.verify(minted.token))?.userId, 'bob');
    assert.equal((await store.verify(minted.token))?.role, 'approver');
    assert.equal(await store.verify(`${minted.token}x`), undefined);
    assert.notEqual((await store.mint({ role: 'approver', userId: 'bob' })).token, minted.token);
  });

  void test('without ADMIN_TOKEN no token verifies (an empty bearer included)', async () => {
    const store = new TokenStore(undefined);
    assert.equal(await store.verify(''), undefined);
    assert.equal(await store.verify('admin'), undefined);
  });

  void test('only hashes are kept', async () => {
    const persistence = inMemoryTokenPersistence();
    const store = new TokenStore('bootstrap-admin-token-0123456789', persistence);
    const { token } = await store.mint({ role: 'dba', userId: 'dora' });
    const kept = JSON.stringify([...persistence.records]);
    assert.ok(!kept.includes(token) && !kept.includes('bootstrap-admin-token-0123456789'));
  });
});

void describe('OpenAPI document', () => {
  void test('every $ref resolves; bodies are documented from their zod schemas', () => {
    const doc = buildOpenApiDocument();
    const text = JSON.stringify(doc);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(schemas|responses)\/([A-Za-z]+)"/g)) {
      const section = (doc.components as Record<string, Record<string, unknown>>)[kind ?? ''];
      assert.ok(section?.[name ?? ''], `unresolved $ref ${kind}/${name}`);
    }
    assert.ok(!text.includes('"$schema"'));
    const decision = doc.components?.schemas?.DecisionBody as {
      properties: Record<string, unknown>;
      required: string[];
    };
    assert.deepEqual(Object.keys(decision.properties).sort(), ['comment', 'decision', 'eventId']);
    assert.deepEqual(decision.required, ['decision']);
  });
});
