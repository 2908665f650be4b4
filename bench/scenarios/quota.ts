import { every, progress, until } from '../lib/progress.js';
import { SimLogTail } from '../lib/sim-log.js';
import type { FeishuLike } from '../lib/sim.js';
import { mapLimit } from '../lib/http.js';
import type { BenchStack } from '../stack/stack.js';
import {
  approvalState,
  createSimUsers,
  newGroup,
  startApproval,
  startRequest,
  ticketId,
  type ScenarioResult,
} from './common.js';
import { NAIVE_RETRIES, NaiveSender, sampleCard } from './naive-sender.js';

export interface QuotaOptions {
  cards: number;
  /** Recipients per approval (a policy names at most 500 approvers per level). */
  perApproval: number;
  /** The platform's app-wide limit set in the simulator; the Feishu task queue is limited to the same. */
  limitPerSecond: number;
  runs: number;
}

interface QuotaRun {
  sendRate: number;
  share429: number;
  sendRequests: number;
  lost: number;
  duplicated: number;
  totalS: number;
  lookups: number;
  lookups429: number;
  missedLog: number;
}

interface BaselineRun {
  delivered: number;
  lost: number;
  duplicated: number;
  totalS: number;
  share429: number;
  sendRate: number;
}

/** Scenario 1 and 6: quota saturation on Feishu, then the naive sender through the same limit. */
export async function quotaScenario(stack: BenchStack, o: QuotaOptions): Promise<ScenarioResult[]> {
  const ours: QuotaRun[] = [];
  const naive: BaselineRun[] = [];
  for (let run = 1; run <= o.runs; run++) {
    progress(`S1 run ${run}/${o.runs}: ${o.cards} cards, Feishu limited to ${o.limitPerSecond}/s`);
    ours.push(await oursOnce(stack, o, run));
    progress(`S6 run ${run}/${o.runs}: the naive sender, same ${o.cards} recipients and limit`);
    naive.push(await naiveOnce(stack, o, run));
  }
  await stack.sim.setApp('feishu', { rateLimitPerSecond: null });
  return [quotaResult(o, ours, naive), baselineResult(o, naive)];
}

async function prepare(stack: BenchStack, o: QuotaOptions): Promise<string[]> {
  await stack.resetSim();
  await stack.sim.setApp('feishu', { rateLimitPerSecond: o.limitPerSecond });
  return createSimUsers(stack, newGroup(), o.cards);
}

async function oursOnce(stack: BenchStack, o: QuotaOptions, run: number): Promise<QuotaRun> {
  const users = await prepare(stack, o);
  const tail = await SimLogTail.start(stack.sim, 100);
  const sends = () => tail.select({ platform: 'feishu', api: 'send' });
  const okSends = () => sends().filter((r) => r.status === 200).length;
  const stop = every(10_000, () => {
    const all = sends();
    const lookups = tail.select({ platform: 'feishu', api: 'resolve_user' });
    return `  S1: ${okSends()}/${o.cards} cards sent, ${all.filter((r) => r.status === 429).length} sends answered 429, ${lookups.length} lookups`;
  });
  const started = Date.now();
  const ids: string[] = [];
  try {
    const batches = chunk(users, o.perApproval);
    await mapLimit(batches, 8, async (approvers, i) => {
      const id = ticketId(`s1r${run}`, i);
      ids.push(id);
      await startApproval(stack, startRequest(id, approvers, 'feishu'));
    });
    const budget = (o.cards / o.limitPerSecond) * 8_000 + 300_000;
    // Done when every card is in (the request log), or — should some fail for good — when the workflows say every
    // delivery is final; asked rarely, since each answer is a query the busy worker has to serve.
    let asked = Date.now();
    const done = async () => {
      await tail.poll();
      if (okSends() >= o.cards) return true;
      if (Date.now() - asked < 15_000) return false;
      asked = Date.now();
      return settled(stack, ids);
    };
    await until(done, (d) => d, budget, 500, 'every S1 delivery settled');
  } finally {
    stop();
    await tail.stop();
  }
  const all = sends();
  const ok = all.filter((r) => r.status === 200);
  const first = Math.min(...all.map((r) => r.at));
  const last = Math.max(...ok.map((r) => r.at));
  const lookups = tail.select({ platform: 'feishu', api: 'resolve_user' });
  const cards = await cardsPerUser(stack, 'feishu', users);
  return {
    sendRate: ok.length > 1 ? ((ok.length - 1) * 1000) / (last - first) : 0,
    share429: all.length ? all.filter((r) => r.status === 429).length / all.length : 0,
    sendRequests: all.length,
    lost: cards.lost,
    duplicated: cards.duplicated,
    totalS: (last - started) / 1000,
    lookups: lookups.length,
    lookups429: lookups.filter((r) => r.status === 429).length,
    missedLog: tail.missed,
  };
}

/** True once every approval has a final delivery state (sent or failed) for each of its recipients. */
async function settled(stack: BenchStack, ids: string[]): Promise<boolean> {
  const states = await Promise.all(ids.map((id) => approvalState(stack, id).catch(() => undefined)));
  return states.every((s) => {
    const deliveries = s?.deliveries ?? [];
    const recipients = s?.recipients ?? [];
    return (
      recipients.length > 0 &&
      deliveries.length === recipients.length &&
      deliveries.every((d) => d.status !== 'pending')
    );
  });
}

