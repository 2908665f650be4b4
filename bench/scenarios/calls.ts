import type { ChannelKind } from '../../src/domain/channel.js';
import { stableHash } from '../../src/domain/ids.js';
import { sandboxChannels } from '../../src/service/sandbox-channels.js';
import { isBilled, usageAppIdOf } from '../../src/usage/billing.js';
import { expectJson } from '../lib/http.js';
import { progress, until } from '../lib/progress.js';
import { SimLogTail } from '../lib/sim-log.js';
import type { SimClickResult, SimMessage, SimRecord } from '../lib/sim.js';
import { WebhookReceiver } from '../lib/webhooks.js';
import type { BenchStack } from '../stack/stack.js';
import {
  approvalState,
  createSimUsers,
  newGroup,
  startApproval,
  startRequest,
  ticketId,
  type Metric,
  type ScenarioResult,
} from './common.js';

export interface CallsOptions {
  platforms: ChannelKind[];
  /** Recipients per level (N). */
  sizes: number[];
  /** Escalation levels after the first (0 or 2 in the issue). */
  escalations: number[];
  /** Level k (0-based) is notified k × this many ms after the start. */
  escalationStepMs: number;
  /** The app's log must stay this long without a request before an approval's window closes. */
  quietMs: number;
  /** Also run every configuration with the approvers' group chat instead of one-to-one cards (`groupChats`). */
  groupChats: boolean;
}

export type CallKind = 'token' | 'lookup' | 'send' | 'update' | 'other';

interface Config {
  platform: ChannelKind;
  n: number;
  escalations: number;
  /** One card in the approvers' group chat (policy `groupChats`, mode `instead`) rather than one per approver. */
  group: boolean;
}

interface Counted extends Config {
  calls: Record<CallKind, number>;
  billed: number;
  all: number;
  /** Calls the simulator answered with HTTP ≥ 400 (never billed). */
  failed: number;
  /** Recipients whose card never arrived, or never showed the outcome. */
  cardsMissing: number;
  cardsNotUpdated: number;
  windowMs: number;
}

/**
 * Scenario 7: the platform calls one approval spends, counted from the simulator's request log (what the platform
 * would bill), per platform, recipients per level and escalation levels. Platforms run side by side (each is a
 * separate app in the log); the configurations of one platform one after the other, so an approval's calls are
 * exactly its app's requests between its start and the moment its cards show the outcome and the log went quiet.
 */
export async function callsScenario(stack: BenchStack, o: CallsOptions): Promise<ScenarioResult> {
  await stack.resetSim();
  await pointDingtalkCallbacks(stack);
  const tail = await SimLogTail.start(stack.sim, 100);
  const webhooks = await WebhookReceiver.start();
  let results: Counted[][];
  try {
    results = await Promise.all(o.platforms.map((p) => onePlatform(stack, tail, webhooks, p, o)));
  } finally {
    await webhooks.close();
    await tail.stop();
  }
  return callsResult(o, results.flat(), tail.missed);
}

async function onePlatform(
  stack: BenchStack,
  tail: SimLogTail,
  webhooks: WebhookReceiver,
  platform: ChannelKind,
  o: CallsOptions,
): Promise<Counted[]> {
  // Warm-up: one approval with its click, so the worker and the API hold a token for this app (not counted).
  await oneApproval(stack, tail, webhooks, { platform, n: 1, escalations: 0, group: false }, o, 'warm');
  const out: Counted[] = [];
  for (const group of o.groupChats ? [false, true] : [false]) {
    for (const escalations of o.escalations) {
      for (const n of o.sizes) {
        const counted = await oneApproval(stack, tail, webhooks, { platform, n, escalations, group }, o, 'run');
        progress(
          `  S7 ${label(counted)}: ${counted.billed} billed / ${counted.all} calls (token ${counted.calls.token}, lookup ${counted.calls.lookup}, send ${counted.calls.send}, update ${counted.calls.update}, other ${counted.calls.other})`,
        );
        out.push(counted);
      }
    }
  }
  return out;
}

