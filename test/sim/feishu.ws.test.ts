/**
 * The simulator's Feishu / Lark long-connection gateway, driven by a bare WebSocket client and the sim's own pbbp2
 * codec: endpoint auth, ping / pong, card clicks as data frames whose replies update the card, split payloads,
 * redelivery, the 50-connection limit, drops and injection.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import type { SimClickResult } from '../../sim/core/clicks.js';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import type { StreamConnection } from '../../sim/core/stream-hub.js';
import { decodeFrame, encodeFrame, frameHeader, FrameMethod, type Frame } from '../../sim/feishu/frame.js';
import { startSimServer, type SimServer } from '../../sim/server.js';
import { RawSocket, refusedStatus } from './ws-client.js';

const feishu = SANDBOX_APPS.feishu;
const dispatcher = new Agent();
let sim: SimServer;
const sockets: RawSocket[] = [];

async function call(
  method: 'POST' | 'PUT' | 'PATCH',
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await request(`${sim.url}${path}`, {
    method,
    dispatcher,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

interface Endpoint {
  code: number;
  msg: string;
  data?: { URL: string; ClientConfig: Record<string, number> };
}

const endpoint = (AppID: string = feishu.appId, AppSecret: string = feishu.appSecret) =>
  call('POST', '/feishu/callback/ws/endpoint', { AppID, AppSecret }, { locale: 'zh' }).then(
    (r) => r.body as unknown as Endpoint,
  );

async function connect(): Promise<{ socket: RawSocket; serviceId: number }> {
  const { data } = await endpoint();
  assert.ok(data);
  const socket = await RawSocket.open(data.URL);
  sockets.push(socket);
  return { socket, serviceId: Number(new URL(data.URL).searchParams.get('service_id')) };
}

const streams = async (): Promise<StreamConnection[]> =>
  (
    await request(`${sim.url}/_sim/streams?platform=feishu&appId=${feishu.appId}`, { dispatcher })
  ).body.json() as Promise<StreamConnection[]>;

/** A schema 2.0 card with an approve button, sent to bob over the plain HTTP API. */
async function sendCard(): Promise<string> {
  const token = await call('POST', '/feishu/open-apis/auth/v3/tenant_access_token/internal', {
    app_id: feishu.appId,
    app_secret: feishu.appSecret,
  });
  const card = {
    schema: '2.0',
    config: { update_multi: true },
    body: {
      elements: [
        {
          tag: 'button',
          text: { tag: 'plain_text', content: 'Approve' },
          behaviors: [{ type: 'callback', value: { a: 'approve', t: 'T-1' } }],
        },
      ],
    },
  };
  const sent = await call(
    'POST',
    '/feishu/open-apis/im/v1/messages?receive_id_type=open_id',
    {
      receive_id: sim.core.users.get('bob')?.ids.feishu,
      msg_type: 'interactive',
      content: JSON.stringify(card),
    },
    { authorization: `Bearer ${String(token.body.tenant_access_token)}` },
  );
  return String((sent.body.data as { message_id: string }).message_id);
}

const click = (messageId: string, extra: Record<string, unknown> = {}) =>
  call('POST', '/_sim/click', { platform: 'feishu', messageId, userId: 'bob', action: 'approve', ...extra }).then(
    (r) => r.body as unknown as SimClickResult,
  );

/** The next binary frame, decoded, that `match` accepts. */
const nextFrame = (socket: RawSocket, match: (f: Frame) => boolean = () => true, timeoutMs?: number) =>
  socket.next((raw) => {
    if (!raw.isBinary) return undefined;
    const frame = decodeFrame(raw.data);
    return match(frame) ? frame : undefined;
  }, timeoutMs);

const isData = (f: Frame) => f.method === FrameMethod.data;

/** The app's answer: the received frame back with payload `{code, data: base64(answer)}` (what the SDKs send). */
function reply(socket: RawSocket, frame: Frame, answer: unknown, code = 200): void {
  const payload = JSON.stringify({ code, data: Buffer.from(JSON.stringify(answer)).toString('base64') });
  socket.send(encodeFrame({ ...frame, headers: [...frame.headers, { key: 'biz_rt', value: '3' }], payload }));
}

before(async () => {
  sim = await startSimServer();
});
after(async () => {
  await sim.close();
  await dispatcher.close();
});
beforeEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  sim.core.reset();
  await call('PUT', `/_sim/apps/feishu/${feishu.appId}`, { callbackMode: 'ws' });
});

