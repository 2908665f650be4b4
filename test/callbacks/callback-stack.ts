import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from '@temporalio/worker';
import { request } from 'undici';
import type { SimApp } from '../../sim/core/apps.js';
import type { SimClickResult } from '../../sim/core/clicks.js';
import type { SimMessage } from '../../sim/core/inbox.js';
import { createWorkers } from '../../src/plugins/run-workers.js';
import { registerCallbackUrls } from '../../src/service/callback-registration.js';
import { servicePlugins } from '../../src/service/plugins.js';
import type { ChannelKind } from '../../src/domain/channel.js';
import type { ApprovalState } from '../../src/domain/state.js';
import { SANDBOX_APPS } from '../support/simulator.js';
import { eventually, startStack, type Stack } from '../support/stack.js';

/** The whole stack (startStack) with every platform's card callbacks pointed at the API, as `npm start` does. */
export interface CallbackStack extends Stack {
  /** Stops every worker (in-flight tasks finish); `startWorkers` brings fresh ones back. */
  stopWorkers(): Promise<void>;
  startWorkers(): Promise<void>;
}

export async function startCallbackStack(envOverrides: Record<string, string> = {}): Promise<CallbackStack> {
  const stack = await startStack(envOverrides);
  const registered = await registerCallbackUrls({
    channelSource: stack.deps.channelSource,
    callbackBaseUrl: stack.apiUrl,
    simulatorUrl: stack.sim.url,
    dispatcher: stack.deps.dispatcher,
  });
  assert.deepEqual(
    registered.map((r) => r.status),
    ['registered', 'registered', 'registered', 'registered'],
    JSON.stringify(registered),
  );
  let extra: { workers: Worker[]; runs: Promise<unknown> } | undefined;
  const stopAll = async () => {
    const workers = [...stack.workers, ...(extra?.workers ?? [])].filter((w) => w.getState() === 'RUNNING');
    for (const w of workers) w.shutdown();
    await Promise.allSettled(workers.map((w) => waitStopped(w)));
    await extra?.runs.catch(() => undefined);
    extra = undefined;
  };
  return {
    ...stack,
    stopWorkers: stopAll,
    async startWorkers() {
      const workers = await createWorkers({
        connection: stack.temporal.nativeConnection,
        namespace: stack.temporal.namespace ?? 'default',
        plugins: await servicePlugins(stack.deps),
      });
      extra = { workers, runs: Promise.allSettled(workers.map((w) => w.run())) };
    },
    async stop() {
      await stopAll();
      await stack.stop();
    },
  };
}

function waitStopped(worker: Worker): Promise<unknown> {
  return eventually(
    () => Promise.resolve(worker.getState()),
    (s) => s === 'STOPPED' || s === 'FAILED',
    20_000,
  );
}

export function ticket(ticketId: string, extra: Record<string, unknown> = {}) {
  return {
    ticketId,
    ticketType: 'ticket.data_export',
    title: `Export orders (${ticketId})`,
    requester: { userId: 'alice', name: 'Alice Chen' },
    fields: [{ label: 'Database', value: 'orders_prod' }],
    ...extra,
  };
}

export const approvalState = (stack: Stack, ticketId: string) =>
  stack.call<ApprovalState & { workflowStatus: string }>('GET', `/v1/approvals/${ticketId}`).then((r) => r.body);

/** Starts an approval and waits until bob and carol have their card on all four platforms. */
export async function startTicket(stack: Stack, ticketId: string, extra: Record<string, unknown> = {}) {
  const res = await stack.call('POST', '/v1/approvals', ticket(ticketId, extra));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return eventually(
    () => approvalState(stack, ticketId),
    (s) => s.deliveries?.filter((d) => d.status === 'sent').length === 8,
  );
}

/** The one card of a ticket in a user's inbox on one platform. */
export async function cardOf(stack: Stack, kind: ChannelKind, user: string, ticketId: string): Promise<SimMessage> {
  const inbox = await stack.sim.control.inbox(kind, user);
  const cards = inbox.filter((m) => m.msgType !== 'text' && JSON.stringify(m.content).includes(ticketId));
  assert.equal(cards.length, 1, `${user} has one ${kind} card for ${ticketId}`);
  return cards[0] as SimMessage;
}

/** A sim user presses a button: the platform's real signed callback goes to the API; the answer comes back. */
export async function click(
  stack: Stack,
  kind: ChannelKind,
  card: SimMessage,
  userId: string,
  action: 'approve' | 'reject',
  mode?: string,
): Promise<SimClickResult> {
  return stack.sim.control.click<SimClickResult>({
    platform: kind,
    messageId: card.id,
    userId,
    action,
    ...(mode ? { mode } : {}),
  });
}

/** POSTs a callback to the API exactly as given (a replay, or a request built like the platform builds it). */
export async function postCallback(url: string, headers: Record<string, string>, body: string) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body,
  });
  const text = await res.body.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.statusCode, body: parsed as Record<string, unknown> };
}

