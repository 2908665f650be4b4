import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/domain/search-attributes.js';
import { temporalCliPath } from '../../test/support/temporal-binaries.js';
import { callJson, expectJson } from '../lib/http.js';
import { progress, until } from '../lib/progress.js';
import { SimClient, type FeishuLike } from '../lib/sim.js';
import { buildWorkflowBundle } from './bundle.js';
import { freePort, spawnProcess, type StackProcess } from './processes.js';
import type { BenchWorkerConfigInput } from './worker-config.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
/**
 * As `npm start` runs the dev server (scripts/lib.sh): one partition per task queue. The default four suit a cluster;
 * on one node they only spread the tasks of a queue over partitions its few pollers visit in turn.
 */
const DEV_SERVER_TUNING = [
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
];
/**
 * What the bench passes the dev server beyond `npm start`'s settings: nothing else. (Earlier runs raised the 2 KB
 * search attribute limit for 500-approver approvals; the workflow now keeps `PendingApprovers` under it.)
 */
export const SERVER_LIMITS = [...DEV_SERVER_TUNING];
const SA_TYPES = { KEYWORD: 'Keyword', INT: 'Int', KEYWORD_LIST: 'KeywordList' } as Record<string, string>;

/**
 * The real stack as separate processes, like `npm start`: a Temporal dev server (in-memory SQLite, headless), the
 * platform simulator, the API and a worker, each in its own process on 127.0.0.1 with free ports; logs in `logDir`.
 */
export class BenchStack {
  worker!: StackProcess;
  workerConfig: BenchWorkerConfigInput = {};

  private constructor(
    readonly logDir: string,
    private readonly env: Record<string, string>,
    readonly processes: StackProcesses,
    readonly client: Client,
    readonly sim: SimClient,
    readonly apiUrl: string,
    private readonly adminToken: string,
  ) {}

  static async start(
    logDir: string,
    workerConfig: BenchWorkerConfigInput,
    options: { prebuiltBundle?: boolean; databaseUrl?: string } = {},
  ): Promise<BenchStack> {
    await mkdir(logDir, { recursive: true });
    const [temporalPort, simPort, apiPort, dbPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    const [simUrl, apiUrl] = [`http://127.0.0.1:${simPort}`, `http://127.0.0.1:${apiPort}`];
    progress(`starting Temporal dev server (${temporalAddress}), database, simulator and API`);
    const temporal = startTemporal(temporalPort, logDir);
    const simProcess = startNode('simulator', ['sim/main.ts'], { SIM_PORT: String(simPort) }, logDir);
    // Like `npm start`: without a DATABASE_URL, PGlite served on loopback to the API and the worker.
    const dataDir = join(logDir, 'data');
    const database = options.databaseUrl
      ? undefined
      : startNode('database', ['src/db/main.ts', String(dbPort)], { DATA_DIR: dataDir }, logDir);
    const databaseUrl = options.databaseUrl ?? `postgres://postgres@127.0.0.1:${dbPort}/postgres`;
    const bundle = options.prebuiltBundle ? buildWorkflowBundle(join(logDir, 'workflow-bundle.js')) : undefined;
    const env = serviceEnv({ temporalAddress, simUrl, apiUrl, databaseUrl, dataDir });
    const adminToken = randomBytes(24).toString('base64url');
    const processes: StackProcesses = { temporal, simProcess, ...(database ? { database } : {}) };
    let connection: Connection | undefined;
    try {
      connection = await until(
        () => Connection.connect({ address: temporalAddress }).catch(() => undefined),
        (c) => c !== undefined,
        60_000,
        250,
        'Temporal dev server healthy',
      );
      if (database) await database.waitForLine(/serving postgres/, 120_000);
      const apiEnv = { ...env, API_PORT: String(apiPort), ADMIN_TOKEN: adminToken };
      processes.api = startNode('api', ['src/api/main.ts'], apiEnv, logDir);
      const stack = new BenchStack(
        logDir,
        env,
        processes,
        new Client({ connection }),
        new SimClient(simUrl),
        apiUrl,
        adminToken,
      );
      await Promise.all([waitHttp(`${simUrl}/_sim/health`, simProcess), waitHttp(`${apiUrl}/health`, processes.api)]);
      // After the API: it seeds the database (sandbox channels) on first start; the worker reads them.
      const workflowBundlePath = await bundle;
      await stack.startWorker({ ...workerConfig, ...(workflowBundlePath ? { workflowBundlePath } : {}) });
      return stack;
    } catch (err) {
      await stopAll(processes);
      await connection?.close();
      throw err;
    }
  }

  /** Starts a worker process; resolves with the ms from spawn until it polls. */
  async startWorker(config: BenchWorkerConfigInput = this.workerConfig): Promise<number> {
    this.workerConfig = config;
    const metrics = `127.0.0.1:${await freePort()}`;
    const started = Date.now();
    // BENCH_PROFILE_WORKER=1: a V8 CPU profile of each worker process, written when it stops (for profiling runs).
    const profile = process.env.BENCH_PROFILE_WORKER
      ? ['--cpu-prof', `--cpu-prof-dir=${join(this.logDir, 'profiles')}`]
      : [];
    this.worker = startNode(
      'worker',
      [...profile, 'bench/stack/worker.ts'],
      { ...this.env, WORKER_METRICS_ADDRESS: metrics, BENCH_WORKER: JSON.stringify(config) },
      this.logDir,
    );
    this.processes.worker = this.worker;
    await this.worker.waitForLine(/bench worker polling/, 120_000);
    return Date.now() - started;
  }

  /** Graceful worker shutdown (SIGTERM: in-flight tasks finish); resolves with how long it took. */
  async stopWorker(): Promise<number> {
    const started = Date.now();
    await this.worker.stop(30_000);
    return Date.now() - started;
  }

  /** Back to the simulator's seeded state, with card callbacks pointed at the API again (as the API does at boot). */
  async resetSim(): Promise<void> {
    await this.sim.reset();
    for (const kind of ['feishu', 'lark'] as const) await this.pointCallbacks(kind);
  }

  pointCallbacks(kind: FeishuLike): Promise<unknown> {
    return this.sim.setApp(kind, { callbackUrl: `${this.apiUrl}/callbacks/${kind}` });
  }

  /** Calls the API as the bootstrap admin. */
  api<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
    return callJson<T>(method, `${this.apiUrl}${path}`, body, { authorization: `Bearer ${this.adminToken}` });
  }

