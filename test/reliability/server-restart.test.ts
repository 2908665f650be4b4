/**
 * The Temporal dev server (persisted to a SQLite file) is stopped mid-run and started again on the same file: while
 * it is down the API answers a clear 503 TEMPORAL_UNAVAILABLE (not a 500, not a crash); after the restart pending
 * approvals resume — a decision still applies, and a deadline timer still fires.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { request } from 'undici';
import { createApi } from '../../src/api/main.js';
import { loadEnv } from '../../src/config/env.js';
import { createWorkers } from '../../src/plugins/run-workers.js';
import { createServiceDeps, type ServiceDeps } from '../../src/service/service-deps.js';
import { servicePlugins } from '../../src/service/plugins.js';
import '../support/environments.js'; // quiet SDK runtime logs
import { startTestSimulator, type TestSimulator } from '../support/simulator.js';
import { eventually } from '../support/stack.js';
import { temporalCliPath } from '../support/temporal-binaries.js';

const SEARCH_ATTRIBUTES = [
  'TicketId=Keyword',
  'TicketType=Keyword',
  'ApprovalStatus=Keyword',
  'EscalationLevel=Int',
  'PendingApprovers=KeywordList',
  'Requester=Keyword',
  'NoticeEvent=Keyword',
  'NoticeStatus=Keyword',
];
const ADMIN = 'restart-admin-token-0123456789abcdef';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** `temporal server start-dev` on a fixed port and database file; resolves once it answers. */
async function startServer(port: number, dbFile: string): Promise<ChildProcess> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless'];
  args.push('--db-filename', dbFile, '--log-level', 'error');
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', sa);
  const child = spawn(temporalCliPath(), args, { stdio: 'ignore' });
  await eventually(
    () =>
      Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: '1s' }).then(
        async (c) => (await c.close(), true),
        () => child.exitCode !== null,
      ),
    Boolean,
    60_000,
  );
  assert.equal(child.exitCode, null, 'the dev server started');
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('Temporal dev server stopped and restarted mid-run', () => {
  let dir: string;
  let port: number;
  let server: ChildProcess;
  let sim: TestSimulator;
  let deps: ServiceDeps;
  let connection: NativeConnection;
  let workers: Worker[];
  let runs: Promise<unknown>;
  let api: NestExpressApplication;
  let apiUrl: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'restart-'));
    port = await freePort();
    server = await startServer(port, join(dir, 'temporal.db'));
    sim = await startTestSimulator();
    const env = loadEnv({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      ADMIN_TOKEN: ADMIN,
      SANDBOX: 'true',
      SIMULATOR_URL: sim.url,
      LOG_LEVEL: 'silent',
      DATABASE_URL: 'memory://restart',
    });
    deps = await createServiceDeps(env);
    connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    workers = await createWorkers({ connection, namespace: 'default', plugins: await servicePlugins(deps) });
    runs = Promise.allSettled(workers.map((w) => w.run()));
    const client = new Client({ connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS }) });
    api = await createApi({ env, temporalClient: client, logger: false });
    await api.listen(0, '127.0.0.1');
    apiUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');
  });
  after(async () => {
    await api?.close();
    for (const w of workers ?? []) if (w.getState() === 'RUNNING') w.shutdown();
    await runs;
    await connection?.close();
    await deps?.dispatcher.close();
    await deps?.store?.release();
    await sim?.close();
    if (server && server.exitCode === null) await stopServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, token = ADMIN) {
    const res = await request(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  }

  const start = (ticketId: string, deadlineMs: number) =>
    call('POST', '/v1/approvals', {
      ticketId,
      ticketType: 'ticket.data_export',
      title: `Export orders (${ticketId})`,
      requester: { userId: 'alice', name: 'Alice Chen' },
      policy: { mode: 'any', levels: [{ approvers: ['bob'] }], deadlineMs, onDeadline: 'expired' },
    });
  const state = (ticketId: string) =>
    call<{ status: string; deliveries?: { status: string }[] }>('GET', `/v1/approvals/${ticketId}`);

  test('503 while down; after the restart a decision applies and a deadline timer fires', async () => {
    const minted = await call<{ token: string }>('POST', '/v1/tokens', { role: 'approver', userId: 'bob' });
    assert.equal(minted.status, 201);
    assert.equal((await start('RS-TIMER', 25_000)).status, 201);
    assert.equal((await start('RS-DECIDE', 3_600_000)).status, 201);
    for (const id of ['RS-TIMER', 'RS-DECIDE'])
      await eventually(
        () => state(id),
        (r) => r.body.status === 'pending' && (r.body.deliveries ?? []).some((d) => d.status === 'sent'),
        20_000,
      );

    await stopServer(server);
    const startedAt = Date.now();
    for (const answer of [await state('RS-DECIDE'), await start('RS-DOWN', 60_000)]) {
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.equal((answer.body as { error: { code: string } }).error.code, 'TEMPORAL_UNAVAILABLE');
    }
    const health = await call('GET', '/health');
    assert.ok(health.status < 500 || health.status === 503, `the API is alive: ${health.status}`);
    // A real outage of a few seconds (wall time, not a workflow wait): RS-TIMER's 25 s deadline runs on meanwhile.
    await new Promise((r) => setTimeout(r, Math.max(0, 5_000 - (Date.now() - startedAt))));

    server = await startServer(port, join(dir, 'temporal.db'));
    const decided = await eventually(
      () => call('POST', '/v1/approvals/RS-DECIDE/decisions', { decision: 'approve' }, minted.body.token),
      (r) => r.status !== 503,
      60_000,
    );
    // 200 when the worker has already reconnected and applied it; 202 "received" when its pollers are still backing
    // off after the outage and the decision was stored as a durable signal. Either way it must then apply.
    assert.ok([200, 202].includes(decided.status), `${decided.status} ${JSON.stringify(decided.body)}`);
    await eventually(
      () => state('RS-DECIDE'),
      (r) => r.body.status === 'approved',
      60_000,
    );
    await eventually(
      () => state('RS-TIMER'),
      (r) => r.body.status === 'expired',
      60_000,
    );
  });
});
