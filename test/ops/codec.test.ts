/**
 * Payload encryption: with PAYLOAD_CODEC_KEY set, a run's history holds no ticket contents in plaintext, the service
 * still works end to end, and the codec endpoint shows the contents to admins only (bearer token or the UI session).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import { request } from 'undici';
import { AesGcmPayloadCodec, PayloadDecryptionError } from '../../src/codec/aes-gcm-codec.js';
import { parseCodecKeys } from '../../src/codec/codec-config.js';
import { eventually, startStack, type Stack } from '../support/stack.js';

const key = (id: string) => ({ id, key: randomBytes(32) });
const json = (value: unknown) => defaultPayloadConverter.toPayload(value);

describe('AES-256-GCM payload codec', () => {
  test('round trip, pass-through of plain payloads, old keys still open, tampering detected', async () => {
    const k1 = key('k1');
    const codec = new AesGcmPayloadCodec(k1);
    const [encrypted] = await codec.encode([json({ title: 'secret plan' })]);
    assert.ok(encrypted);
    assert.equal(Buffer.from(encrypted.metadata?.encoding ?? []).toString(), 'binary/encrypted');
    assert.equal(Buffer.from(encrypted.metadata?.['encryption-key-id'] ?? []).toString(), 'k1');
    assert.ok(!Buffer.from(encrypted.data ?? []).includes('secret plan'));
    const [decoded] = await codec.decode([encrypted]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded as Payload), { title: 'secret plan' });

    const plain = json('written before the codec was on');
    assert.deepEqual(await codec.decode([plain]), [plain]);
    const rotated = new AesGcmPayloadCodec(key('k2'), [k1]);
    assert.deepEqual(await rotated.decode([encrypted]), [decoded]);
    await assert.rejects(new AesGcmPayloadCodec(key('k3')).decode([encrypted]), PayloadDecryptionError);
    // Flip every bit of one ciphertext byte (setting it to a fixed value would be a no-op 1 time in 256).
    const tamperedData = Buffer.from(encrypted.data ?? []);
    tamperedData[20] = (tamperedData[20] ?? 0) ^ 0xff;
    const tampered = { ...encrypted, data: tamperedData };
    await assert.rejects(codec.decode([tampered]), /wrong key or tampered/);
    assert.deepEqual(
      parseCodecKeys(`old:${randomBytes(32).toString('base64')}`).map((k) => k.id),
      ['old'],
    );
    assert.throws(() => parseCodecKeys('old:c2hvcnQ='), /entry 1 is not id:base64-32-bytes/);
  });
});

const TITLE = 'Export the payroll table 7f3a';
const FIELD = 'salaries_prod_9c1e';

describe('with the codec on', () => {
  let stack: Stack;
  let history: temporal.api.history.v1.IHistory;
  let pendingView: { title?: string; fields?: { value: string }[] };

  const codecCall = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(`${stack.apiUrl}/codec/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });
  /** The start input of the run, as the Temporal UI sends it to a codec server. */
  const inputPayloads = () => {
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    return {
      payloads: (started?.input?.payloads ?? []).map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(p.data ?? []).toString('base64'),
      })),
    };
  };

  before(async () => {
    stack = await startStack({ PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'), PAYLOAD_CODEC_KEY_ID: 'ops-1' });
    const res = await stack.call('POST', '/v1/approvals', {
      ticketId: 'OPS-ENC-1',
      ticketType: 'ticket.data_export',
      title: TITLE,
      requester: { userId: 'alice', name: 'Alice Chen' },
      fields: [{ label: 'Database', value: FIELD }],
    });
    assert.equal(res.status, 201);
    await eventually(
      () => stack.call<{ deliveries?: { status: string }[] }>('GET', '/v1/approvals/OPS-ENC-1').then((r) => r.body),
      (s) => s.deliveries?.filter((d) => d.status === 'sent').length === 8,
    );
    pendingView = (await stack.call<typeof pendingView>('GET', '/v1/approvals/OPS-ENC-1')).body;
    const bob = await stack.tokenFor('approver', 'bob');
    assert.equal(
      (await stack.call('POST', '/v1/approvals/OPS-ENC-1/decisions', { decision: 'approve' }, bob)).status,
      200,
    );
    const handle = stack.temporal.client.workflow.getHandle('approval:default:OPS-ENC-1');
    await eventually(
      () => handle.describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    // Read with a client that has no codec: exactly what the server stores.
    history = await handle.fetchHistory();
  });
  after(async () => {
    await stack?.stop();
  });

  test("the run's history holds no ticket title or field value in plaintext", () => {
    const bytes = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
    assert.ok(bytes.length > 1000);
    for (const secret of [TITLE, FIELD, 'Alice Chen']) assert.ok(!bytes.includes(secret), `"${secret}" in history`);
    assert.ok(bytes.includes('binary/encrypted'));
  });

  test('and the service still works: cards show the title, the API reads it back', async () => {
    const inbox = await stack.sim.control.inbox('feishu', 'carol');
    assert.ok(
      inbox.some((m) => JSON.stringify(m.content).includes(TITLE)),
      'the card shows the title',
    );
    assert.deepEqual([pendingView.title, pendingView.fields?.[0]?.value], [TITLE, FIELD]);
    const view = await stack.call<{ status: string }>('GET', '/v1/approvals/OPS-ENC-1');
    assert.equal(view.body.status, 'approved');
  });

  test('POST /codec/decode shows the contents to an admin; 401 without a token, 403 for other roles', async () => {
    const admin = await codecCall('decode', inputPayloads(), { authorization: `Bearer ${stack.adminToken}` });
    assert.equal(admin.statusCode, 200);
    const decoded = (await admin.body.json()) as { payloads: { data: string }[] };
    assert.match(Buffer.from(decoded.payloads[0]?.data ?? '', 'base64').toString(), new RegExp(TITLE));

    const anonymous = await codecCall('decode', inputPayloads());
    assert.equal(anonymous.statusCode, 401);
    await anonymous.body.dump();
    const dba = await codecCall('decode', inputPayloads(), {
      authorization: `Bearer ${await stack.tokenFor('dba', 'dana')}`,
    });
    assert.equal(dba.statusCode, 403);
    await dba.body.dump();
    const otherNamespace = await codecCall('decode', inputPayloads(), {
      authorization: `Bearer ${stack.adminToken}`,
      'x-namespace': 'payments',
    });
    assert.equal(otherNamespace.statusCode, 403);
    await otherNamespace.body.dump();
  });

  test("the Temporal UI in an admin's browser: CORS for its origin, a session cookie instead of a header", async () => {
    const origin = 'http://127.0.0.1:8233';
    const preflight = await request(`${stack.apiUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], origin);
    assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
    assert.match(String(preflight.headers['access-control-allow-headers']), /x-namespace/);
    await preflight.body.dump();

    const form = (token: string) =>
      request(`${stack.apiUrl}/codec/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
    const refused = await form(await stack.tokenFor('dba', 'dana'));
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['set-cookie'], undefined);
    await refused.body.dump();
    const session = await form(stack.adminToken);
    assert.equal(session.statusCode, 200);
    await session.body.dump();
    const cookie = String(session.headers['set-cookie']);
    assert.match(cookie, /^approvals_codec=.+; Path=\/codec; HttpOnly; SameSite=Strict; Max-Age=43200$/);

    const fromUi = await codecCall('decode', inputPayloads(), { origin, cookie: cookie.split(';')[0] ?? '' });
    assert.equal(fromUi.statusCode, 200);
    assert.equal(fromUi.headers['access-control-allow-origin'], origin);
    assert.match(JSON.stringify(await fromUi.body.json()), /"data":"/);
    const otherOrigin = await codecCall('decode', inputPayloads(), {
      origin: 'https://evil.example',
      cookie: cookie.split(';')[0] ?? '',
    });
    assert.equal(
      otherOrigin.headers['access-control-allow-origin'],
      undefined,
      'a browser on another origin cannot read it',
    );
    await otherOrigin.body.dump();
  });
});