  apiExpect<T>(status: number | number[], method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
    return expectJson<T>(status, method, `${this.apiUrl}${path}`, body, { authorization: `Bearer ${this.adminToken}` });
  }

  /** Every process of the stack right now (the worker changes on restarts). */
  running(): { name: string; pid: number }[] {
    const { temporal, simProcess, database, api, worker } = this.processes;
    return [temporal, simProcess, database, api, worker].flatMap((p) => (p ? [{ name: p.name, pid: p.pid }] : []));
  }

  async stop(): Promise<void> {
    await stopAll(this.processes);
    await this.client.connection.close();
  }
}

export interface StackProcesses {
  temporal: StackProcess;
  simProcess: StackProcess;
  database?: StackProcess;
  api?: StackProcess;
  worker?: StackProcess;
}

/** Worker first (it drains), then the API, the simulator, the database and Temporal last. */
async function stopAll(p: StackProcesses): Promise<void> {
  await p.worker?.stop();
  await Promise.allSettled([p.api?.stop(), p.simProcess.stop()]);
  await p.database?.stop();
  await p.temporal.stop();
}

/** Settings the API and worker share (the sandbox: every channel points at the simulator). */
function serviceEnv(where: {
  temporalAddress: string;
  simUrl: string;
  apiUrl: string;
  databaseUrl: string;
  dataDir: string;
}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: where.temporalAddress,
    SANDBOX: 'true',
    SIMULATOR_URL: where.simUrl,
    PUBLIC_BASE_URL: where.apiUrl,
    DATABASE_URL: where.databaseUrl,
    LOG_LEVEL: 'warn',
    DATA_DIR: where.dataDir,
  };
}

function startTemporal(port: number, logDir: string): StackProcess {
  const attributes = SEARCH_ATTRIBUTE_KEYS.flatMap((k) => ['--search-attribute', `${k.name}=${SA_TYPES[k.type]}`]);
  return spawnProcess({
    name: 'temporal',
    command: temporalCliPath(),
    args: [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--log-level',
      'error',
      ...attributes,
      ...SERVER_LIMITS,
    ],
    env: {},
    logFile: join(logDir, 'temporal.log'),
    cwd: ROOT,
  });
}

function startNode(name: string, args: string[], env: Record<string, string>, logDir: string): StackProcess {
  return spawnProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', ...args],
    env,
    logFile: join(logDir, `${name}.log`),
    cwd: ROOT,
  });
}

async function waitHttp(url: string, owner: StackProcess): Promise<void> {
  let exited = false;
  void owner.exited.then(() => (exited = true));
  await until(
    async () =>
      exited ||
      (await callJson('GET', url).then(
        () => true,
        () => false,
      )),
    (ok) => ok,
    120_000,
    250,
    `${url} answering`,
  );
  if (exited) throw new Error(`${owner.name} exited while starting; see its log`);
}
