/**
 * The simulator's DingTalk Stream gateway, driven by a bare WebSocket client: connections/open → ticket → connect,
 * SYSTEM frames, pings, card clicks as CALLBACK frames whose replies update the card, redelivery, drops and injection.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import type { SimClickResult } from '../../sim/core/clicks.js';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import type { StreamConnection } from '../../sim/core/stream-hub.js';
import type { SimCardView } from '../../sim/dingtalk/template.js';
import { startSimServer, type SimServer } from '../../sim/server.js';
import { RawSocket, refusedStatus } from './ws-client.js';

const TOPIC = '/v1.0/card/instances/callback';
const std = SANDBOX_APPS.dingtalk;
const dispatcher = new Agent();
let now = Date.UTC(2030, 0, 15, 12, 0, 0);
let sim: SimServer;
const sockets: RawSocket[] = [];

interface Frame {
  specVersion?: string;
  type?: string;
  code?: number;
  headers: Record<string, string>;
  data: string;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${sim.url}${path}`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const control = (path: string, body: unknown) => post(`/_sim${path}`, body);
const streams = async (query = ''): Promise<StreamConnection[]> => {
  const res = await request(`${sim.url}/_sim/streams${query}`, { dispatcher });
  return (await res.body.json()) as StreamConnection[];
};

function open(edition = 'dingtalk', subscriptions = [{ type: 'CALLBACK', topic: TOPIC }]) {
  const app = SANDBOX_APPS[edition as 'dingtalk'];
  return post(`/${edition}/api/v1.0/gateway/connections/open`, {
    clientId: app.appId,
    clientSecret: app.appSecret,
    subscriptions,
    ua: 'sim-test',
  });
}

/** open → connect → CONNECTED + REGISTERED. */
async function connect(edition = 'dingtalk', subscriptions?: { type: string; topic: string }[]): Promise<RawSocket> {
  const { body } = await open(edition, subscriptions);
  const socket = await RawSocket.open(`${String(body.endpoint)}?ticket=${encodeURIComponent(String(body.ticket))}`);
  sockets.push(socket);
  await socket.nextJson<Frame>((f) => f.type === 'SYSTEM' && f.headers.topic === 'CONNECTED');
  await socket.nextJson<Frame>((f) => f.type === 'SYSTEM' && f.headers.topic === 'REGISTERED');
  return socket;
}

