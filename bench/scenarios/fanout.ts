import { progress, until } from '../lib/progress.js';
import { SimLogTail } from '../lib/sim-log.js';
import type { BenchStack } from '../stack/stack.js';
import {
  createSimUsers,
  newGroup,
  pause,
  startApproval,
  startRequest,
  ticketId,
  type ScenarioResult,
} from './common.js';
import { NaiveSender, sampleCard } from './naive-sender.js';

export interface FanoutOptions {
  sizes: number[];
  /** Runs per size; the first meets cold caches (new people), the rest the same people again. */
  runs: number;
}

interface SizeResult {
  n: number;
  cold: number;
  warm: number[];
  naive: number[];
}

/** Scenario 2: one approval to N recipients on Lark (no limit anywhere); start to last card delivered. */
export async function fanoutScenario(stack: BenchStack, o: FanoutOptions): Promise<ScenarioResult> {
  await stack.resetSim();
  const results: SizeResult[] = [];
  for (const n of o.sizes) results.push(await oneSize(stack, n, o.runs));
  const goalSize = Math.max(...o.sizes);
  return {
    id: 'S2',
    title: 'Fan-out latency',
    metrics: results.flatMap((r) => [
      {
        label: `N = ${r.n}: start to last card`,
        unit: 'ms',
        values: r.warm,
        ...(r.n === goalSize && goalSize === 500 ? { goal: { kind: 'atMost' as const, value: 2000 } } : {}),
        baseline: r.naive,
        headline: true,
      },
      { label: `N = ${r.n}: first time (cold lookups)`, unit: 'ms', values: [r.cold] },
    ]),
    notes: [
      'One approval to N recipients on Lark; the simulator has no limit and adds no latency, and the Lark task queue is effectively unlimited (100,000/s).',
      'Start = just before `POST /v1/approvals`; last card delivered = the simulator answering the N-th successful send (same machine clock).',
      `The first run per N meets people the worker has never looked up (one contact call per person); the ${o.runs - 1} runs after it reuse them (the provider caches ids for 10 min), like approvers who approve often. The median / p95 are over those warm runs; the cold figure is listed on its own.`,
      'Baseline: the naive sender posting the same N cards one after the other (by email, no lookup) through the same simulator.',
    ],
  };
}

async function oneSize(stack: BenchStack, n: number, runs: number): Promise<SizeResult> {
  const users = await createSimUsers(stack, newGroup(), n);
  const tail = await SimLogTail.start(stack.sim, 20);
  const times: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const started = Date.now();
      await startApproval(stack, startRequest(ticketId(`s2n${n}`, run), users, 'lark'));
      const delivered = await until(
        () => tail.poll().then(() => tail.select({ platform: 'lark', api: 'send', status: 200, since: started })),
        (oks) => oks.length >= n,
        60_000 + n * 200,
        20,
        `S2 N=${n}: ${n} cards`,
      );
      times.push(Math.max(...delivered.map((r) => r.at)) - started);
      // The platform allows 5 messages/s per person: space the runs out so none of them meets that limit.
      await pause(1_200);
    }
  } finally {
    await tail.stop();
  }
  const naive = await naiveFanout(stack, users, runs - 1);
  progress(`S2 N=${n}: cold ${times[0]} ms, warm ${times.slice(1).join(', ')} ms; naive ${naive.join(', ')} ms`);
  return { n, cold: times[0] ?? Number.NaN, warm: times.slice(1), naive };
}

async function naiveFanout(stack: BenchStack, users: string[], runs: number): Promise<number[]> {
  const sender = new NaiveSender(stack.sim.url, 'lark');
  const out: number[] = [];
  try {
    await sender.login();
    for (let run = 0; run < runs; run++) {
      const result = await sender.sendAll(
        users.map((u) => `${u}@bench.example`),
        sampleCard(ticketId('s2naive', `${users.length}-${run}`)),
      );
      if (result.gaveUp > 0) throw new Error(`naive fan-out lost ${result.gaveUp} cards without any limit`);
      out.push(result.ms);
      await pause(1_200);
    }
  } finally {
    await sender.close();
  }
  return out;
}
