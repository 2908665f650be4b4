import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent } from 'undici';
import {
  createFeishuProvider,
  feishuDecrypt,
  feishuLegacyCardSignature,
  feishuSignature,
  renderFeishuCard,
  signatureMatches,
} from '../../src/channels/feishu/index.js';
import type { ApprovalCard } from '../../src/domain/card.js';
import type { SimClickResult } from '../../sim/core/clicks.js';
import { SANDBOX_APPS, startTestSimulator, type TestSimulator } from '../support/simulator.js';

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A stand-in for our callback endpoint: records each request and answers with `reply` (or hangs / 500s). */
class Receiver {
  received: Received[] = [];
  reply: { status: number; body: string; delayMs?: number } = { status: 200, body: '{}' };
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        const { status, body, delayMs = 0 } = this.reply;
        setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(body), delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/callbacks/feishu`;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

const card: ApprovalCard = {
  tenant: 'acme',
  ticketId: 'T-4001',
  ticketType: 'ticket.data_export',
  title: 'Export payroll',
  requesterName: 'Alice Requester',
  fields: [],
  deadlineAt: '2026-05-02T08:30:00.000Z',
  status: 'pending',
  level: 1,
  nonce: 'nonce-4001',
};

type Body = Record<string, unknown> & {
  header: Record<string, string>;
  event: Record<string, Record<string, unknown>>;
};

void describe('simulator: Feishu card click → signed callback', () => {
  let sim: TestSimulator;
  const receiver = new Receiver();
  const dispatcher = new Agent();

  const send = async (kind: 'feishu' | 'lark', user = 'bob') => {
    const creds = SANDBOX_APPS[kind];
    const p = createFeishuProvider(kind, { ...creds, baseUrl: sim.baseUrl(kind) }, dispatcher);
    const platformUserId = await p.resolveUser({ email: `${user}@example.com` });
    return p.sendCard({
      recipient: { userId: user, name: user, platformUserId },
      card,
      idempotencyKey: `ab-click-${kind}-${user}`,
    });
  };

  before(async () => {
    sim = await startTestSimulator();
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await sim.close();
    await dispatcher.close();
  });
  beforeEach(async () => {
    sim.core.reset();
    receiver.received = [];
    receiver.reply = { status: 200, body: '{}' };
    await sim.control.setApp('feishu', SANDBOX_APPS.feishu.appId, { callbackUrl: receiver.url });
    await sim.control.setApp('lark', SANDBOX_APPS.lark.appId, { callbackUrl: receiver.url });
  });

  void it('encrypted schema 2.0 callback: signature verifies over the raw body and decrypts to the documented body', async () => {
    const { cardRef } = await send('feishu');
    await sim.control.click({ platform: 'feishu', messageId: cardRef, userId: 'bob', action: 'approve' });
    const [got] = receiver.received;
    assert.ok(got);
    const ts = String(got.headers['x-lark-request-timestamp']);
    const nonce = String(got.headers['x-lark-request-nonce']);
    const expected = feishuSignature(ts, nonce, SANDBOX_APPS.feishu.encryptKey, got.raw);
    assert.ok(signatureMatches(expected, String(got.headers['x-lark-signature'])));
    const wrapper = JSON.parse(got.raw.toString('utf8')) as { encrypt: string };
    assert.deepEqual(Object.keys(wrapper), ['encrypt']);
    const body = JSON.parse(feishuDecrypt(wrapper.encrypt, SANDBOX_APPS.feishu.encryptKey)) as Body;
    assert.equal(body.schema, '2.0');
    assert.equal(body.header.event_type, 'card.action.trigger');
    assert.equal(body.header.token, SANDBOX_APPS.feishu.verificationToken);
    assert.equal(body.header.app_id, SANDBOX_APPS.feishu.appId);
    assert.match(body.header.create_time ?? '', /^\d{16}$/, 'microseconds');
    assert.equal(body.event.operator?.open_id, sim.core.users.get('bob')?.ids.feishu);
    assert.deepEqual(body.event.action?.value, { t: 'T-4001', tn: 'acme', a: 'approve', n: 'nonce-4001' });
    assert.equal(body.event.action?.tag, 'button');
    assert.equal(body.event.context?.open_message_id, cardRef);
    assert.match(body.event.token as unknown as string, /^c-/);
  });

  void it('plaintext callback when the app has no Encrypt Key (Lark sandbox app)', async () => {
    const { cardRef } = await send('lark', 'carol');
    await sim.control.click({ platform: 'lark', messageId: cardRef, userId: 'carol', action: 'reject' });
    const [got] = receiver.received;
    assert.equal(got?.headers['x-lark-signature'], undefined);
    const body = JSON.parse(got?.raw.toString('utf8') ?? '') as Body;
    assert.equal(body.header.token, SANDBOX_APPS.lark.verificationToken);
    assert.deepEqual(body.event.action?.value, { t: 'T-4001', tn: 'acme', a: 'reject', n: 'nonce-4001' });
  });

  void it('legacy mode: flat card.action.trigger_v1 body signed with sha1 + verification token', async () => {
    const { cardRef } = await send('feishu');
    await sim.control.click({
      platform: 'feishu',
      messageId: cardRef,
      userId: 'bob',
      action: 'approve',
      mode: 'legacy',
    });
    const [got] = receiver.received;
    assert.ok(got);
    const ts = String(got.headers['x-lark-request-timestamp']);
    const nonce = String(got.headers['x-lark-request-nonce']);
    const expected = feishuLegacyCardSignature(ts, nonce, SANDBOX_APPS.feishu.verificationToken, got.raw);
    assert.equal(got.headers['x-lark-signature'], expected);
    const body = JSON.parse(got.raw.toString('utf8')) as Record<string, unknown>;
    assert.equal(body.open_message_id, cardRef);
    assert.equal(body.open_id, sim.core.users.get('bob')?.ids.feishu);
    assert.deepEqual((body.action as { value: unknown }).value, {
      t: 'T-4001',
      tn: 'acme',
      a: 'approve',
      n: 'nonce-4001',
    });
  });

  void it('applies a card from the answer to the inbox and records the toast', async () => {
    const { cardRef } = await send('feishu');
    const final = renderFeishuCard({
      ...card,
      status: 'approved',
      decidedBy: 'Bob Approver',
      decidedAt: '2026-05-01T10:00:00.000Z',
    });
    const toast = { type: 'success', content: 'Approved' };
    receiver.reply = { status: 200, body: JSON.stringify({ toast, card: { type: 'raw', data: final } }) };
    const result = await sim.control.click<SimClickResult>({
      platform: 'feishu',
      messageId: cardRef,
      userId: 'bob',
      action: 'approve',
    });
    assert.equal(result.record.cardApplied, true);
    const [message] = await sim.control.inbox('feishu', 'bob');
    assert.deepEqual(message?.content, final);
    assert.deepEqual(message?.clicks[0]?.toast, toast);
    // The final card has no buttons left to press.
    await assert.rejects(
      sim.control.click({ platform: 'feishu', messageId: cardRef, userId: 'bob', action: 'approve' }),
      /409/,
    );
  });

  void it('records the client-side error codes for unusable answers', async () => {
    const { cardRef } = await send('feishu');
    sim.core.applyConfig({ callbackTimeoutMs: 150 });
    receiver.reply = { status: 200, body: '{}', delayMs: 400 };
    const slow = await sim.control.click<SimClickResult>({
      platform: 'feishu',
      messageId: cardRef,
      userId: 'bob',
      action: 'approve',
    });
    assert.equal(slow.record.clientError?.code, 200341);
    receiver.reply = { status: 500, body: '{}' };
    const failed = await sim.control.click<SimClickResult>({
      platform: 'feishu',
      messageId: cardRef,
      userId: 'bob',
      action: 'approve',
    });
    assert.equal(failed.record.clientError?.code, 200671);
    receiver.reply = { status: 200, body: 'not json' };
    const garbled = await sim.control.click<SimClickResult>({
      platform: 'feishu',
      messageId: cardRef,
      userId: 'bob',
      action: 'approve',
    });
    assert.equal(garbled.record.clientError?.code, 200672);
  });

  void it('refuses clicks without a callback URL, like an app without one configured', async () => {
    const { cardRef } = await send('feishu');
    await sim.control.setApp('feishu', SANDBOX_APPS.feishu.appId, { callbackUrl: null });
    await assert.rejects(
      sim.control.click({ platform: 'feishu', messageId: cardRef, userId: 'bob', action: 'approve' }),
      /409.*callbackUrl/,
    );
  });
});
