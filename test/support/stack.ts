import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { request, type Dispatcher } from 'undici';
import { createApi } from '../../src/api/main.js';
import { loadEnv, type Env } from '../../src/config/env.js';
import { createWorkers } from '../../src/plugins/run-workers.js';
import { createServiceDeps, type ServiceDeps } from '../../src/service/service-deps.js';
import { servicePlugins } from '../../src/service/plugins.js';
import { startDevServer } from './environments.js';
import { startTestSimulator, type TestSimulator } from './simulator.js';

export interface Stack {
  /** The validated environment the worker and API were built from (a second API replica can share it). */
  env: Env;
  temporal: TestWorkflowEnvironment;
  sim: TestSimulator;
  deps: ServiceDeps;
  workers: Worker[];
  api: NestExpressApplication;
  apiUrl: string;
  adminToken: string;
  webhookSecret: string;
  /** JSON call to the API; answers status and parsed body. */
  call<T = unknown>(
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<HttpAnswer<T>>;
  /** Mints a token for a role (and user) through the API. */
  tokenFor(role: 'admin' | 'dba' | 'ticket-system' | 'approver', userId: string): Promise<string>;
  stop(): Promise<void>;
}

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

/**
 * The whole service as `npm start` runs it, in one test process: a real Temporal dev server, the platform
 * simulator over HTTP, a worker made of nothing but the service's plugins, and the API over HTTP.
 */
export async function startStack(envOverrides: Record<string, string> = {}): Promise<Stack> {
  const temporal = await startDevServer();
  const sim = await startTestSimulator();
  const adminToken = randomBytes(24).toString('base64url');
  const webhookSecret = randomBytes(24).toString('base64url');
  const env = loadEnv({
    ADMIN_TOKEN: adminToken,
    WEBHOOK_SECRET: webhookSecret,
    SANDBOX: 'true',
    SIMULATOR_URL: sim.url,
    PUBLIC_BASE_URL: 'http://console.example.test',
    LOG_LEVEL: 'silent',
    // A database of its own (seeded from the sandbox defaults); pass DATABASE_URL to use another.
    DATABASE_URL: `memory://stack-${randomBytes(6).toString('hex')}`,
    ...envOverrides,
  });
  const deps = await createServiceDeps(env);
  const workers = await createWorkers({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace ?? 'default',
    plugins: await servicePlugins(deps),
  });
  const runs = workers.map((w) => w.run());
  // With the payload codec on, the API's client encrypts what it starts, like the one it would build itself.
  const temporalClient = deps.dataConverter
    ? new Client({
        connection: temporal.connection,
        namespace: temporal.namespace ?? 'default',
        dataConverter: deps.dataConverter,
      })
    : temporal.client;
  const api = await createApi({ env, temporalClient, logger: false });
  await api.listen(0, '127.0.0.1');
  const apiUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');

  const call = async <T>(method: Dispatcher.HttpMethod, path: string, body?: unknown, token = adminToken) => {
    const res = await request(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  };

  return {
    env,
    temporal,
    sim,
    deps,
    workers,
    api,
    apiUrl,
    adminToken,
    webhookSecret,
    call,
    async tokenFor(role, userId) {
      const res = await call<{ token: string }>('POST', '/v1/tokens', { role, userId });
      if (res.status !== 201) throw new Error(`minting a token failed: HTTP ${res.status}`);
      return res.body.token;
    },
    async stop() {
      await api.close();
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(runs);
      await deps.dispatcher.close();
      await deps.usage?.flush();
      await deps.store?.release();
      await sim.close();
      await temporal.teardown();
    },
  };
}

/** Polls `read` until `done` holds or the deadline passes (then fails with the last value). */
export async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}