/** A Stream-mode card delivered to bob's robot chat over the plain HTTP API. */
async function deliverStreamCard(outTrackId: string, callbackType = 'STREAM', routeKey?: string): Promise<void> {
  const t = await post('/dingtalk/api/v1.0/oauth2/accessToken', { appKey: std.appId, appSecret: std.appSecret });
  const bob = sim.core.users.get('bob')?.ids.dingtalk ?? '';
  const res = await post(
    '/dingtalk/api/v1.0/card/instances/createAndDeliver',
    {
      cardTemplateId: 'tpl',
      outTrackId,
      callbackType,
      ...(routeKey ? { callbackRouteKey: routeKey } : {}),
      cardData: { cardParamMap: { status: 'pending', showActions: 'true', ticketId: 'T-9', tenant: 'acme' } },
      privateData: { [bob]: { cardParamMap: { nonce: 'n-9' } } },
      openSpaceId: `dtv1.card//IM_ROBOT.${bob}`,
      imRobotOpenSpaceModel: { supportForward: false },
      imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: std.appId },
      userIdType: 1,
    },
    { 'x-acs-dingtalk-access-token': String(t.body.accessToken) },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const click = (outTrackId: string, extra: Record<string, unknown> = {}) =>
  control('/click', { platform: 'dingtalk', messageId: outTrackId, userId: 'bob', action: 'approve', ...extra }).then(
    (r) => r.body as unknown as SimClickResult,
  );

/** The app's side: answer the CALLBACK frame with `response` (or a given code). */
function reply(socket: RawSocket, frame: Frame, response: unknown, code = 200): void {
  const headers = { contentType: 'application/json', messageId: frame.headers.messageId ?? '' };
  socket.send(JSON.stringify({ code, headers, message: 'OK', data: JSON.stringify({ response }) }));
}

const callbackFrame = (socket: RawSocket) => socket.nextJson<Frame>((f) => f.type === 'CALLBACK');
const bobView = (outTrackId: string) =>
  sim.core.inbox.viewFor(sim.core.inbox.get('dingtalk', outTrackId)!, 'bob') as SimCardView;

before(async () => {
  sim = await startSimServer({ clock: { now: () => now } });
});
after(async () => {
  await sim.close();
  await dispatcher.close();
});
beforeEach(() => {
  for (const s of sockets.splice(0)) s.close();
  sim.core.reset();
});

void describe('dingtalk simulator: Stream mode gateway', () => {
  void it('connections/open refuses bad credentials with 400 invalidClientIdOrSecret and logs the call', async () => {
    const wrong = await post('/dingtalk/api/v1.0/gateway/connections/open', {
      clientId: std.appId,
      clientSecret: 'nope',
      subscriptions: [],
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.code, 'invalidClientIdOrSecret');
    assert.equal(wrong.body.message, '无效的clientId或者clientSecret');
    assert.ok(wrong.body.requestid);
    const unknown = await post('/dingtalk/api/v1.0/gateway/connections/open', { clientId: 'x', clientSecret: 'y' });
    assert.equal(unknown.status, 400);
    const ok = await open();
    assert.equal(ok.status, 200);
    const log = sim.core.log.list({ platform: 'dingtalk', api: 'stream_open' });
    assert.deepEqual(
      log.map((r) => r.status),
      [400, 400, 200],
    );
    assert.equal(sim.core.apps.get('dingtalk', std.appId)?.quotaUsed, 0, 'not billed');
  });

  void it('answers a ws:// endpoint on the sim and a ticket; the socket opens with CONNECTED then REGISTERED', async () => {
    const { body } = await open();
    assert.equal(body.endpoint, `ws://127.0.0.1:${sim.port}/dingtalk/stream/connect`);
    const socket = await RawSocket.open(`${String(body.endpoint)}?ticket=${encodeURIComponent(String(body.ticket))}`);
    sockets.push(socket);
    const first = await socket.nextJson<Frame>();
    const second = await socket.nextJson<Frame>();
    assert.equal(first.specVersion, '1.0');
    assert.equal(first.type, 'SYSTEM');
    assert.equal(first.headers.topic, 'CONNECTED');
    assert.equal(first.headers.contentType, 'application/json');
    assert.match(first.headers.messageId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(first.headers.time, String(now));
    assert.equal(first.data, '{}');
    assert.equal(second.headers.topic, 'REGISTERED');
    const [listed] = await streams('?platform=dingtalk');
    assert.equal(listed?.appId, std.appId);
    assert.equal(listed?.openedAt, now);
  });

  void it('refuses the upgrade with 401 for a missing, unknown, used, expired or other-edition ticket', async () => {
    const base = `ws://127.0.0.1:${sim.port}/dingtalk/stream/connect`;
    assert.equal(await refusedStatus(base), 401);
    assert.equal(await refusedStatus(`${base}?ticket=bogus`), 401);
    const { body } = await open();
    sockets.push(await RawSocket.open(`${base}?ticket=${encodeURIComponent(String(body.ticket))}`));
    assert.equal(await refusedStatus(`${base}?ticket=${encodeURIComponent(String(body.ticket))}`), 401, 'single use');
    const late = await open();
    now += 91_000;
    assert.equal(await refusedStatus(`${base}?ticket=${encodeURIComponent(String(late.body.ticket))}`), 401);
    const exclusive = await open('dingtalk-exclusive');
    assert.equal(await refusedStatus(`${base}?ticket=${encodeURIComponent(String(exclusive.body.ticket))}`), 401);
    assert.equal(String(exclusive.body.endpoint), `ws://127.0.0.1:${sim.port}/dingtalk-exclusive/stream/connect`);
  });

  void it('pings every streamPingIntervalMs; echoes are counted per connection', async () => {
    const patched = await request(`${sim.url}/_sim/config`, {
      method: 'PATCH',
      dispatcher,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ streamPingIntervalMs: 30 }),
    });
    assert.equal(((await patched.body.json()) as { streamPingIntervalMs: number }).streamPingIntervalMs, 30);
    const socket = await connect();
    const ping = await socket.nextJson<Frame>((f) => f.type === 'SYSTEM' && f.headers.topic === 'ping');
    const { opaque } = JSON.parse(ping.data) as { opaque: string };
    assert.match(opaque, /^[0-9a-f-]{36}$/);
    socket.send(JSON.stringify({ code: 200, headers: ping.headers, message: 'OK', data: ping.data }));
    await socket.nextJson<Frame>((f) => f.type === 'SYSTEM' && f.headers.topic === 'ping');
    const [conn] = await streams();
    assert.ok((conn?.pingsAnswered ?? 0) >= 1);
    assert.ok((conn?.framesReceived ?? 0) >= 1);
  });

  void it('a click on a STREAM card arrives as a CALLBACK frame; the reply updates the clicker view', async () => {
    const socket = await connect();
    await deliverStreamCard('ot-stream-1');
    const clicked = click('ot-stream-1');
    const frame = await callbackFrame(socket);
    const [conn] = await streams();
    assert.equal(frame.specVersion, '1.0');
    assert.deepEqual(Object.keys(frame.headers), [
      'appId',
      'connectionId',
      'contentType',
      'messageId',
      'time',
      'topic',
    ]);
    assert.equal(frame.headers.appId, std.appId);
    assert.equal(frame.headers.connectionId, conn?.id);
    assert.equal(frame.headers.topic, TOPIC);
    const data = JSON.parse(frame.data) as Record<string, string>;
    assert.equal(data.type, 'actionCallback');
    assert.equal(data.outTrackId, 'ot-stream-1');
    assert.equal(data.corpId, std.tenantKey);
    assert.equal(data.userId, sim.core.users.get('bob')?.ids.dingtalk);
    const content = JSON.parse(data.content ?? '') as { cardPrivateData: { actionIds: string[]; params: unknown } };
    assert.deepEqual(content.cardPrivateData.actionIds, ['approve']);
    reply(socket, frame, { cardData: { cardParamMap: { status: 'approved', showActions: 'false' } } });
    const result = await clicked;
    assert.equal(result.url, `stream://dingtalk/${conn?.id}`);
    assert.deepEqual(result.request, { headers: frame.headers, body: frame.data });
    assert.equal(result.answer.status, 200);
    assert.deepEqual(JSON.parse(result.answer.body), {
      cardData: { cardParamMap: { status: 'approved', showActions: 'false' } },
    });
    assert.equal(result.record.cardApplied, true);
    assert.equal(bobView('ot-stream-1').cardParamMap.status, 'approved');
    assert.equal(result.redelivered, undefined);
  });

  void it('records callback.noConnection, callback.timeout and callback.invalidResponse', async () => {
    await deliverStreamCard('ot-stream-2');
    const none = await click('ot-stream-2');
    assert.equal(none.record.clientError?.code, 'callback.noConnection');
    // Subscribed to events only: still nobody to take card callbacks.
    const eventsOnly = await connect('dingtalk', [{ type: 'EVENT', topic: '*' }]);
    assert.equal((await click('ot-stream-2')).record.clientError?.code, 'callback.noConnection');
    eventsOnly.close();

    sim.core.applyConfig({ callbackTimeoutMs: 100 });
    const socket = await connect();
    const silent = await click('ot-stream-2');
    assert.equal(silent.record.clientError?.code, 'callback.timeout');
    assert.equal(silent.answer.failure, 'timeout');
    await callbackFrame(socket);

    sim.core.applyConfig({ callbackTimeoutMs: 3000 });
    const refused = click('ot-stream-2');
    reply(socket, await callbackFrame(socket), {}, 500);
    const answer = await refused;
    assert.equal(answer.record.clientError?.code, 'callback.invalidResponse');
    assert.equal(answer.answer.status, 500);
    assert.equal(bobView('ot-stream-2').cardParamMap.status, 'pending');
  });

  void it('redeliver: the same frame (same messageId) goes again, to another connection; both answers apply', async () => {
    const a = await connect();
    const b = await connect();
    await deliverStreamCard('ot-stream-3');
    const clicked = click('ot-stream-3', { redeliver: true });
    // Both sockets wait; whichever gets the first delivery answers, the other one's wait yields the redelivery.
    const onA = callbackFrame(a);
    const onB = callbackFrame(b);
    const firstSocket = await Promise.race([
      onA.then((f) => ({ s: a, f, other: b, rest: onB })),
      onB.then((f) => ({ s: b, f, other: a, rest: onA })),
    ]);
    reply(firstSocket.s, firstSocket.f, { cardData: { cardParamMap: { status: 'first' } } });
    const { other } = firstSocket;
    const again = await firstSocket.rest;
    assert.equal(again.headers.messageId, firstSocket.f.headers.messageId);
    assert.equal(again.data, firstSocket.f.data);
    assert.notEqual(again.headers.connectionId, firstSocket.f.headers.connectionId);
    reply(other, again, { userPrivateData: { cardParamMap: { nonce: 'second' } }, cardUpdateOptions: {} });
    const result = await clicked;
    assert.equal(result.redelivered?.connectionId, again.headers.connectionId);
    assert.equal(result.redelivered?.record.cardApplied, true);
    const view = bobView('ot-stream-3');
    assert.equal(view.cardParamMap.status, 'first');
    assert.equal(view.privateParamMap.nonce, 'second');
    assert.equal(sim.core.inbox.get('dingtalk', 'ot-stream-3')?.clicks.length, 2);
  });

  void it('redeliver on an HTTP card POSTs the identical request twice', async () => {
    const got: { headers: Record<string, unknown>; body: string }[] = [];
    const app: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/cb`;
    sim.core.apps.get('dingtalk', std.appId)!.callbackRoutes.rk = { url, secret: 's3cret' };
    await deliverStreamCard('ot-http-1', 'HTTP', 'rk');
    const result = await click('ot-http-1', { redeliver: true });
    app.close();
    assert.equal(got.length, 2);
    assert.equal(got[0]?.body, got[1]?.body);
    assert.equal(got[0]?.headers['x-ddpaas-signature'], got[1]?.headers['x-ddpaas-signature']);
    assert.equal(result.redelivered?.answer.status, 200);
    assert.equal(result.redelivered?.connectionId, undefined);
  });

  void it('drop terminates the sockets; disconnect mode says goodbye first; inject reaches every connection', async () => {
    const a = await connect();
    const b = await connect();
    const injected = await control('/streams/inject', { platform: 'dingtalk', appId: std.appId, text: 'not json' });
    assert.deepEqual(injected.body, { sent: 2 });
    for (const s of [a, b]) assert.equal(await s.next<string>((f) => f.data.toString('utf8')), 'not json');

    const polite = await control('/streams/drop', { platform: 'dingtalk', appId: std.appId, mode: 'disconnect' });
    assert.deepEqual(polite.body, { dropped: 2 });
    const bye = await a.nextJson<Frame>((f) => f.type === 'SYSTEM' && f.headers.topic === 'disconnect');
    assert.ok(bye.headers.messageId);
    b.close(); // b leaves on its own; a lingers and is closed by the gateway a second later
    assert.equal(await a.closed, 1000);

    const c = await connect();
    const dropped = await control('/streams/drop', { platform: 'dingtalk' });
    assert.deepEqual(dropped.body, { dropped: 1 });
    assert.equal(await c.closed, 1006, 'no close frame: a network drop');
    assert.deepEqual(await streams('?platform=dingtalk'), []);
  });

  void it('reset closes every connection', async () => {
    const socket = await connect();
    await control('/reset', {});
    assert.equal(await socket.closed, 1006);
    assert.deepEqual(await streams(), []);
  });
});