async function oneApproval(
  stack: BenchStack,
  tail: SimLogTail,
  webhooks: WebhookReceiver,
  config: Config,
  o: CallsOptions,
  tag: string,
): Promise<Counted> {
  const { platform, n, escalations, group } = config;
  const levelCount = escalations + 1;
  const users = await createSimUsers(stack, newGroup(), n * levelCount);
  const levels = Array.from({ length: levelCount }, (_, k) => ({
    approvers: users.slice(k * n, (k + 1) * n),
    channels: [platform],
    afterMs: k * o.escalationStepMs,
  }));
  const id = ticketId(`s7${tag}-${platform}${group ? '-group' : ''}`, `${n}x${levelCount}`);
  const chat = group ? await approversChat(stack, platform, id, users) : undefined;
  const request = startRequest(id, levels[0]?.approvers ?? [], platform, webhooks.url);
  const groupChats = chat ? [{ kind: platform, chatId: chat, mode: 'instead' }] : undefined;
  const body = { ...request, policy: { ...request.policy, levels, ...(groupChats && { groupChats }) } };
  const app = appIdOf(platform);
  const what = `S7 ${label(config)}`;
  const timeout = 60_000 + users.length * 200;

  const started = Date.now();
  await startApproval(stack, body);
  // Every level notified, then every recipient's card in the simulator.
  await until(
    () => approvalState(stack, id),
    (s) => s.level >= levelCount,
    timeout,
    250,
    `${what}: level ${levelCount} notified`,
  );
  // Direct: one card per approver. Group chat: the chat's card (every member sees it).
  const wanted = new Set(chat ? [chat] : users);
  const holderOf = (m: SimMessage) => (chat && m.chatId === chat ? chat : m.userId);
  const cards = await until(
    () => ticketCards(stack, platform, id),
    (m) => new Set(m.map(holderOf).filter((u) => wanted.has(u))).size === wanted.size,
    timeout,
    500,
    `${what}: ${wanted.size} cards`,
  );
  const clicker = users[0] ?? '';
  const card = cards.find((m) => holderOf(m) === (chat ?? clicker));
  if (!card) throw new Error(`${what}: no card for ${clicker}`);
  const click = await expectJson<SimClickResult>(200, 'POST', `${stack.sim.url}/_sim/click`, {
    platform,
    messageId: card.id,
    userId: clicker,
    action: 'approve',
  });
  if (click.answer.status !== 200) {
    throw new Error(`${what}: callback answered ${click.answer.status}: ${click.answer.body.slice(0, 200)}`);
  }
  // The workflow sends the outcome webhook after it updated the cards; then wait for the app's log to go quiet.
  await webhooks.waitFor(id, timeout);
  const ended = await quiet(tail, platform, app, o.quietMs, timeout);
  const final = await ticketCards(stack, platform, id);
  const shown = new Set(
    final.filter((m) => m.history.some((h) => h.source !== 'send' && h.at >= started)).map(holderOf),
  );
  const arrived = new Set(final.map(holderOf));
  const records = tail.records.filter(
    (r) => r.platform === platform && (r.appId === app || r.appId === undefined) && r.at >= started && r.at <= ended,
  );
  return {
    ...config,
    ...count(records),
    cardsMissing: [...wanted].filter((u) => !arrived.has(u)).length,
    cardsNotUpdated: [...wanted].filter((u) => arrived.has(u) && !shown.has(u)).length,
    windowMs: ended - started,
  };
}

/**
 * The approvers' group chat for one approval: Feishu / Lark take any `oc_` id the bot is in (the simulator's rule);
 * a DingTalk group (openConversationId) is created with every approver as a member and the app's robot in it.
 */
export async function approversChat(stack: BenchStack, platform: ChannelKind, id: string, members: string[]) {
  const suffix = stableHash(id).slice(0, 16);
  if (platform === 'feishu' || platform === 'lark') return `oc_bench${suffix}`;
  const chat = `cidbench${suffix}==`;
  await expectJson(200, 'PUT', `${stack.sim.url}/_sim/groups/${platform}/${encodeURIComponent(chat)}`, {
    name: `Approvers of ${id}`,
    members,
    robots: [appIdOf(platform)],
  });
  return chat;
}

