import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent } from 'undici';
import { ChannelError } from '../../src/channels/channel-error.js';
import { createFeishuProvider, feishuUuid, type FeishuProvider } from '../../src/channels/feishu/index.js';
import type { ApprovalCard } from '../../src/domain/card.js';
import { SANDBOX_APPS, startTestSimulator, type TestSimulator } from '../support/simulator.js';

function createTestCard(overrides: Partial<ApprovalCard> = {}): ApprovalCard {
  return {
    tenant: 'acme',
    ticketId: 'T-3001',
    ticketType: 'ticket.data_export',
    title: 'Export invoices',
    requesterName: 'Alice Requester',
    fields: [{ label: 'Rows', value: '42' }],
    deadlineAt: '2026-05-02T08:30:00.000Z',
    status: 'pending',
    level: 1,
    nonce: 'n-3001',
    ...overrides,
  };
}

type Card = { header: { title: { content: string } }; schema: string };

void describe('Feishu / Lark provider against the simulator', () => {
  let sim: TestSimulator;
  const dispatcher = new Agent();
  const provider = (kind: 'feishu' | 'lark' = 'feishu', creds = SANDBOX_APPS[kind]): FeishuProvider =>
    createFeishuProvider(
      kind,
      { appId: creds.appId, appSecret: creds.appSecret, verificationToken: 'vt', baseUrl: sim.baseUrl(kind) },
      dispatcher,
    );
  const openId = (user: string, platform: 'feishu' | 'lark' = 'feishu') =>
    sim.core.users.get(user)?.ids[platform] ?? '';
  const recipient = (user: string, platform: 'feishu' | 'lark' = 'feishu') => ({
    userId: user,
    name: user,
    platformUserId: openId(user, platform),
  });
  const rejection = async (promise: Promise<unknown>): Promise<ChannelError> => {
    const err = await promise.then(
      () => assert.fail('expected a ChannelError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChannelError, String(err));
    return err;
  };

  before(async () => (sim = await startTestSimulator()));
  after(async () => {
    await sim.close();
    await dispatcher.close();
  });
  beforeEach(() => sim.core.reset());

  void it('resolves users by mobile and by email, and caches the answer', async () => {
    const p = provider();
    assert.equal(await p.resolveUser({ mobile: '13800000002' }), openId('bob'));
    assert.equal(await p.resolveUser({ mobile: '13800000002' }), openId('bob'));
    assert.equal(await p.resolveUser({ email: 'Carol@Example.com' }), openId('carol'));
    assert.equal(await p.resolveUser({ email: 'carol@example.com' }), openId('carol'));
    assert.equal(sim.core.log.count({ api: 'resolve_user' }), 2, 'repeated lookups are served from the cache');
  });

  void it('looks many people up together: at most 50 mobiles and 50 emails per batch_get_id call', async () => {
    for (let i = 0; i < 120; i++) {
      const id = `p${i}`;
      sim.core.users.upsert(id, {
        name: id,
        ...(i % 2 ? { mobile: `1390000${String(i).padStart(4, '0')}` } : { email: `${id}@example.com` }),
      });
    }
    const p = provider();
    const contacts = Array.from({ length: 120 }, (_, i) =>
      i % 2 ? { mobile: `1390000${String(i).padStart(4, '0')}` } : { email: `P${i}@Example.com` },
    );
    const ids = await Promise.all([
      ...contacts.map((c) => p.resolveUser(c)),
      rejection(p.resolveUser({ email: 'nobody@example.com' })),
    ]);
    assert.deepEqual(
      ids.slice(0, 120),
      contacts.map((_, i) => openId(`p${i}`)),
    );
    assert.equal((ids[120] as ChannelError).code, 'RECIPIENT_UNREACHABLE');
    // 60 mobiles and 61 emails: one call with 50 of each, one for the rest.
    assert.equal(sim.core.log.count({ api: 'resolve_user' }), 2);
  });

  void it('falls back to the email when the mobile is unknown', async () => {
    const p = provider();
    assert.equal(await p.resolveUser({ mobile: '13999999999', email: 'carol@example.com' }), openId('carol'));
  });

  void it('unknown and resigned users → RECIPIENT_UNREACHABLE with the reason', async () => {
    const p = provider();
    const unknown = await rejection(p.resolveUser({ email: 'nobody@example.com' }));
    assert.equal(unknown.code, 'RECIPIENT_UNREACHABLE');
    assert.match(unknown.message, /no Feishu user for this email/);
    const resigned = await rejection(p.resolveUser({ mobile: '+8613800000005' }));
    assert.equal(resigned.code, 'RECIPIENT_UNREACHABLE');
    await assert.rejects(p.resolveUser({}), (e: ChannelError) => e.code === 'INVALID_REQUEST');
  });

  void it('sendCard delivers the interactive card to the inbox', async () => {
    const { cardRef } = await provider().sendCard({
      recipient: recipient('bob'),
      card: createTestCard(),
      idempotencyKey: 'ab-send-1',
    });
    const [message, ...rest] = await sim.control.inbox('feishu', 'bob');
    assert.equal(rest.length, 0);
    assert.equal(message?.id, cardRef);
    assert.equal(message?.msgType, 'interactive');
    assert.equal(message?.idempotencyKey, 'ab-send-1');
    assert.equal((message?.content as Card).schema, '2.0');
    assert.equal((message?.content as Card).header.title.content, 'Approval needed: Export invoices');
  });

  void it('the same idempotencyKey twice → one message, same cardRef', async () => {
    const p = provider();
    const first = await p.sendCard({ recipient: recipient('bob'), card: createTestCard(), idempotencyKey: 'ab-same' });
    const second = await p.sendCard({ recipient: recipient('bob'), card: createTestCard(), idempotencyKey: 'ab-same' });
    assert.equal(second.cardRef, first.cardRef);
    assert.equal((await sim.control.inbox('feishu', 'bob')).length, 1);
  });

  void it('long idempotency keys are hashed to fit the 50-char uuid', async () => {
    const key = `approval:acme:T-3001|round-1|bob|feishu|${'x'.repeat(40)}`;
    assert.ok(feishuUuid(key).length <= 50);
    assert.equal(feishuUuid(key), feishuUuid(key));
    await provider().sendCard({ recipient: recipient('bob'), card: createTestCard(), idempotencyKey: key });
    assert.equal((await sim.control.inbox('feishu', 'bob'))[0]?.idempotencyKey, feishuUuid(key));
  });

  void it('updateCard replaces the card in the inbox', async () => {
    const p = provider();
    const { cardRef } = await p.sendCard({
      recipient: recipient('carol'),
      card: createTestCard(),
      idempotencyKey: 'ab-upd',
    });
    const final = createTestCard({
      status: 'approved',
      decidedBy: 'Carol Approver',
      decidedAt: '2026-05-01T10:00:00.000Z',
    });
    await p.updateCard({ cardRef, recipient: recipient('carol'), card: final });
    const [message] = await sim.control.inbox('feishu', 'carol');
    assert.equal((message?.content as Card).header.title.content, 'Approved by Carol Approver');
    assert.deepEqual(
      message?.history.map((h) => h.source),
      ['send', 'update'],
    );
  });

  void it('remind replies under the card with a text, once per idempotency key', async () => {
    const p = provider();
    const { cardRef } = await p.sendCard({
      recipient: recipient('dave'),
      card: createTestCard(),
      idempotencyKey: 'ab-rem',
    });
    const req = {
      cardRef,
      recipient: recipient('dave'),
      card: createTestCard(),
      reminder: 1,
      idempotencyKey: 'ab-rem-r1',
    };
    await p.remind(req);
    await p.remind(req);
    const inbox = await sim.control.inbox('feishu', 'dave');
    assert.equal(inbox.length, 2);
    const reply = inbox[1];
    assert.equal(reply?.parentId, cardRef);
    assert.equal(reply?.msgType, 'text');
    assert.match((reply?.content as { text: string }).text, /^Reminder 1: "Export invoices"/);
    const err = await rejection(
      p.updateCard({ cardRef: reply?.id ?? '', recipient: recipient('dave'), card: createTestCard() }),
    );
    assert.equal(err.code, 'INVALID_REQUEST', 'a text message is not a card');
  });

  const unreachable: [string, number][] = [
    ['grace', 230013],
    ['frank', 230053],
    ['erin', 230029],
  ];
  for (const [user, vendorCode] of unreachable) {
    void it(`sending to ${user} → RECIPIENT_UNREACHABLE (${vendorCode})`, async () => {
      const err = await rejection(
        provider().sendCard({ recipient: recipient(user), card: createTestCard(), idempotencyKey: `ab-${user}` }),
      );
      assert.equal(err.code, 'RECIPIENT_UNREACHABLE');
      assert.equal(err.vendorCode, vendorCode);
    });
  }

  void it('an unknown open_id → RECIPIENT_UNREACHABLE (230034)', async () => {
    const r = { userId: 'x', name: 'x', platformUserId: 'ou_unknown' };
    const err = await rejection(provider().sendCard({ recipient: r, card: createTestCard(), idempotencyKey: 'ab-x' }));
    assert.equal(err.vendorCode, 230034);
  });

  void it('Lark works through the /lark prefix with its own app registry', async () => {
    const lark = provider('lark');
    const platformUserId = await lark.resolveUser({ email: 'bob@example.com' });
    assert.equal(platformUserId, openId('bob', 'lark'));
    const { cardRef } = await lark.sendCard({
      recipient: { userId: 'bob', name: 'Bob', platformUserId },
      card: createTestCard(),
      idempotencyKey: 'ab-lark',
    });
    const inbox = await sim.control.inbox('lark', 'bob');
    assert.equal(inbox[0]?.id, cardRef);
    assert.equal((await sim.control.inbox('feishu', 'bob')).length, 0);
    const wrong = await rejection(provider('lark', SANDBOX_APPS.feishu).resolveUser({ email: 'bob@example.com' }));
    assert.equal(wrong.code, 'AUTH_INVALID', 'a Feishu app does not exist on Lark');
    assert.match(wrong.message, /^Lark token failed/);
  });
});
