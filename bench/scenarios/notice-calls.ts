import type { ChannelKind } from '../../src/domain/channel.js';
import type { NoticeState } from '../../src/domain/notice-state.js';
import { progress, until } from '../lib/progress.js';
import { SimLogTail } from '../lib/sim-log.js';
import type { BenchStack } from '../stack/stack.js';
import { appIdOf, approversChat, count, quiet, type CallKind } from './calls.js';
import { createSimUsers, newGroup, ticketId, type Metric, type ScenarioResult } from './common.js';

export interface NoticeCallsOptions {
  platforms: ChannelKind[];
  /** People the rule tells (N). */
  sizes: number[];
  /** Also tell them through one group chat message instead (`groupChats`, mode `instead`). */
  groupChats: boolean;
  quietMs: number;
}

interface Config {
  platform: ChannelKind;
  n: number;
  group: boolean;
}

interface Counted extends Config {
  calls: Record<CallKind, number>;
  billed: number;
  all: number;
  failed: number;
  /** People (or the group chat) the notice did not reach. */
  missing: number;
  windowMs: number;
}

/**
 * Scenario 8: the platform calls one reported event spends telling N people (POST /v1/events, a rule naming them on
 * one platform), counted from the simulator's request log, beside a naive sender that posts one message per person.
 * One event at a time per platform, the platforms side by side (each its own app in the log).
 */
export async function noticeCallsScenario(stack: BenchStack, o: NoticeCallsOptions): Promise<ScenarioResult> {
  await stack.resetSim();
  const tail = await SimLogTail.start(stack.sim, 100);
  let rows: Counted[][];
  try {
    rows = await Promise.all(o.platforms.map((p) => onePlatform(stack, tail, p, o)));
  } finally {
    await tail.stop();
  }
  return result(o, rows.flat(), tail.missed);
}

async function onePlatform(stack: BenchStack, tail: SimLogTail, platform: ChannelKind, o: NoticeCallsOptions) {
  await oneEvent(stack, tail, { platform, n: 1, group: false }, o, 'warm'); // tokens cached, not counted
  const out: Counted[] = [];
  for (const group of o.groupChats ? [false, true] : [false]) {
    for (const n of o.sizes) {
      const counted = await oneEvent(stack, tail, { platform, n, group }, o, 'run');
      progress(`  S8 ${label(counted)}: ${counted.billed} billed / ${counted.all} calls (send ${counted.calls.send})`);
      out.push(counted);
    }
  }
  return out;
}

async function oneEvent(
  stack: BenchStack,
  tail: SimLogTail,
  config: Config,
  o: NoticeCallsOptions,
  tag: string,
): Promise<Counted> {
  const { platform, n, group } = config;
  const users = await createSimUsers(stack, newGroup(), n);
  const id = ticketId(`s8${tag}-${platform}${group ? '-group' : ''}`, n);
  const chat = group ? await approversChat(stack, platform, id, users) : undefined;
  const ticketType = `bench.${id.toLowerCase()}`;
  await stack.apiExpect(201, 'POST', '/v1/rules', {
    name: `S8 ${label(config)}`,
    match: { ticketType, event: 'executed' },
    recipients: { users },
    channels: [platform],
    ...(chat && { groupChats: [{ kind: platform, chatId: chat, mode: 'instead' }] }),
  });
  const app = appIdOf(platform);
  const timeout = 60_000 + n * 200;
  const started = Date.now();
  await stack.apiExpect(201, 'POST', '/v1/events', {
    eventId: id,
    ticketId: id,
    ticketType,
    state: 'executed',
    title: `Export orders (${id})`,
    requester: { userId: 'bench-requester', name: 'Bench Requester' },
  });
  const notice = await until(
    () => stack.apiExpect<NoticeState>(200, 'GET', `/v1/events/${id}`),
    (s) => s.status !== 'delivering',
    timeout,
    250,
    `S8 ${label(config)}: notice delivered`,
  );
  const ended = await quiet(tail, platform, app, o.quietMs, timeout);
  const records = tail.records.filter(
    (r) => r.platform === platform && (r.appId === app || r.appId === undefined) && r.at >= started && r.at <= ended,
  );
  const told = new Set(notice.deliveries.filter((d) => d.status === 'sent').map((d) => d.userId));
  const missing = chat
    ? notice.groupMessages.filter((g) => g.status !== 'sent').length
    : users.filter((u) => !told.has(u)).length;
  return { ...config, ...count(records), missing, windowMs: ended - started };
}

/** The naive sender: one message per person (a group chat changes nothing for it). */
function naiveOf(c: Config): number {
  return c.n;
}

/**
 * What robot batch send would cost (20 people per call, DingTalk's documented limit); one message per person on
 * Feishu / Lark, one per group chat.
 */
function goalOf(c: Config): number {
  if (c.group) return 1;
  return c.platform === 'dingtalk' || c.platform === 'dingtalk-exclusive' ? Math.ceil(c.n / 20) : c.n;
}

function label(c: Config): string {
  return `${c.platform}${c.group ? ' group chat' : ''}, N = ${c.n}`;
}

function result(o: NoticeCallsOptions, rows: Counted[], missed: number): ScenarioResult {
  const metrics: Metric[] = rows.map((c) => ({
    label: `${label(c)}: counted calls per event`,
    unit: 'calls',
    values: [c.billed],
    goal: { kind: 'atMost', value: goalOf(c) },
    baseline: [naiveOf(c)],
    headline: true,
  }));
  const missing = rows.reduce((s, r) => s + r.missing, 0);
  return {
    id: 'S8',
    title: 'Counted calls per notice event',
    metrics,
    notes: [
      `Per platform (${o.platforms.join(', ')}), N = ${o.sizes.join(', ')} new people: a rule for one ticket type tells them of \`executed\` on that platform; the ticket system reports the event (\`POST /v1/events\`), and the window closes once the notice's run says it is done and the app's log stayed quiet for ${o.quietMs} ms.`,
      "Counted from the simulator's request log, per app: **counted** calls are the ones the platform bills (not tokens or user lookups, only answers below HTTP 400). Each platform first tells one person without counting it, so tokens are cached; the people of every counted event are new, so their id lookups are real (unbilled) calls.",
      'DingTalk tells everyone of a round with one card instance delivered into each robot chat (about 40 per call, the 1,000-character `openSpaceId`); its goal is what robot batch send (20 per call) would cost. Feishu / Lark send one message per person (`uuid` keeps a retry from sending twice). "group chat" rows: the rule names one group chat (`groupChats`, mode `instead`): one message whatever N.',
      `Naive baseline = one message per person (N), computed, not measured. People (or chats) the notice did not reach (should be 0): ${missing}. Log records the bench missed (should be 0): ${missed}.`,
    ],
    table: {
      columns: [
        'platform',
        'to',
        'N',
        'counted (billed)',
        'all calls',
        'lookup',
        'send',
        'HTTP ≥ 400',
        'goal',
        'naive',
        'vs naive',
        'not reached',
      ],
      rows: rows.map((r) => [
        r.platform,
        r.group ? 'group chat' : 'one-to-one',
        r.n,
        r.billed,
        r.all,
        r.calls.lookup,
        r.calls.send,
        r.failed,
        `≤ ${goalOf(r)}${r.billed <= goalOf(r) ? '' : ' **missed**'}`,
        naiveOf(r),
        `${(r.billed / naiveOf(r)).toFixed(2)}×`,
        r.missing,
      ]),
    },
  };
}