/** The ticket's cards in the platform's inbox (one per recipient, whatever number of card instances they share). */
async function ticketCards(stack: BenchStack, platform: ChannelKind, id: string): Promise<SimMessage[]> {
  const all = await expectJson<SimMessage[]>(200, 'GET', `${stack.sim.url}/_sim/inbox?platform=${platform}`);
  return all.filter((m) => JSON.stringify(m.content).includes(id));
}

/** Waits until the app's log has had no request for `quietMs`; returns the time of its last request. */
export async function quiet(tail: SimLogTail, platform: string, app: string, quietMs: number, timeoutMs: number) {
  const last = () => tail.records.findLast((r) => r.platform === platform && r.appId === app)?.at ?? 0;
  await until(
    () => tail.poll().then(() => Date.now() - last()),
    (idle) => idle >= quietMs,
    timeoutMs,
    100,
    `${platform}: the log to go quiet`,
  );
  return last();
}

/** By the simulator's API tag (method and path when it has none); billed as src/usage/billing.ts says. */
export function classify(r: Pick<SimRecord, 'api' | 'method' | 'path'>): CallKind {
  switch (r.api) {
    case 'token':
      return 'token';
    case 'resolve_user':
      return 'lookup';
    case 'send':
    case 'reply':
    case 'deliver':
      return 'send';
    case 'update':
      return 'update';
    case undefined:
      if (/token/i.test(r.path)) return 'token';
      if (/deliver|\/messages$/.test(r.path)) return 'send';
      return r.method === 'PUT' || r.method === 'PATCH' ? 'update' : 'other';
    default:
      return 'other';
  }
}

export function count(records: SimRecord[]): Pick<Counted, 'calls' | 'billed' | 'all' | 'failed'> {
  const calls: Record<CallKind, number> = { token: 0, lookup: 0, send: 0, update: 0, other: 0 };
  let billed = 0;
  for (const r of records) {
    const kind = classify(r);
    calls[kind]++;
    if (isBilled({ api: kind === 'other' ? 'callback-registration' : kind, status: r.status })) billed++;
  }
  return { calls, billed, all: records.length, failed: records.filter((r) => r.status >= 400).length };
}

/**
 * The goals: DingTalk ≤ 2 + escalation levels whatever N; Feishu / Lark ≤ 2 per recipient (1 send + 1 update),
 * or ≤ 2 with the group chat.
 */
export function goalOf(c: Config): number {
  if (c.platform === 'dingtalk' || c.platform === 'dingtalk-exclusive') return 2 + c.escalations;
  return c.group ? 2 : 2 * c.n * (c.escalations + 1);
}

function label(c: Config): string {
  return `${c.platform}${c.group ? ' group chat' : ''}, N = ${c.n}, ${c.escalations} escalation levels`;
}

/** A naive engine: every level's recipients get a card, and every card is updated once at the end. */
export function naiveOf(c: Config): number {
  return 2 * c.n * (c.escalations + 1);
}

const SANDBOX = sandboxChannels('http://sim.invalid', 'http://api.invalid');

export function appIdOf(kind: ChannelKind): string {
  const channel = SANDBOX.find((c) => c.kind === kind);
  const id = channel ? usageAppIdOf(kind, channel.config) : undefined;
  if (!id) throw new Error(`no sandbox app for ${kind}`);
  return id;
}

/**
 * A simulator reset forgets DingTalk's callback registrations, which the API made at boot: register the API's URL
 * again on the simulator's control API (what `card/callbacks/register` stores), for both editions.
 */
async function pointDingtalkCallbacks(stack: BenchStack): Promise<void> {
  for (const kind of ['dingtalk', 'dingtalk-exclusive'] as const) {
    const config = SANDBOX.find((c) => c.kind === kind)?.config as
      { appKey: string; callbackRouteKey: string; apiSecret: string } | undefined;
    if (!config) throw new Error(`no sandbox channel for ${kind}`);
    await expectJson(200, 'PUT', `${stack.sim.url}/_sim/apps/${kind}/${config.appKey}`, {
      callbackRoutes: {
        [config.callbackRouteKey]: { url: `${stack.apiUrl}/callbacks/${kind}`, secret: config.apiSecret },
      },
    });
  }
}

