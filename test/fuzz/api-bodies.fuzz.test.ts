/**
 * Property-based fuzzing (fast-check) of every API body and every platform callback payload, over HTTP against the
 * whole stack: the answer is always a 2xx or a 4xx in the one error shape, never a 5xx or a dropped connection, and a
 * 4xx changes nothing (the resource it named reads the same before and after). FUZZ_RUNS sets runs per endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { request } from 'undici';
import { eventually, startStack, type Stack } from '../support/stack.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const validStart = (ticketId: string) => ({
  ticketId,
  ticketType: 'ticket.data_export',
  title: `Export orders (${ticketId})`,
  requester: { userId: 'alice', name: 'Alice Chen' },
  fields: [{ label: 'Database', value: 'orders_prod' }],
});
const validRule = {
  name: 'Fuzzed rule',
  match: { ticketType: 'ticket.fuzz', event: 'pending_approval' },
  recipients: { roles: ['dba'] },
  approval: { mode: 'any' },
  deadline: { afterMs: 7_200_000, outcome: 'expired' },
};

/** A valid body with one field replaced by anything, dropped, or nested garbage; or anything at all. */
function bodyAround(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const mutated = fc
    .tuple(fc.constantFrom(...keys), fc.option(fc.anything(), { nil: undefined }), fc.string())
    .map(([key, value, extraKey]) => {
      const copy: Record<string, unknown> = { ...valid, [key]: value };
      if (value === undefined) delete copy[key];
      if (extraKey) copy[extraKey] = value ?? null;
      return copy;
    });
  return fc.oneof(mutated, fc.anything(), fc.jsonValue());
}

