import { every, progress, until } from '../lib/progress.js';
import { percentile } from '../lib/stats.js';
import { WebhookReceiver } from '../lib/webhooks.js';
import type { BenchStack } from '../stack/stack.js';
import { createSimUsers, newGroup, startApproval, startRequest, ticketId, type ScenarioResult } from './common.js';

export interface ThroughputOptions {
  /** Approvals in flight at once (closed loop: each lane starts the next when its last one finished). */
  lanes: number;
  warmupS: number;
  windowS: number;
  windows: number;
  /** Distinct clickers; reused round-robin once used up. */
  clickers: number;
}

interface Done {
  startedAt: number;
  doneAt: number;
}

/**
 * Scenario 4: complete approvals per second on one worker. Each lane: start (3 Lark cards), wait for the first
 * recipient's card, click Approve on it (real callback through the simulator), wait for the outcome webhook
 * (sent after every card shows the outcome), repeat.
 */
export async function throughputScenario(stack: BenchStack, o: ThroughputOptions): Promise<ScenarioResult> {
  await stack.resetSim();
  const pairs = await createSimUsers(stack, newGroup(), o.lanes * 2);
  const clickers = await createSimUsers(stack, newGroup(), o.clickers);
  const webhooks = await WebhookReceiver.start();
  const done: Done[] = [];
  const errors: string[] = [];
  let counter = 0;
  const began = Date.now();
  const measureFrom = began + o.warmupS * 1000;
  const endAt = measureFrom + o.windows * o.windowS * 1000;
  const stop = every(
    10_000,
    () => `  S4: ${done.length} approvals complete, ${counter - done.length} in flight or failed`,
  );
  const lane = async (l: number) => {
    while (Date.now() < endAt && errors.length < 20) {
      const n = counter++;
      const trio = [clickers[n % clickers.length] ?? '', pairs[l * 2] ?? '', pairs[l * 2 + 1] ?? ''];
      try {
        done.push(await oneApproval(stack, webhooks, ticketId('s4', n), trio));
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  try {
    progress(`S4: ${o.lanes} lanes, ${o.warmupS} s warm-up, then ${o.windows} × ${o.windowS} s`);
    await Promise.all(Array.from({ length: o.lanes }, (_, l) => lane(l)));
  } finally {
    stop();
    await webhooks.close();
  }
  if (errors.length > 0) progress(`S4: ${errors.length} approvals failed, first: ${errors[0]}`);
  return throughputResult(o, done, measureFrom, errors);
}

async function oneApproval(stack: BenchStack, webhooks: WebhookReceiver, id: string, trio: string[]): Promise<Done> {
  const startedAt = Date.now();
  const clicker = trio[0] ?? '';
  await startApproval(stack, startRequest(id, trio, 'lark', webhooks.url));
  const inbox = await until(
    () => stack.sim.inbox('lark', clicker),
    (messages) => messages.some((m) => m.msgType === 'interactive' && JSON.stringify(m.content).includes(id)),
    60_000,
    100,
    `S4 ${id}: the clicker's card`,
  );
  const card = inbox.find((m) => m.msgType === 'interactive' && JSON.stringify(m.content).includes(id));
  const click = await stack.sim.click('lark', card?.id ?? '', clicker);
  if (click.answer.status !== 200) throw new Error(`S4 ${id}: callback answered ${click.answer.status}`);
  const doneAt = await webhooks.waitFor(id, 60_000);
  return { startedAt, doneAt };
}

function throughputResult(o: ThroughputOptions, done: Done[], measureFrom: number, errors: string[]): ScenarioResult {
  const windowMs = o.windowS * 1000;
  const perWindow = Array.from({ length: o.windows }, (_, w) => {
    const from = measureFrom + w * windowMs;
    return done.filter((d) => d.doneAt >= from && d.doneAt < from + windowMs).length / o.windowS;
  });
  const measured = done.filter((d) => d.doneAt >= measureFrom && d.doneAt < measureFrom + o.windows * windowMs);
  const latencies = measured.map((d) => d.doneAt - d.startedAt);
  return {
    id: 'S4',
    title: 'Throughput',
    metrics: [
      {
        label: `complete approvals per second (${o.windowS} s windows)`,
        unit: '/s',
        values: perWindow,
        goal: { kind: 'atLeast', value: 50 },
        headline: true,
      },
      { label: 'start to outcome webhook, per approval', unit: 'ms', values: latencies },
    ],
    notes: [
      `${o.lanes} lanes in a closed loop on one worker process: start an approval with 3 Lark cards (a fresh clicker plus two recipients fixed per lane), wait for the clicker's card in the simulator inbox, click Approve (real callback to \`/callbacks/lark\`), wait for the ticket system's outcome webhook, which the workflow sends after updating all 3 cards.`,
      `${o.warmupS} s warm-up, then ${o.windows} back-to-back ${o.windowS}-s windows; an approval counts in the window its outcome webhook arrived in. No platform limit; the per-approval latency is over every approval completed in the windows (${latencies.length}, p50 ${Math.round(percentile(latencies, 50))} ms).`,
      `Approvals that failed (not counted): ${errors.length}.`,
    ],
  };
}
