import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo, Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { servePGlite } from '../../src/db/pglite-server.js';
import { registerCallbackUrls } from '../../src/service/callback-registration.js';
import { eventually, startStack, type Stack } from '../support/stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The whole stack with NO in-process worker: the worker runs as a child process (`spawnWorker`) that can be killed. */
export interface CrashStack extends Stack {
  databaseUrl: string;
  spawnWorker(): Promise<ChildWorker>;
  /** Everything every child worker wrote to stdout / stderr so far. */
  workerLogs(): string;
}

export interface ChildWorker {
  child: ChildProcess;
  /** SIGKILL, then wait until the process is gone. */
  kill(): Promise<void>;
}

/**
 * One embedded database (PGlite) served over a socket, as `npm start` does, so the API in this process and the worker
 * child process share channels, users and rules.
 */
export async function startCrashStack(): Promise<CrashStack> {
  const pglite = await PGlite.create();
  const dbServer: Server = await servePGlite(pglite, 0);
  const databaseUrl = `postgres://postgres@127.0.0.1:${(dbServer.address() as AddressInfo).port}/postgres`;
  const stack = await startStack({ DATABASE_URL: databaseUrl });
  for (const w of stack.workers) w.shutdown(); // the child process is the only worker
  await eventually(
    () => Promise.resolve(stack.workers.map((w) => w.getState())),
    (states) => states.every((s) => s === 'STOPPED' || s === 'FAILED'),
  );
  const registered = await registerCallbackUrls({
    channelSource: stack.deps.channelSource,
    callbackBaseUrl: stack.apiUrl,
    simulatorUrl: stack.sim.url,
    dispatcher: stack.deps.dispatcher,
  });
  assert.ok(
    registered.every((r) => r.status === 'registered'),
    JSON.stringify(registered),
  );
  let logs = '';
  const children = new Set<ChildProcess>();
  const spawnWorker = async (): Promise<ChildWorker> => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: stack.temporal.address,
        SANDBOX: 'true',
        SIMULATOR_URL: stack.sim.url,
        PUBLIC_BASE_URL: 'http://console.example.test',
        DATABASE_URL: databaseUrl,
        WEBHOOK_SECRET: stack.webhookSecret,
        ADMIN_TOKEN: stack.adminToken,
        WORKER_METRICS_ADDRESS: 'off',
        // Debug logs: the most a worker ever writes, all of it checked for secrets.
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let ready = false;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const onData = (d: Buffer) => {
      logs += d.toString();
      if (!ready && logs.includes('worker polling')) ready = true;
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    await eventually(
      () => Promise.resolve({ ready, exit: child.exitCode }),
      (s) => s.ready || s.exit !== null,
      60_000,
    );
    assert.ok(ready, `the worker did not start:\n${logs.slice(-2000)}`);
    return {
      child,
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
        children.delete(child);
      },
    };
  };
  return {
    ...stack,
    databaseUrl,
    spawnWorker,
    workerLogs: () => logs,
    async stop() {
      for (const c of children) c.kill('SIGKILL');
      await stack.stop();
      dbServer.close();
      await pglite.close();
    },
  };
}