void describe('feishu simulator: long connection gateway', () => {
  void it('endpoint: 514 for a wrong secret or unknown app; otherwise the URL and the ClientConfig', async () => {
    assert.deepEqual(await endpoint(feishu.appId, 'wrong'), { code: 514, msg: 'auth failed' });
    assert.deepEqual(await endpoint('cli_nobody', 'x'), { code: 514, msg: 'auth failed' });
    const ok = await endpoint();
    assert.equal(ok.code, 0);
    const url = new URL(ok.data?.URL ?? '');
    assert.equal(`${url.protocol}//${url.host}${url.pathname}`, `ws://127.0.0.1:${sim.port}/feishu/ws`);
    assert.match(url.searchParams.get('device_id') ?? '', /^\d+$/);
    assert.match(url.searchParams.get('service_id') ?? '', /^\d+$/);
    assert.ok(url.searchParams.get('ticket'));
    assert.deepEqual(ok.data?.ClientConfig, {
      PingInterval: 120,
      ReconnectCount: -1,
      ReconnectInterval: 2,
      ReconnectNonce: 1,
    });
    const log = sim.core.log.list({ platform: 'feishu', api: 'ws_endpoint' });
    assert.deepEqual(
      log.map((r) => r.vendorCode),
      [514, 514, 0],
    );
  });

  void it('refuses an upgrade with a bad or used ticket (401)', async () => {
    assert.equal(await refusedStatus(`ws://127.0.0.1:${sim.port}/feishu/ws?ticket=nope`), 401);
    const { data } = await endpoint();
    sockets.push(await RawSocket.open(data?.URL ?? ''));
    assert.equal(await refusedStatus(data?.URL ?? ''), 401);
    // A Feishu ticket is no good on the Lark gateway.
    const other = await endpoint();
    assert.equal(await refusedStatus((other.data?.URL ?? '').replace('/feishu/ws', '/lark/ws')), 401);
  });

  void it('answers a ping control frame with a pong carrying the ClientConfig', async () => {
    sim.core.applyConfig({ wsPingIntervalSeconds: 7 });
    const { socket, serviceId } = await connect();
    socket.send(
      encodeFrame({ service: serviceId, method: FrameMethod.control, headers: [{ key: 'type', value: 'ping' }] }),
    );
    const pong = await nextFrame(socket);
    assert.equal(pong.method, FrameMethod.control);
    assert.equal(pong.service, serviceId);
    assert.equal(frameHeader(pong, 'type'), 'pong');
    assert.deepEqual(JSON.parse(pong.payload.toString('utf8')), {
      PingInterval: 7,
      ReconnectCount: -1,
      ReconnectInterval: 2,
      ReconnectNonce: 1,
    });
    const [conn] = await streams();
    assert.equal(conn?.pingsAnswered, 1);
    assert.equal(conn?.framesReceived, 1);
  });

  void it('a click goes as a plaintext event data frame; the reply updates the card and keeps the toast', async () => {
    const { socket, serviceId } = await connect();
    const messageId = await sendCard();
    const clicked = click(messageId);
    const frame = await nextFrame(socket, isData);
    assert.equal(frame.service, serviceId);
    assert.deepEqual(
      frame.headers.map((h) => h.key),
      ['type', 'message_id', 'sum', 'seq', 'trace_id'],
    );
    assert.equal(frameHeader(frame, 'type'), 'event');
    assert.equal(frameHeader(frame, 'sum'), '1');
    assert.equal(frameHeader(frame, 'seq'), '0');
    // The sandbox Feishu app has an Encrypt Key, but the long connection carries plaintext.
    const body = JSON.parse(frame.payload.toString('utf8')) as { schema: string; header: Record<string, string> };
    assert.equal(body.schema, '2.0');
    assert.equal(body.header.event_type, 'card.action.trigger');
    assert.equal(body.header.token, feishu.verificationToken);
    const newCard = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'Approved' }] } };
    reply(socket, frame, { toast: { type: 'success', content: 'ok' }, card: { type: 'raw', data: newCard } });
    const result = await clicked;
    const [conn] = await streams();
    assert.equal(result.url, `ws://feishu/${conn?.id}`);
    assert.deepEqual(result.request, { headers: {}, body: frame.payload.toString('utf8') });
    assert.equal(result.answer.status, 200);
    assert.equal(result.record.cardApplied, true);
    assert.deepEqual(result.record.toast, { type: 'success', content: 'ok' });
    assert.deepEqual(sim.core.inbox.get('feishu', messageId)?.content, newCard);
  });

  void it('clientErrors: no connection 200342, timeout 200341, non-200 code 200671, legacy 200340', async () => {
    const messageId = await sendCard();
    assert.deepEqual((await click(messageId)).record.clientError, { code: 200342, msg: 'no long connection' });
    const { socket } = await connect();
    sim.core.applyConfig({ callbackTimeoutMs: 100 });
    assert.equal((await click(messageId)).record.clientError?.code, 200341);
    await nextFrame(socket, isData);
    sim.core.applyConfig({ callbackTimeoutMs: 3000 });
    const failing = click(messageId);
    reply(socket, await nextFrame(socket, isData), {}, 500);
    const failed = await failing;
    assert.equal(failed.answer.status, 500);
    assert.equal(failed.record.clientError?.code, 200671);
    const legacy = await click(messageId, { mode: 'legacy' });
    assert.equal(legacy.record.clientError?.code, 200340);
    assert.equal(sim.core.inbox.get('feishu', messageId)?.clicks.length, 4);
  });

  void it('an absent data field is an empty answer {}', async () => {
    const { socket } = await connect();
    const messageId = await sendCard();
    const clicked = click(messageId);
    const frame = await nextFrame(socket, isData);
    socket.send(encodeFrame({ ...frame, payload: JSON.stringify({ code: 200 }) }));
    const result = await clicked;
    assert.equal(result.answer.body, '{}');
    assert.equal(result.record.clientError, undefined);
    assert.equal(result.record.cardApplied, false);
  });

  void it('splits a payload larger than wsSplitPayloadBytes into sum frames with one message_id', async () => {
    sim.core.applyConfig({ wsSplitPayloadBytes: 100 });
    const { socket } = await connect();
    const messageId = await sendCard();
    const clicked = click(messageId);
    const first = await nextFrame(socket, isData);
    const sum = Number(frameHeader(first, 'sum'));
    assert.ok(sum > 1);
    const parts = [first];
    for (let i = 1; i < sum; i++) parts.push(await nextFrame(socket, isData));
    assert.deepEqual(
      parts.map((p) => frameHeader(p, 'seq')),
      parts.map((_, i) => String(i)),
    );
    assert.ok(parts.every((p) => frameHeader(p, 'message_id') === frameHeader(first, 'message_id')));
    assert.ok(parts.every((p) => p.payload.length <= 100));
    const whole = Buffer.concat(parts.map((p) => p.payload)).toString('utf8');
    reply(socket, first, {});
    const result = await clicked;
    assert.equal(whole, result.request.body);
    assert.equal((JSON.parse(whole) as { schema: string }).schema, '2.0');
  });

  void it('redeliver: the same frame (same message_id) once more, to another connection', async () => {
    const a = await connect();
    const b = await connect();
    const messageId = await sendCard();
    const clicked = click(messageId, { redeliver: true });
    const onA = nextFrame(a.socket, isData);
    const onB = nextFrame(b.socket, isData);
    const first = await Promise.race([
      onA.then((f) => ({ s: a.socket, f, rest: onB, other: b })),
      onB.then((f) => ({ s: b.socket, f, rest: onA, other: a })),
    ]);
    reply(first.s, first.f, {});
    const again = await first.rest;
    assert.equal(frameHeader(again, 'message_id'), frameHeader(first.f, 'message_id'));
    assert.equal(again.service, first.other.serviceId);
    assert.deepEqual(again.payload, first.f.payload);
    reply(first.other.socket, again, { toast: { type: 'info', content: 'again' } });
    const result = await clicked;
    assert.notEqual(result.redelivered?.connectionId, undefined);
    assert.notEqual(result.redelivered?.connectionId, result.url.split('/').pop());
    assert.deepEqual(result.redelivered?.record.toast, { type: 'info', content: 'again' });
  });

  void it('the 51st connection of an app is refused with 1000040350', async () => {
    for (let i = 0; i < 50; i++) await connect();
    assert.deepEqual(await endpoint(), { code: 1000040350, msg: 'exceed connection limit' });
    sockets.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await endpoint()).code, 0);
  });

  void it('drop terminates; inject sends raw binary frames; callbackMode is validated', async () => {
    const { socket } = await connect();
    const junk = Buffer.from([0xff, 0x00, 0x13]);
    const sent = await call('POST', '/_sim/streams/inject', {
      platform: 'feishu',
      appId: feishu.appId,
      base64: junk.toString('base64'),
    });
    assert.deepEqual(sent.body, { sent: 1 });
    assert.deepEqual(await socket.next((f) => (f.isBinary ? f.data : undefined)), junk);
    const bad = await call('POST', '/_sim/streams/inject', { platform: 'feishu', appId: feishu.appId });
    assert.equal(bad.status, 400);
    const dropped = await call('POST', '/_sim/streams/drop', { platform: 'feishu', appId: feishu.appId });
    assert.deepEqual(dropped.body, { dropped: 1 });
    assert.equal(await socket.closed, 1006);
    const wrongMode = await call('POST', '/_sim/streams/drop', { platform: 'feishu', mode: 'disconnect' });
    assert.equal(wrongMode.status, 400, 'the disconnect goodbye is DingTalk only');
    const invalid = await call('PUT', `/_sim/apps/feishu/${feishu.appId}`, { callbackMode: 'carrier-pigeon' });
    assert.equal(invalid.status, 400);
    const cleared = await call('PUT', `/_sim/apps/feishu/${feishu.appId}`, { callbackMode: null });
    assert.equal(cleared.body.callbackMode, undefined);
  });
});
