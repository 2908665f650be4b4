import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ChannelActivities, OrchestrationActivities } from '../../src/activities/contract.js';
import { loadEnv } from '../../src/config/env.js';
import { APPROVALS_TASK_QUEUE, CHANNEL_KINDS, channelTaskQueue } from '../../src/domain/channel.js';
import type { ApprovalPolicy } from '../../src/domain/policy.js';
import { createApi } from '../../src/api/main.js';
import type { CreateApiOptions } from '../../src/api/main.js';

const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

/** The bootstrap admin token of every API harness; tests assert it never shows up in a response. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, with `content-type: application/json` unless `headers` say otherwise. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface ApiHarness {
  app: NestExpressApplication;
  baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Mints a token with the admin token. */
  tokenFor(role: string, userId: string): Promise<string>;
  /** Every response body seen so far, to check no secret ever leaked. */
  readonly transcript: string[];
  close(): Promise<void>;
}

/** The real Nest app on a random port over the given Temporal environment's client. */
export async function startApi(
  env: TestWorkflowEnvironment,
  overrides: Partial<Omit<CreateApiOptions, 'env' | 'temporalClient'>> = {},
): Promise<ApiHarness> {
  const app = await createApi({
    env: loadEnv({
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      // Tokens live in the database: a throw-away one per app.
      DATABASE_URL: `memory://api-${randomUUID()}`,
    }),
    temporalClient: env.client,
    logger: ['error'],
    ...overrides,
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const transcript: string[] = [];

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (options.raw !== undefined) body = options.raw;
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    transcript.push(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };

  const tokenFor = async (role: string, userId: string): Promise<string> => {
    const res = await request('POST', '/v1/tokens', { token: TEST_ADMIN_TOKEN, json: { role, userId } });
    if (res.status !== 201) throw new Error(`minting a ${role} token failed: ${res.status} ${res.text}`);
    return (res.body as { token: string }).token;
  };

  return { app, baseUrl, request, tokenFor, transcript, close: () => app.close() };
}

/** Users the stub directory knows; everyone is reachable on Feishu. */
export const STUB_USERS: Record<string, string> = { alice: 'Alice', bob: 'Bob', carol: 'Carol', dave: 'Dave' };

/** The policy `loadPolicy` returns when the start request has none: bob or carol approves, within an hour. */
export const DEFAULT_TEST_POLICY: ApprovalPolicy = {
  mode: 'any',
  levels: [{ approvers: ['bob', 'carol'], roles: [], channels: [], afterMs: 0 }],
  deadlineMs: 3_600_000,
  onDeadline: 'expired',
};

const orchestrationStubs: OrchestrationActivities = {
  loadPolicy: ({ override }) => Promise.resolve(override ?? DEFAULT_TEST_POLICY),
  resolveRecipients: ({ level, spec }) =>
    Promise.resolve({
      recipients: spec.approvers
        .filter((userId) => STUB_USERS[userId] !== undefined)
        .map((userId) => ({
          userId,
          name: STUB_USERS[userId] ?? userId,
          level,
          channels: [{ kind: 'feishu' as const, platformUserId: `ou_${userId}` }],
        })),
      unreachable: spec.approvers
        .filter((u) => STUB_USERS[u] === undefined)
        .map((userId) => ({ userId, reason: 'unknown' })),
    }),
  notifyTicketSystem: () => Promise.resolve(),
};

const channelStubs: ChannelActivities = {
  sendCard: (input) => Promise.resolve({ cardRef: `card-${input.idempotencyKey}` }),
  sendSharedCard: (input) =>
    Promise.resolve({
      cardRef: input.cardRef ?? `card-${input.idempotencyKey}`,
      results: input.recipients.map((r) => ({ platformUserId: r.platformUserId, delivered: true })),
    }),
  updateCard: () => Promise.resolve(),
  remind: () => Promise.resolve(),
};

export interface ApprovalsWorker {
  /** Stops polling (in-flight tasks finish); `start()` polls again with a fresh worker. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The real `ticketApproval` workflow (bundled once per process from src/workflows/index.ts) on
 * APPROVALS_TASK_QUEUE with stub orchestration activities, plus stub channel activities on every channel queue.
 */
export async function startApprovalsWorker(env: TestWorkflowEnvironment): Promise<ApprovalsWorker> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundle;
  let running: { workers: Worker[]; done: Promise<unknown> } | undefined;
  const start = async (): Promise<void> => {
    const common = { connection: env.nativeConnection, namespace: env.namespace ?? 'default' };
    const workers = await Promise.all([
      Worker.create({ ...common, taskQueue: APPROVALS_TASK_QUEUE, workflowBundle, activities: orchestrationStubs }),
      ...CHANNEL_KINDS.map((kind) =>
        Worker.create({ ...common, taskQueue: channelTaskQueue(kind), activities: channelStubs }),
      ),
    ]);
    running = { workers, done: Promise.all(workers.map((w) => w.run())) };
  };
  const stop = async (): Promise<void> => {
    if (!running) return;
    for (const worker of running.workers) worker.shutdown();
    await running.done;
    running = undefined;
  };
  await start();
  return { start, stop };
}
