/**
 * Card callbacks over DingTalk Stream mode and Feishu / Lark long connections: the API dials out to the simulator's
 * gateways over real WebSockets, and clicks come back over them into the same decision path as HTTP callbacks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { request } from 'undici';
import type { SimClickResult } from '../../sim/core/clicks.js';
import { encodeFrame, FrameMethod, headerList } from '../../sim/feishu/frame.js';
import type { StreamStatus } from '../../src/channels/callback-stream.js';
import { createApi } from '../../src/api/main.js';
import { CHANNEL_CONFIG_REUSE_MS } from '../../src/db/db-ports.js';
import type { ChannelKind } from '../../src/domain/channel.js';
import { registerCallbackUrls } from '../../src/service/callback-registration.js';
import { SANDBOX_APPS } from '../support/simulator.js';
import { eventually } from '../support/stack.js';
import {
  allCardsShow,
  approvalState,
  cardOf,
  startCallbackStack,
  startTicket,
  KINDS,
  type CallbackStack,
} from './callback-stack.js';

interface ChannelView {
  config: Record<string, unknown>;
  callbackConnection?: StreamStatus;
}

describe('card callbacks over stream mode / long connections', () => {
  let stack: CallbackStack;
  before(async () => {
    stack = await startCallbackStack({ CALLBACK_STREAM_REFRESH_MS: '200' });
  });
  after(async () => {
    await stack?.stop();
  });

  /** What an admin does: PUT the channel with another callbackMode (secrets left out keep the stored ones). */
  async function setMode(kind: ChannelKind, mode: 'http' | 'stream', extra: Record<string, unknown> = {}) {
    const current = await stack.call<ChannelView>('GET', `/v1/channels/${kind}`);
    const config = { ...current.body.config, callbackMode: mode, ...extra };
    const res = await stack.call<ChannelView>('PUT', `/v1/channels/${kind}`, { kind, enabled: true, config });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // The PUT points callbacks at PUBLIC_BASE_URL (a placeholder in tests): point HTTP ones back at this API.
    await registerCallbackUrls({
      channelSource: stack.deps.channelSource,
      callbackBaseUrl: stack.apiUrl,
      simulatorUrl: stack.sim.url,
      dispatcher: stack.deps.dispatcher,
    });
    // Workers reuse a loaded channel config for a moment: cards sent after that follow the new mode.
    await setTimeout(CHANNEL_CONFIG_REUSE_MS + 100);
    return res.body;
  }

  const connectionOf = async (kind: ChannelKind) =>
    (await stack.call<ChannelView>('GET', `/v1/channels/${kind}`)).body.callbackConnection;

  const connected = (kind: ChannelKind, reconnectsAtLeast = 0) =>
    eventually(
      () => connectionOf(kind),
      (c) => c?.state === 'connected' && c.reconnects >= reconnectsAtLeast,
    );

  const press = (kind: ChannelKind, messageId: string, userId: string, extra: Record<string, unknown> = {}) =>
    stack.sim.control.click<
      SimClickResult & { redelivered?: { connectionId?: string; answer: SimClickResult['answer'] } }
    >({
      platform: kind,
      messageId,
      userId,
      action: 'approve',
      ...extra,
    });

  async function metrics(): Promise<string> {
    const res = await request(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    return res.body.text();
  }

  const ignoredFrames = async (kind: ChannelKind) => {
    const line = (await metrics())
      .split('\n')
      .find((l) => l.startsWith(`approvals_callback_connection_frames_total{platform="${kind}",outcome="ignored"}`));
    return Number(line?.split(' ').at(-1) ?? 0);
  };

  test('switching a Feishu card already out to the long connection: the same card is answered over it', async () => {
    await startTicket(stack, 'ST-SWITCH-F');
    const card = await cardOf(stack, 'feishu', 'bob', 'ST-SWITCH-F');
    await setMode('feishu', 'stream');
    await connected('feishu');
    const result = await press('feishu', card.id, 'bob');
    assert.match(result.url, /^ws:\/\//, 'the platform delivered the click over the connection, not over HTTP');
    assert.equal(result.answer.status, 200);
    assert.equal(result.record.clientError, undefined);
    await allCardsShow(stack, 'ST-SWITCH-F', 'Approved by Bob');
  });

  test('every channel in stream mode: an approval on each is decided with no inbound HTTP callback', async () => {
    await startTicket(stack, 'ST-OLD-D');
    const oldCard = await cardOf(stack, 'dingtalk-exclusive', 'bob', 'ST-OLD-D');
    for (const kind of KINDS) await setMode(kind, 'stream');
    for (const kind of KINDS) await connected(kind);
    // A DingTalk card keeps its route: one sent before the switch still calls back over HTTP, and is answered.
    const old = await press('dingtalk-exclusive', oldCard.id, 'bob');
    assert.match(old.url, /^http:\/\//);
    assert.equal(old.answer.status, 200);
    await allCardsShow(stack, 'ST-OLD-D', 'Approved by Bob');
    for (const kind of KINDS) {
      const ticketId = `ST-ALL-${kind}`;
      await startTicket(stack, ticketId);
      const card = await cardOf(stack, kind, 'bob', ticketId);
      const result = await press(kind, card.id, 'bob');
      assert.match(result.url, /^(ws|stream):\/\//, `${kind}: over the connection`);
      assert.equal(result.answer.status, 200, `${kind}: answered`);
      assert.equal(result.record.clientError, undefined, `${kind}: the platform accepted the answer`);
      await allCardsShow(stack, ticketId, 'Approved by Bob');
      const state = await approvalState(stack, ticketId);
      assert.equal(state.decisions.length, 1);
      assert.equal(state.decisions[0]?.via, kind);
    }
    const health = await stack.call<{ callbackConnections: Record<string, StreamStatus> }>('GET', '/health');
    for (const kind of KINDS) {
      assert.equal(health.body.callbackConnections[kind]?.state, 'connected', kind);
      assert.ok((health.body.callbackConnections[kind]?.callbacksReceived ?? 0) >= 1, kind);
    }
    const text = await metrics();
    for (const kind of KINDS)
      assert.match(text, new RegExp(`approvals_callback_connection_up\\{platform="${kind}"\\} 1`));
  });

  test('a dropped connection reconnects and the next click works', async () => {
    for (const kind of ['lark', 'dingtalk-exclusive'] as const) {
      const before = (await connectionOf(kind))?.reconnects ?? 0;
      const dropped = await stack.sim.control.call<{ dropped: number }>('POST', '/streams/drop', {
        platform: kind,
        appId: SANDBOX_APPS[kind].appId,
      });
      assert.ok(dropped.dropped >= 1, `${kind}: the gateway dropped the connection`);
      await connected(kind, before + 1);
      const ticketId = `ST-DROP-${kind}`;
      await startTicket(stack, ticketId);
      const result = await press(kind, (await cardOf(stack, kind, 'carol', ticketId)).id, 'carol');
      assert.equal(result.answer.status, 200, kind);
      await allCardsShow(stack, ticketId, 'Approved by Carol');
    }
  });

  test('DingTalk asks to reconnect (SYSTEM disconnect): a fresh connection takes over', async () => {
    const before = (await connectionOf('dingtalk'))?.reconnects ?? 0;
    await stack.sim.control.call('POST', '/streams/drop', {
      platform: 'dingtalk',
      appId: SANDBOX_APPS.dingtalk.appId,
      mode: 'disconnect',
    });
    await connected('dingtalk', before + 1);
  });

  test('the same callback delivered twice makes one decision, and both deliveries get the answer', async () => {
    for (const kind of ['dingtalk', 'feishu'] as const) {
      const ticketId = `ST-TWICE-${kind}`;
      await startTicket(stack, ticketId);
      const result = await press(kind, (await cardOf(stack, kind, 'bob', ticketId)).id, 'bob', { redeliver: true });
      assert.equal(result.answer.status, 200, kind);
      assert.equal(result.redelivered?.answer.status, 200, `${kind}: the second delivery was answered too`);
      await allCardsShow(stack, ticketId, 'Approved by Bob');
      const state = await approvalState(stack, ticketId);
      assert.equal(state.decisions.length, 1, `${kind}: one decision`);
    }
  });

  test('bad frames and frames for another app are ignored with a log line; nothing changes', async () => {
    await startTicket(stack, 'ST-BAD');
    const before = { dingtalk: await ignoredFrames('dingtalk'), lark: await ignoredFrames('lark') };
    const inject = (platform: ChannelKind, frame: { text?: string; base64?: string }) =>
      stack.sim.control.call<{ sent: number }>('POST', '/streams/inject', {
        platform,
        appId: SANDBOX_APPS[platform].appId,
        ...frame,
      });
    const card = await cardOf(stack, 'dingtalk', 'bob', 'ST-BAD');
    const click = {
      type: 'actionCallback',
      outTrackId: String(card.meta.outTrackId),
      corpId: 'dingsimcorp0001',
      userId: 'unknown-user',
      content: JSON.stringify({ cardPrivateData: { actionIds: ['approve'], params: {} } }),
    };
    const callbackFrame = (appId: string) =>
      JSON.stringify({
        specVersion: '1.0',
        type: 'CALLBACK',
        headers: {
          appId,
          messageId: `m-${appId}`,
          topic: '/v1.0/card/instances/callback',
          contentType: 'application/json',
        },
        data: JSON.stringify(click),
      });
    assert.ok((await inject('dingtalk', { text: 'not json at all' })).sent >= 1);
    await inject('dingtalk', { text: callbackFrame('some-other-app') });
    await inject('lark', { base64: Buffer.from([0xff, 0x01, 0x02, 0x03]).toString('base64') });
    // A well-formed card.action.trigger, but for another app: refused before anyone is looked up.
    const larkCard = await cardOf(stack, 'lark', 'bob', 'ST-BAD');
    const foreign = {
      schema: '2.0',
      header: {
        event_id: 'foreign-1',
        event_type: 'card.action.trigger',
        app_id: 'cli_someone_else',
        create_time: String(Date.now() * 1000),
      },
      event: {
        operator: { open_id: 'ou_anyone' },
        action: { value: { t: 'ST-BAD', tn: 'default', a: 'approve', n: 'guess' } },
        context: { open_message_id: larkCard.id },
      },
    };
    const headers = headerList({ type: 'event', message_id: 'foreign-1', sum: '1', seq: '0', trace_id: 't' });
    const frame = encodeFrame({ method: FrameMethod.data, headers, payload: JSON.stringify(foreign) });
    await inject('lark', { base64: frame.toString('base64') });
    await eventually(
      async () => ({ dingtalk: await ignoredFrames('dingtalk'), lark: await ignoredFrames('lark') }),
      (now) => now.dingtalk >= before.dingtalk + 2 && now.lark >= before.lark + 2,
    );
    const state = await approvalState(stack, 'ST-BAD');
    assert.equal(state.status, 'pending');
    assert.deepEqual(state.decisions, []);
    assert.equal((await connectionOf('dingtalk'))?.state, 'connected', 'a bad frame does not cost the connection');
  });

  test('a DingTalk channel leaving stream mode keeps its connection for the cards sent in stream mode', async () => {
    await startTicket(stack, 'ST-BACK');
    const card = await cardOf(stack, 'dingtalk', 'carol', 'ST-BACK');
    const view = await setMode('dingtalk', 'http');
    assert.ok(typeof view.config.streamUntil === 'string', 'the drain deadline is set and shown');
    assert.equal((await connectionOf('dingtalk'))?.state, 'connected');
    const result = await press('dingtalk', card.id, 'carol');
    assert.match(result.url, /^stream:\/\//);
    assert.equal(result.answer.status, 200);
    await allCardsShow(stack, 'ST-BACK', 'Approved by Carol');
    // A card sent after the switch calls back over HTTP again.
    await startTicket(stack, 'ST-BACK-2');
    const http = await press('dingtalk', (await cardOf(stack, 'dingtalk', 'bob', 'ST-BACK-2')).id, 'bob');
    assert.match(http.url, /^http:\/\//);
    assert.equal(http.answer.status, 200);
  });

  test('credentials rotated on the platform: reconnects fail with the reason, then work once the channel has them', async () => {
    const appId = SANDBOX_APPS.lark.appId;
    await stack.sim.control.setApp('lark', appId, { appSecret: 'rotated-lark-secret' });
    await stack.sim.control.call('POST', '/streams/drop', { platform: 'lark', appId });
    const failing = await eventually(
      () => connectionOf('lark'),
      (c) => c?.state === 'reconnecting' && /514/.test(c.lastError ?? ''),
    );
    assert.doesNotMatch(JSON.stringify(failing), /rotated-lark-secret/, 'no secret in the status');
    await setMode('lark', 'stream', { appSecret: 'rotated-lark-secret' });
    await connected('lark');
    await startTicket(stack, 'ST-ROTATE');
    const result = await press('lark', (await cardOf(stack, 'lark', 'bob', 'ST-ROTATE')).id, 'bob');
    assert.equal(result.answer.status, 200);
  });

  test('two API replicas each keep a connection; a callback pushed to both is decided once', async () => {
    const second = await createApi({ env: stack.env, temporalClient: stack.temporal.client, logger: false });
    await second.init();
    try {
      const appId = SANDBOX_APPS['dingtalk-exclusive'].appId;
      const streams = () =>
        stack.sim.control.call<{ id: string }[]>('GET', `/streams?platform=dingtalk-exclusive&appId=${appId}`);
      await eventually(streams, (list) => list.length === 2);
      await startTicket(stack, 'ST-REPLICAS');
      const card = await cardOf(stack, 'dingtalk-exclusive', 'carol', 'ST-REPLICAS');
      const result = await press('dingtalk-exclusive', card.id, 'carol', { redeliver: true });
      assert.notEqual(
        result.redelivered?.connectionId,
        result.url.split('/').at(-1),
        'the second push went to the other replica',
      );
      assert.equal(result.answer.status, 200);
      assert.equal(result.redelivered?.answer.status, 200);
      await allCardsShow(stack, 'ST-REPLICAS', 'Approved by Carol');
      assert.equal((await approvalState(stack, 'ST-REPLICAS')).decisions.length, 1, 'one decision');
    } finally {
      await second.close();
    }
  });

  test('worker down: a click over the connection is answered in time and applied after the restart', async () => {
    await startTicket(stack, 'ST-DOWN');
    const card = await cardOf(stack, 'lark', 'carol', 'ST-DOWN');
    await stack.stopWorkers();
    try {
      const result = await press('lark', card.id, 'carol');
      assert.equal(result.answer.status, 200);
      assert.equal(result.record.clientError, undefined);
      assert.match(result.answer.body, /Received: your decision is being processed/);
    } finally {
      await stack.startWorkers();
    }
    await allCardsShow(stack, 'ST-DOWN', 'Approved by Carol');
  });
});
