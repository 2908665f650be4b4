import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../src/api/common/api-error.js';
import { readDingtalkStreamCallback } from '../../src/api/callbacks/dingtalk-callback.js';
import { readFeishuStreamCallback } from '../../src/api/callbacks/feishu-callback.js';
import { withStreamDrain } from '../../src/api/channels/stream-drain.js';
import {
  backoffDelay,
  StreamSupervisor,
  type StreamObserver,
  type StreamSession,
} from '../../src/channels/callback-stream.js';
import { decodeFrame, encodeFrame, headerOf } from '../../src/channels/feishu/feishu.frame.js';

const quietObserver = (): StreamObserver & { lines: string[] } => {
  const lines: string[] = [];
  return {
    lines,
    connected: (s) => lines.push(`connected ${s.reconnects}`),
    disconnected: (reason) => lines.push(`down ${reason}`),
    ignored: (reason) => lines.push(`ignored ${reason}`),
    received: () => lines.push('received'),
  };
};

/** A session the test ends by hand. */
function manualSession(): StreamSession & { drop(reason: string): void } {
  let end: (reason: string) => void = () => undefined;
  const closed = new Promise<string>((resolve) => (end = resolve));
  return { closed, close: () => end('stopped'), drop: (reason) => end(reason) };
}

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(check(), 'condition not reached');
};

describe('the callback connection supervisor', () => {
  test('backoff doubles from the base, is capped, and never waits less than the exponential step', () => {
    const options = { baseMs: 1000, maxMs: 60_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 7, 8, 30].map((n) => backoffDelay(n, options, () => 0)),
      [1000, 2000, 4000, 8000, 60_000, 60_000, 60_000],
    );
    assert.equal(
      backoffDelay(1, options, () => 0.999),
      1999,
      'up to one base of jitter',
    );
  });

  test('a failed attempt is retried, a drop reconnects, and the status says so; stop closes the session', async () => {
    const sessions: ReturnType<typeof manualSession>[] = [];
    let attempts = 0;
    const observer = quietObserver();
    const supervisor = new StreamSupervisor(
      () => {
        attempts += 1;
        if (attempts === 1) return Promise.reject(new Error('the gateway refused: code 514'));
        const session = manualSession();
        sessions.push(session);
        return Promise.resolve(session);
      },
      () => Promise.resolve(undefined),
      observer,
      { baseMs: 1, maxMs: 5 },
    );
    supervisor.start();
    await waitFor(() => supervisor.status().state === 'connected');
    assert.equal(supervisor.status().reconnects, 0, 'the first connection is no reconnect');
    assert.match(observer.lines[0] ?? '', /refused: code 514/);
    sessions[0]?.drop('the gateway closed the connection (code 1006)');
    await waitFor(() => supervisor.status().reconnects === 1 && supervisor.status().state === 'connected');
    assert.equal(sessions.length, 2);
    await supervisor.stop();
    assert.equal(supervisor.status().state, 'stopped');
    assert.equal(await sessions[1]?.closed, 'stopped');
  });
});

describe('a DingTalk channel leaving stream mode', () => {
  const now = new Date('2026-12-06T00:00:00.000Z');
  test('keeps its Stream connection for 30 days; Feishu needs no drain; an admin value wins', () => {
    const left = withStreamDrain('dingtalk', { callbackMode: 'stream' }, { callbackMode: 'http' }, now);
    assert.equal(left.streamUntil, '2027-01-05T00:00:00.000Z');
    assert.equal(
      withStreamDrain('feishu', { callbackMode: 'stream' }, { callbackMode: 'http' }, now).streamUntil,
      undefined,
    );
    const own = withStreamDrain(
      'dingtalk',
      { callbackMode: 'stream' },
      { streamUntil: '2026-12-07T00:00:00.000Z' },
      now,
    );
    assert.equal(own.streamUntil, '2026-12-07T00:00:00.000Z');
    const again = withStreamDrain('dingtalk', left, { callbackMode: 'http' }, now);
    assert.equal(again.streamUntil, left.streamUntil, 'saving again in HTTP mode keeps the drain under way');
    assert.equal(withStreamDrain('dingtalk', left, { callbackMode: 'stream' }, now).streamUntil, undefined);
  });
});

describe('long-connection frames', () => {
  test('a pbbp2 frame survives encoding; bytes that are no frame are refused', () => {
    const payload = new TextEncoder().encode('{"schema":"2.0"}');
    const frame = { SeqID: 3, LogID: 9, service: 42, method: 1, headers: [{ key: 'type', value: 'event' }], payload };
    const back = decodeFrame(encodeFrame(frame));
    assert.equal(back?.service, 42);
    assert.equal(headerOf(back, 'type'), 'event');
    assert.equal(Buffer.from(back?.payload ?? []).toString(), '{"schema":"2.0"}');
    assert.equal(decodeFrame(new Uint8Array([0xff, 0xff, 0xff])), undefined);
  });
});

describe('callbacks that came over a connection', () => {
  const secrets = { appId: 'cli_app', verificationToken: 'vt' };
  const now = Date.parse('2026-12-06T00:00:00Z');
  const envelope = (header: Record<string, unknown>) => ({
    schema: '2.0',
    header: { event_id: 'e1', event_type: 'card.action.trigger', create_time: String(now * 1000), ...header },
    event: { operator: { open_id: 'ou_1' }, action: { value: { a: 'approve' } }, context: { open_message_id: 'om_1' } },
  });
  const status = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof ApiError ? err.status : -1;
    }
    return 200;
  };

  test('Feishu / Lark: this app, the token when sent, fresh; another event type is ignored', () => {
    const click = readFeishuStreamCallback(envelope({ app_id: 'cli_app', token: 'vt' }), secrets, now);
    assert.equal(click.type, 'click');
    assert.equal(click.type === 'click' && click.openId, 'ou_1');
    assert.equal(readFeishuStreamCallback(envelope({}), secrets, now).type, 'click', 'no token over the connection');
    assert.equal(
      status(() => readFeishuStreamCallback(envelope({ app_id: 'cli_other' }), secrets, now)),
      401,
    );
    assert.equal(
      status(() => readFeishuStreamCallback(envelope({ token: 'nope' }), secrets, now)),
      401,
    );
    assert.equal(
      status(() => readFeishuStreamCallback(envelope({}), secrets, now + 3_600_000)),
      401,
      'stale',
    );
    assert.equal(
      status(() => readFeishuStreamCallback({ schema: '1.0' }, secrets, now)),
      400,
    );
    const other = readFeishuStreamCallback(envelope({ event_type: 'im.message.receive_v1' }), secrets, now);
    assert.equal(other.type, 'ignored');
  });

  test('DingTalk: a click from another organisation is refused', () => {
    const body = (corpId: string) => ({
      outTrackId: 'ot',
      userId: 'u1',
      corpId,
      content: JSON.stringify({
        cardPrivateData: {
          actionIds: ['a'],
          params: { action: 'approve', ticketId: 'T', tenant: 'default', nonce: 'n' },
        },
      }),
    });
    assert.equal(readDingtalkStreamCallback(body('dingcorp'), 'dingcorp').userId, 'u1');
    assert.equal(
      status(() => readDingtalkStreamCallback(body('dingother'), 'dingcorp')),
      401,
    );
    assert.equal(
      status(() => readDingtalkStreamCallback({ outTrackId: 'ot' }, 'dingcorp')),
      400,
    );
  });
});