async function naiveOnce(stack: BenchStack, o: QuotaOptions, run: number): Promise<BaselineRun> {
  const users = await prepare(stack, o);
  const tail = await SimLogTail.start(stack.sim, 200);
  const sender = new NaiveSender(stack.sim.url, 'feishu');
  let done = 0;
  const stop = every(10_000, () => `  S6: ${done}/${o.cards} recipients tried`);
  try {
    await sender.login();
    const result = await sender.sendAll(
      users.map((u) => `${u}@bench.example`),
      sampleCard(ticketId('s6', run)),
      (n) => (done = n),
    );
    await tail.stop();
    const cards = await cardsPerUser(stack, 'feishu', users);
    const oks = tail.select({ platform: 'feishu', api: 'send', status: 200 });
    const span = Math.max(...oks.map((r) => r.at)) - Math.min(...oks.map((r) => r.at));
    return {
      delivered: users.length - cards.lost,
      lost: cards.lost,
      duplicated: cards.duplicated,
      totalS: result.ms / 1000,
      share429: result.requests ? result.answered429 / result.requests : 0,
      sendRate: oks.length > 1 ? ((oks.length - 1) * 1000) / span : 0,
    };
  } finally {
    stop();
    await tail.stop();
    await sender.close();
  }
}

/** Cards in the simulator's inbox per recipient: lost = recipients without one, duplicated = cards beyond one. */
export async function cardsPerUser(stack: BenchStack, platform: FeishuLike, users: string[]) {
  const inbox = await stack.sim.inbox(platform);
  const counts = new Map<string, number>();
  for (const m of inbox) if (m.msgType === 'interactive') counts.set(m.userId, (counts.get(m.userId) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  for (const u of users) {
    const n = counts.get(u) ?? 0;
    if (n === 0) lost++;
    else duplicated += n - 1;
  }
  return { lost, duplicated };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function quotaResult(o: QuotaOptions, runs: QuotaRun[], naive: BaselineRun[]): ScenarioResult {
  const pick = (k: keyof QuotaRun) => runs.map((r) => r[k]);
  return {
    id: 'S1',
    title: 'Quota saturation',
    metrics: [
      {
        label: 'achieved send rate',
        unit: '/s',
        values: pick('sendRate'),
        goal: { kind: 'atLeast', value: 0.95 * o.limitPerSecond },
        baseline: naive.map((n) => n.sendRate),
        headline: true,
      },
      {
        label: 'sends answered 429',
        unit: '%',
        values: runs.map((r) => r.share429 * 100),
        goal: { kind: 'atMost', value: 1 },
        baseline: naive.map((n) => n.share429 * 100),
        headline: true,
      },
      {
        label: 'cards lost',
        unit: '',
        values: pick('lost'),
        goal: { kind: 'atMost', value: 0 },
        baseline: naive.map((n) => n.lost),
        headline: true,
      },
      {
        label: 'cards duplicated',
        unit: '',
        values: pick('duplicated'),
        goal: { kind: 'atMost', value: 0 },
        baseline: naive.map((n) => n.duplicated),
        headline: true,
      },
      {
        label: 'start to last card',
        unit: 's',
        values: pick('totalS'),
        baseline: naive.map((n) => n.totalS),
        headline: true,
      },
      { label: 'send requests (incl. retried)', unit: '', values: pick('sendRequests') },
      { label: 'recipient lookups (contact API)', unit: '', values: pick('lookups') },
      { label: 'lookups answered 429', unit: '', values: pick('lookups429') },
    ],
    notes: [
      `${o.cards} cards to ${o.cards} distinct recipients (fresh simulator and directory users each run), ${o.cards / o.perApproval} approvals of ${o.perApproval} approvers each, on Feishu only.`,
      `The simulator limits the Feishu app to ${o.limitPerSecond} requests/s per API (fixed 1-s windows, as the platform documents); the Feishu task queue's \`maxTaskQueueActivitiesPerSecond\` is set to the same ${o.limitPerSecond}.`,
      'Send rate = successful sends after the first, over the time from the first send request to the last successful one (simulator clock). Lost / duplicated = recipients without a card / cards beyond one per recipient, counted in the simulator inbox.',
      `Recipients' Feishu ids are looked up (contact API, one call per person, cached per worker) before their cards go out; those calls share the app's limit on their own API and are not rate-limited by any task queue. Records the request log dropped before we read them: ${runs.map((r) => r.missedLog).join(', ')}.`,
    ],
  };
}

function baselineResult(o: QuotaOptions, naive: BaselineRun[]): ScenarioResult {
  return {
    id: 'S6',
    title: 'Naive sender (baseline)',
    metrics: [
      { label: 'delivered', unit: '', values: naive.map((n) => n.delivered), headline: true },
      { label: 'lost', unit: '', values: naive.map((n) => n.lost), headline: true },
      { label: 'duplicated', unit: '', values: naive.map((n) => n.duplicated), headline: true },
      { label: 'time for all recipients', unit: 's', values: naive.map((n) => n.totalS), headline: true },
      { label: 'requests answered 429', unit: '%', values: naive.map((n) => n.share429 * 100) },
    ],
    notes: [
      `The same ${o.cards} recipients (fresh users), the same card rendering and the same ${o.limitPerSecond}/s limit, through the same simulator, right after our run.`,
      `One synchronous POST per recipient (\`im/v1/messages?receive_id_type=email\`, so no lookup), ${NAIVE_RETRIES} immediate retries on any failure, rate-limit headers ignored, no idempotency key, one keep-alive connection.`,
    ],
  };
}
