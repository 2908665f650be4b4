import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import { startSimServer, type SimServer } from '../../sim/server.js';
import type { SimCardView } from '../../sim/dingtalk/template.js';
import {
  createDingtalkProvider,
  parseCardCallback,
  verifyCallbackSignature,
} from '../../src/channels/dingtalk/index.js';
import type { ApprovalCard } from '../../src/domain/card.js';

const API_SECRET = 'click-test-api-secret';
const clock = { now: () => Date.UTC(2030, 0, 15, 12, 0, 0) };
const dispatcher = new Agent();
let sim: SimServer;

/** The app's callback endpoint: records what DingTalk sent and answers with `reply`. */
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let reply: { status: number; body: unknown } = { status: 200, body: {} };
let app: Server;
let appUrl = '';

const card: ApprovalCard = {
  tenant: 'acme',
  ticketId: 'T-7',
  ticketType: 'ticket.data_export',
  title: 'Export users',
  requesterName: 'Alice Requester',
  fields: [],
  deadlineAt: '2030-01-16T12:00:00.000Z',
  status: 'pending',
  level: 1,
  nonce: 'nonce-7',
};

async function control(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await request(`${sim.url}/_sim${path}`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: await res.body.json() };
}

before(async () => {
  sim = await startSimServer({ clock });
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/callbacks/dingtalk`;
});
after(async () => {
  await sim.close();
  await new Promise((resolve) => app.close(resolve));
  await dispatcher.close();
});

for (const edition of ['dingtalk', 'dingtalk-exclusive'] as const) {
  void describe(`${edition} simulated click`, () => {
    const sandbox = SANDBOX_APPS[edition];
    const bob = () => sim.core.users.get('bob')?.ids[edition] ?? '';
    const provider = (apiSecret?: string) =>
      createDingtalkProvider(
        edition,
        {
          appKey: sandbox.appId,
          appSecret: sandbox.appSecret,
          robotCode: sandbox.appId,
          cardTemplateId: 'tpl.approval.v1',
          callbackRouteKey: 'approvals-bridge',
          ...(apiSecret ? { apiSecret } : {}),
          apiBaseUrl: `${sim.url}/${edition}/api`,
          oapiBaseUrl: `${sim.url}/${edition}/oapi`,
          ...(edition === 'dingtalk' ? { appId: 'sim-app', agentId: 1 } : {}),
        },
        dispatcher,
        { now: clock.now },
      );
    const deliver = async (signed = true) => {
      const p = provider(signed ? API_SECRET : undefined);
      await p.registerCallback({ callbackUrl: appUrl });
      const recipient = { userId: 'bob', name: 'Bob', platformUserId: bob() };
      return p.sendCard({ recipient, card, idempotencyKey: 'ab-click-1' });
    };

    beforeEach(() => {
      sim.core.reset();
      received.length = 0;
      reply = { status: 200, body: {} };
    });

    void it('builds the documented callback, signed so our verify function accepts it', async () => {
      const { cardRef } = await deliver();
      const click = await control('/click', { platform: edition, cardRef, userId: 'bob', action: 'approve' });
      assert.equal(click.status, 200);
      const [got] = received;
      assert.ok(got);
      const timestamp = got.headers['x-ddpaas-signature-timestamp'] as string;
      const signature = got.headers['x-ddpaas-signature'] as string;
      assert.equal(timestamp, String(clock.now()));
      assert.deepEqual(verifyCallbackSignature({ apiSecret: API_SECRET, timestamp, signature, now: clock.now() }), {
        ok: true,
      });
      assert.equal(verifyCallbackSignature({ apiSecret: 'other', timestamp, signature, now: clock.now() }).ok, false);
      const body = JSON.parse(got.body) as Record<string, unknown>;
      assert.equal(body.type, 'actionCallback');
      assert.equal(typeof body.content, 'string');
      assert.deepEqual(parseCardCallback(body), {
        outTrackId: 'ab-click-1',
        corpId: sandbox.tenantKey,
        userId: bob(),
        actionIds: ['approve'],
        params: { action: 'approve', ticketId: 'T-7', tenant: 'acme', nonce: 'nonce-7' },
      });
    });

    void it('applies the answer to the clicker view only', async () => {
      const { cardRef } = await deliver();
      reply = {
        status: 200,
        body: {
          cardData: { cardParamMap: { statusText: 'You approved', showActions: 'false' } },
          cardUpdateOptions: { updateCardDataByKey: true },
        },
      };
      const click = await control('/click', { platform: edition, cardRef, userId: 'bob', action: 'reject' });
      assert.equal((click.json as { record: { cardApplied: boolean } }).record.cardApplied, true);
      const message = sim.core.inbox.get(edition, cardRef);
      assert.ok(message);
      const mine = sim.core.inbox.viewFor(message, 'bob') as SimCardView;
      assert.equal(mine.cardParamMap.statusText, 'You approved');
      assert.equal(mine.cardParamMap.title, 'Export users', 'merged by key');
      assert.deepEqual(mine.buttons, []);
      assert.equal((message.content as SimCardView).buttons.length, 2, 'everyone else still sees the buttons');
      const again = await control('/click', { platform: edition, cardRef, userId: 'bob', action: 'approve' });
      assert.equal(again.status, 409, 'hidden buttons cannot be pressed');
    });

    void it('sends the `value` variant on request and no signature without an apiSecret', async () => {
      const { cardRef } = await deliver(false);
      await control('/click', { platform: edition, cardRef, userId: 'bob', action: 'approve', mode: 'value' });
      const [got] = received;
      assert.ok(got);
      assert.equal(got.headers['x-ddpaas-signature'], undefined);
      const body = JSON.parse(got.body) as Record<string, unknown>;
      assert.equal(body.content, undefined);
      assert.equal(typeof body.value, 'string');
      assert.equal(parseCardCallback(body)?.params.action, 'approve');
    });

    void it('records an app failure and refuses clicks by someone else', async () => {
      const { cardRef } = await deliver();
      reply = { status: 500, body: { error: 'boom' } };
      const click = await control('/click', { platform: edition, cardRef, userId: 'bob', action: 'approve' });
      const record = (click.json as { record: { cardApplied: boolean; clientError?: { code: string } } }).record;
      assert.equal(record.cardApplied, false);
      assert.equal(record.clientError?.code, 'callback.httpError');
      const carol = await control('/click', { platform: edition, cardRef, userId: 'carol', action: 'approve' });
      assert.equal(carol.status, 403);
    });
  });
}