function callsResult(o: CallsOptions, rows: Counted[], missed: number): ScenarioResult {
  const metrics: Metric[] = rows.map((c) => ({
    label: `${label(c)}: counted calls per approval`,
    unit: 'calls',
    values: [c.billed],
    goal: { kind: 'atMost', value: goalOf(c) },
    baseline: [naiveOf(c)],
    headline: true,
  }));
  for (const platform of o.platforms) {
    const mine = rows.filter((r) => r.platform === platform);
    metrics.push({
      label: `${platform}: token calls, all ${mine.length} approvals together (warm)`,
      unit: 'calls',
      values: [mine.reduce((s, r) => s + r.calls.token, 0)],
      goal: { kind: 'atMost', value: 0 },
      headline: true,
    });
  }
  const notUpdated = rows.reduce((s, r) => s + r.cardsNotUpdated + r.cardsMissing, 0);
  return {
    id: 'S7',
    title: 'Counted calls per approval',
    metrics,
    notes: [
      `Per platform (${o.platforms.join(', ')}), N = ${o.sizes.join(', ')} recipients per level and ${o.escalations.join(' / ')} escalation levels: one approval to N new people per level (levels notified ${o.escalationStepMs / 1000} s apart), every level's cards delivered, then one level-1 recipient presses Approve (\`POST /_sim/click\`, the real signed callback) and the approval ends; its window closes once the outcome webhook arrived (sent after the cards were updated) and the app's log stayed quiet for ${o.quietMs} ms.`,
      "Counted from the simulator's request log (the platform's view), per app, in that window: **counted** calls are the ones the platform bills (src/usage/billing.ts: not tokens or user lookups, only answers below HTTP 400); **all** calls include tokens, lookups and failures.",
      'Warm: each platform first runs one approval (with its click) that is not counted, so the worker and the API hold a token; the people of every counted approval are new, so their id lookups are real calls (listed, not billed).',
      'Goals (issue 10): DingTalk ≤ 2 + escalation levels whatever N; Feishu / Lark ≤ 2 per recipient (1 send + 1 final update; N × (levels + 1) recipients), or ≤ 2 with the group chat; no token call. Naive baseline = one send and one update per recipient: 2 × N × (escalation levels + 1), computed, not measured.',
      ...(o.groupChats
        ? [
            "\"group chat\" rows: the policy names the approvers' group chat (`groupChats`, mode `instead`): one card in the chat, every approver of every level a member (DingTalk: a simulator group with the app's robot in it), the click is made on the chat's card.",
          ]
        : []),
      "The settling click is answered with the clicker's card in its final state; once the API confirms the platform had that answer in time, the workflow does not update that card again (Feishu / Lark: one update fewer; DingTalk's answer refreshes only the clicker's view, so its shared card still gets its one PUT).",
      `Cards that did not arrive or never showed the outcome (should be 0): ${notUpdated}. Log records the bench missed (should be 0): ${missed}.`,
    ],
    table: {
      columns: [
        'platform',
        'cards',
        'N',
        'escalation levels',
        'recipients',
        'counted (billed)',
        'all calls',
        'token',
        'lookup',
        'send',
        'update',
        'other',
        'HTTP ≥ 400',
        'goal',
        'naive',
        'vs naive',
        'cards not updated',
      ],
      rows: rows.map((r) => [
        r.platform,
        r.group ? 'group chat' : 'one-to-one',
        r.n,
        r.escalations,
        r.n * (r.escalations + 1),
        r.billed,
        r.all,
        r.calls.token,
        r.calls.lookup,
        r.calls.send,
        r.calls.update,
        r.calls.other,
        r.failed,
        `≤ ${goalOf(r)}${r.billed <= goalOf(r) ? '' : ' **missed**'}`,
        naiveOf(r),
        `${(r.billed / naiveOf(r)).toFixed(2)}×`,
        r.cardsMissing + r.cardsNotUpdated,
      ]),
    },
  };
}