/** A raw body: JSON of the value, or arbitrary text (truncated JSON, binary junk) under a JSON content type. */
const rawOf = (body: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: body.map((b) => JSON.stringify(b) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );

interface Target {
  name: string;
  method: 'POST' | 'PUT';
  path: string;
  body: fc.Arbitrary<unknown>;
  /** What a 4xx must leave unchanged. */
  read: string;
}

describe(`fuzzing API bodies and callback payloads (seed ${SEED}, ${RUNS} runs each)`, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    assert.equal((await stack.call('POST', '/v1/approvals', validStart('FZ-PENDING'))).status, 201);
    assert.equal((await stack.call('POST', '/v1/approvals', validStart('FZ-WITHDRAW'))).status, 201);
    // Settled first: while cards go out, the directory caches platform ids (reads would move on their own).
    for (const id of ['FZ-PENDING', 'FZ-WITHDRAW'])
      await eventually(
        () => stack.call<{ status: string; deliveries?: { status: string }[] }>('GET', `/v1/approvals/${id}`),
        (r) => r.body.status === 'pending' && r.body.deliveries?.filter((d) => d.status === 'sent').length === 8,
      );
  });
  after(async () => {
    await stack?.stop();
  });

  async function send(method: string, path: string, raw: string, headers: Record<string, string> = {}) {
    const res = await request(`${stack.apiUrl}${path}`, {
      method: method as 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json', ...headers },
      body: raw,
    });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  }

  /**
   * Reads what a 4xx must not change; of an approval its decision state, of an event what was reported (deliveries
   * move on their own).
   */
  const snapshot = async (path: string) => {
    const res = await stack.call<Record<string, unknown>>('GET', path);
    if (path.startsWith('/v1/events/')) {
      const { event, ticket, ruleVersion, note } = res.body ?? {};
      return JSON.stringify({ http: res.status, event, ticket, ruleVersion, note });
    }
    if (!path.startsWith('/v1/approvals/')) return JSON.stringify(res.body);
    const { status, decisions, outcome } = res.body ?? {};
    return JSON.stringify({ http: res.status, status, decisions, outcome });
  };

  const targets: Target[] = [
    {
      name: 'POST /v1/approvals',
      method: 'POST',
      path: '/v1/approvals',
      body: bodyAround(validStart('FZ-START')),
      read: '/v1/approvals/FZ-START',
    },
    {
      name: 'POST /v1/approvals/:id/decisions',
      method: 'POST',
      path: '/v1/approvals/FZ-PENDING/decisions',
      body: bodyAround({ decision: 'approve', userId: 'nobody-fuzz', comment: 'ok' }),
      read: '/v1/approvals/FZ-PENDING',
    },
    {
      name: 'POST /v1/approvals/:id/withdraw',
      method: 'POST',
      path: '/v1/approvals/FZ-WITHDRAW/withdraw',
      body: fc.oneof(fc.anything(), fc.record({ reason: fc.anything() })),
      read: '/v1/approvals/FZ-WITHDRAW',
    },
    {
      name: 'POST /v1/tokens',
      method: 'POST',
      path: '/v1/tokens',
      body: bodyAround({ role: 'root', userId: 'fuzz', label: 'x' }),
      read: '/v1/users/fuzz',
    },
    {
      name: 'PUT /v1/users/:id',
      method: 'PUT',
      path: '/v1/users/fuzz-user',
      body: bodyAround({ name: 'Fuzz', mobile: 'not-a-mobile', roles: ['dba'] }),
      // One user only: approvals started by earlier runs keep caching platform ids on the others.
      read: '/v1/users/fuzz-user',
    },
    {
      name: 'PUT /v1/channels/:kind',
      method: 'PUT',
      path: '/v1/channels/feishu',
      body: bodyAround({ enabled: 'yes', config: { appId: 5 } }),
      read: '/v1/channels',
    },
    { name: 'POST /v1/rules', method: 'POST', path: '/v1/rules', body: bodyAround(validRule), read: '/v1/rules' },
    {
      name: 'PUT /v1/rules/:id',
      method: 'PUT',
      path: '/v1/rules/fuzz-rule',
      body: bodyAround(validRule),
      read: '/v1/rules',
    },
    {
      name: 'POST /v1/events',
      method: 'POST',
      path: '/v1/events',
      body: bodyAround({
        eventId: 'fz-event',
        ticketId: 'FZ-EVENT',
        ticketType: 'ticket.data_export',
        state: 'executed',
        title: 'Export orders (FZ-EVENT)',
        requester: { userId: 'alice' },
      }),
      read: '/v1/events/fz-event',
    },
    {
      name: 'PUT /v1/event-states/:state',
      method: 'PUT',
      path: '/v1/event-states/fuzzed',
      body: bodyAround({ label: 'Fuzzed', description: 7 }),
      read: '/v1/event-states',
    },
    {
      name: 'PUT /v1/users/:id/notices',
      method: 'PUT',
      path: '/v1/users/bob/notices',
      body: bodyAround({ notices: { executed: { enabled: 'no', channels: { telegram: false } } } }),
      read: '/v1/users/bob/notices',
    },
    {
      name: 'POST /v1/rules/dry-run',
      method: 'POST',
      path: '/v1/rules/dry-run',
      body: bodyAround({ ticket: validStart('FZ-DRY') }),
      read: '/v1/rules',
    },
  ];

  for (const target of targets) {
    test(`${target.name}: only 2xx / 4xx, and a 4xx changes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(rawOf(target.body), async (raw) => {
          const before = await snapshot(target.read);
          const res = await send(target.method, target.path, raw);
          assert.ok(res.status < 500, `HTTP ${res.status} for ${raw.slice(0, 300)}: ${res.text.slice(0, 300)}`);
          if (res.status >= 400) {
            const body = JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } };
            assert.equal(typeof body.error?.code, 'string', `the one error shape: ${res.text.slice(0, 200)}`);
            assert.equal(await snapshot(target.read), before, `a ${res.status} changed ${target.read}`);
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });
  }

  test('callbacks on every platform: arbitrary payloads and headers never get a 5xx nor record a decision', async () => {
    const before = await snapshot('/v1/approvals/FZ-PENDING');
    const headers = fc.dictionary(
      fc.constantFrom(
        'x-lark-request-timestamp',
        'x-lark-request-nonce',
        'x-lark-signature',
        'timestamp',
        'sign',
        'x-dingtalk-signature',
      ),
      fc.string({ maxLength: 40 }),
    );
    const feishuLike = fc.record(
      {
        schema: fc.constantFrom('2.0', 'x'),
        header: fc.record({ event_type: fc.constant('card.action.trigger'), token: fc.anything() }),
        event: fc.anything(),
        encrypt: fc.string(),
        challenge: fc.string(),
        type: fc.constantFrom('url_verification', 'event_callback'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('feishu', 'lark', 'dingtalk', 'dingtalk-exclusive'),
        rawOf(fc.oneof(feishuLike, fc.anything())),
        headers,
        async (kind, raw, extra) => {
          const res = await send('POST', `/callbacks/${kind}`, raw, extra);
          assert.ok(res.status < 500, `HTTP ${res.status} on ${kind} for ${raw.slice(0, 300)}: ${res.text}`);
        },
      ),
      { numRuns: RUNS * 3, seed: SEED },
    );
    assert.equal(await snapshot('/v1/approvals/FZ-PENDING'), before, 'no callback changed the pending approval');
  });
});