/** What a user's card shows, as one string (Feishu card JSON, DingTalk card data), for outcome assertions. */
export async function viewOf(stack: Stack, kind: ChannelKind, user: string, ticketId: string): Promise<string> {
  const inbox = await stack.sim.control.inbox(kind, user);
  const card = inbox.find((m) => m.msgType !== 'text' && JSON.stringify(m.content).includes(ticketId));
  return JSON.stringify((card as { view?: unknown } | undefined)?.view ?? null);
}

export const KINDS: readonly ChannelKind[] = ['feishu', 'lark', 'dingtalk', 'dingtalk-exclusive'];

/** Waits until every approver's card on every platform shows `text` (e.g. "Approved by Bob Li"). */
export async function allCardsShow(stack: Stack, ticketId: string, text: string, users = ['bob', 'carol']) {
  const views = () => Promise.all(KINDS.flatMap((k) => users.map((u) => viewOf(stack, k, u, ticketId))));
  return eventually(views, (all) => all.every((v) => v.includes(text)));
}

/**
 * Runs `fn` while the platform POSTs its callbacks to a stand-in that answers `{}`, so a click's real signed request
 * can be kept (`SimClickResult.request`) and delivered later; the API's callback URL is restored afterwards.
 */
export async function withCallbacksParked<T>(stack: Stack, kind: ChannelKind, fn: () => Promise<T>): Promise<T> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const parked = `http://127.0.0.1:${(server.address() as AddressInfo).port}/parked`;
  const restore = await pointCallbacks(stack, kind, parked);
  try {
    return await fn();
  } finally {
    await restore();
    server.close();
  }
}

/** Callbacks held at the gate of withCallbacksHeld until released. */
export interface CallbackGate {
  /** Resolves once `count` callbacks are held. */
  arrived(count: number): Promise<void>;
  /** Lets every held callback (and every later one) through to the API. */
  release(): void;
}

/**
 * Runs `fn` while the platforms' callbacks pass through a gate that holds them until `gate.release()`, then lets
 * them reach the API at once; each answer goes back to the platform, which applies it as usual (unlike parking).
 */
export async function withCallbacksHeld<T>(
  stack: Stack,
  kinds: readonly ChannelKind[],
  fn: (gate: CallbackGate) => Promise<T>,
): Promise<T> {
  type Held = { path: string; headers: Record<string, string>; body: Buffer; res: ServerResponse };
  const held: Held[] = [];
  let open = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (e): e is [string, string] => typeof e[1] === 'string' && !HOP_HEADERS.includes(e[0]),
        ),
      );
      const one = { path: req.url ?? '/', headers, body: Buffer.concat(chunks), res };
      if (open) void forward(stack.apiUrl, one);
      else held.push(one);
    });
  });
  const gate: CallbackGate = {
    arrived: (count) =>
      eventually(
        () => Promise.resolve(held.length),
        (n) => n >= count,
      ).then(() => undefined),
    release() {
      open = true;
      for (const one of held.splice(0)) void forward(stack.apiUrl, one);
    },
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const restores = [];
  for (const kind of kinds) restores.push(await pointCallbacks(stack, kind, `${url}/callbacks/${kind}`));
  try {
    return await fn(gate);
  } finally {
    gate.release();
    for (const restore of restores) await restore();
    server.close();
  }
}

const HOP_HEADERS = ['host', 'connection', 'content-length', 'transfer-encoding'];

async function forward(
  apiUrl: string,
  h: { path: string; headers: Record<string, string>; body: Buffer; res: ServerResponse },
) {
  try {
    const answer = await request(`${apiUrl}${h.path}`, { method: 'POST', headers: h.headers, body: h.body });
    const text = await answer.body.text();
    h.res.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(text);
  } catch {
    h.res.destroy();
  }
}

/** Points one platform's callbacks at `url`; returns how to point them back at the API. */
async function pointCallbacks(stack: Stack, kind: ChannelKind, url: string): Promise<() => Promise<unknown>> {
  const appId = SANDBOX_APPS[kind].appId;
  const app = await stack.sim.control.call<SimApp>('GET', `/apps/${kind}/${appId}`);
  const point = (to: string) =>
    kind === 'feishu' || kind === 'lark'
      ? stack.sim.control.setApp(kind, appId, { callbackUrl: to })
      : stack.sim.control.setApp(kind, appId, { callbackRoutes: reroute(app.callbackRoutes, to) });
  await point(url);
  return () => point(`${stack.apiUrl}/callbacks/${kind}`);
}

function reroute(routes: SimApp['callbackRoutes'], url: string): SimApp['callbackRoutes'] {
  return Object.fromEntries(Object.entries(routes).map(([key, target]) => [key, { ...target, url }]));
}

/** Runs `fn` with the simulator's clock (the platforms' clock) `offsetMs` off. */
export async function withPlatformClockOff<T>(stack: Stack, offsetMs: number, fn: () => Promise<T>): Promise<T> {
  // The simulator stamps and signs its callbacks with this clock (tests may move it, sim/core/types.ts).
  const clock = stack.sim.core.clock;
  const real = clock.now.bind(clock);
  clock.now = () => real() + offsetMs;
  try {
    return await fn();
  } finally {
    clock.now = real;
  }
}
