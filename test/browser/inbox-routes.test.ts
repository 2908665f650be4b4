import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestSimulator, type TestSimulator } from '../support/simulator.js';

/** The HTTP side of the inbox page (no browser): its files, the live-update stream and the demo-ticket proxy. */
describe('simulator: inbox page routes', () => {
  let sim: TestSimulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(async () => {
    await sim?.close();
  });

  const get = (path: string) => fetch(`${sim.url}${path}`, { redirect: 'manual' });

  test('the bare URL opens the page; only the page files are served', async () => {
    const root = await get('/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/_sim/ui/');
    assert.equal((await get('/?user=carol')).headers.get('location'), '/_sim/ui/?user=carol');
    for (const path of ['/_sim/ui/', '/_sim/ui']) {
      const page = await get(path);
      assert.equal(page.status, 200, path);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await page.text(), /<script type="module" src="\/_sim\/ui\/app.js">/);
    }
    const script = await get('/_sim/ui/feishu.js');
    assert.match(script.headers.get('content-type') ?? '', /text\/javascript/);
    for (const path of ['/_sim/ui/tsconfig.json', '/_sim/ui/..%2F..%2Fserver.ts', '/_sim/ui/missing.js']) {
      assert.equal((await get(path)).status, 404, path);
    }
  });

  test('/_sim/events sends an `inbox` event when a message arrives or changes', async () => {
    const abort = new AbortController();
    const res = await fetch(`${sim.url}/_sim/events`, { signal: abort.signal });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const readUntil = async (pattern: RegExp) => {
      let seen = '';
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended; got ${seen}`);
        seen += value;
      }
    };
    try {
      await readUntil(/event: inbox\ndata: \{"version":\d+\}/);
      const message = sim.core.inbox.add({
        platform: 'lark',
        appId: 'cli_sim_lark_0001',
        userId: 'bob',
        recipientPlatformId: 'ou_x',
        msgType: 'text',
        content: { text: 'hello' },
        meta: {},
      });
      await readUntil(/"version":1\}/);
      sim.core.inbox.update(message, { text: 'changed' }, 'update');
      await readUntil(/"version":2\}/);
    } finally {
      abort.abort();
    }
  });

  test('demo tickets: 503 until set up; the token is never shown back, nor sent to a URL set after it', async () => {
    assert.deepEqual(await (await get('/_sim/demo')).json(), { apiUrl: null, tokenSet: false });
    const unset = await fetch(`${sim.url}/_sim/demo/ticket`, { method: 'POST' });
    assert.equal(unset.status, 503);
    const bad = await fetch(`${sim.url}/_sim/demo`, { method: 'PUT', body: JSON.stringify({ apiUrl: 'nope' }) });
    assert.equal(bad.status, 400);
    const put = await fetch(`${sim.url}/_sim/demo`, {
      method: 'PUT',
      body: JSON.stringify({ apiUrl: 'http://127.0.0.1:9', token: 'secret-demo-token' }),
    });
    const shown = await put.text();
    assert.equal(put.status, 200);
    assert.doesNotMatch(shown, /secret-demo-token/);
    assert.deepEqual(JSON.parse(shown), { apiUrl: 'http://127.0.0.1:9', tokenSet: true });
    const moved = await fetch(`${sim.url}/_sim/demo`, {
      method: 'PUT',
      body: JSON.stringify({ apiUrl: 'http://127.0.0.2:9' }),
    });
    assert.deepEqual(
      await moved.json(),
      { apiUrl: 'http://127.0.0.2:9', tokenSet: false },
      'a new URL drops the token',
    );
  });

  test('POST /_sim/demo/ticket starts an approval on the API with the ticket-system token and passes the answer on', async () => {
    const seen: { url?: string; headers?: IncomingHttpHeaders; body: string }[] = [];
    const api = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ticketId: 'from-api' }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    try {
      const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      await sim.control.call('PUT', '/demo', { apiUrl, token: 'tkn-ticket-system' });
      const res = await fetch(`${sim.url}/_sim/demo/ticket`, { method: 'POST' });
      assert.equal(res.status, 201);
      assert.deepEqual(await res.json(), { ticketId: 'from-api' });
      const [call] = seen;
      assert.equal(call?.url, '/v1/approvals');
      assert.equal(call?.headers?.authorization, 'Bearer tkn-ticket-system');
      const body = JSON.parse(call?.body ?? '{}') as { ticketId: string; ticketType: string; requester: unknown };
      assert.match(body.ticketId, /^demo-\d{4}-\d{6}-[0-9a-f]{4}$/);
      assert.equal(body.ticketType, 'ticket.data_export');
      assert.deepEqual(body.requester, { userId: 'alice', name: 'Alice Chen' });

      // "Ticket executed": the last demo ticket's event, as its ticket system reports it.
      const bad = await fetch(`${sim.url}/_sim/demo/event`, { method: 'POST', body: '{"state":"exploded"}' });
      assert.equal(bad.status, 400);
      const reported = await fetch(`${sim.url}/_sim/demo/event`, { method: 'POST', body: '{"state":"executed"}' });
      assert.equal(reported.status, 201);
      const event = JSON.parse(seen[1]?.body ?? '{}') as Record<string, unknown>;
      assert.equal(seen[1]?.url, '/v1/events');
      assert.equal(seen[1]?.headers?.authorization, 'Bearer tkn-ticket-system');
      assert.equal(event.ticketId, body.ticketId);
      assert.equal(event.eventId, `${body.ticketId}-executed`);
      assert.equal(event.state, 'executed');
      assert.match(String(event.note), /rows exported/);
    } finally {
      api.close();
    }
  });

  test('POST /_sim/demo/event before any demo ticket is a 409 that says what to press', async () => {
    const fresh = await startTestSimulator();
    try {
      await fresh.control.call('PUT', '/demo', { apiUrl: 'http://127.0.0.1:9', token: 't' });
      const res = await fetch(`${fresh.url}/_sim/demo/event`, { method: 'POST' });
      assert.equal(res.status, 409);
      assert.match(await res.text(), /New demo ticket/);
    } finally {
      await fresh.close();
    }
  });
});
