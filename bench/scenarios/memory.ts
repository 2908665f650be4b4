import { mapLimit } from '../lib/http.js';
import { every, progress, until } from '../lib/progress.js';
import { SimLogTail } from '../lib/sim-log.js';
import { median } from '../lib/stats.js';
import type { BenchStack } from '../stack/stack.js';
import {
  approvalState,
  createSimUsers,
  newGroup,
  pause,
  startApproval,
  startRequest,
  ticketId,
  type ScenarioResult,
} from './common.js';

export interface MemoryOptions {
  pending: number;
  /** Distinct recipients the approvals rotate over (one card each). */
  people: number;
  restarts: number;
  /** Start from a new worker process (the full run), so earlier scenarios leave nothing in its memory. */
  freshWorker: boolean;
  /** Idle time before RSS is sampled, then how long it is sampled (once a second). */
  settleMs: number;
  sampleMs: number;
}

interface Resume {
  stopMs: number;
  readyMs: number;
  resumedS: number;
  rssAfterMb: number;
}

/**
 * Scenario 5: a fresh worker process, `pending` approvals started and their cards delivered (Lark, no limit),
 * then its RSS; then the worker is restarted and every approval is asked for its state through the API, which
 * the new worker can only answer by replaying the approval from its history.
 */
export async function memoryScenario(stack: BenchStack, o: MemoryOptions): Promise<ScenarioResult> {
  await stack.resetSim();
  if (o.freshWorker) {
    await stack.stopWorker();
    await stack.startWorker();
  }
  const people = await createSimUsers(stack, newGroup(), o.people);
  const ids = Array.from({ length: o.pending }, (_, i) => ticketId('s5', i));
  const samples: number[] = [];
  const sampler = setInterval(
    () => void stack.worker.rssMb().then((mb) => mb !== undefined && samples.push(mb)),
    1_000,
  );
  const tail = await SimLogTail.start(stack.sim, 200);
  const delivered = () => tail.select({ platform: 'lark', api: 'send', status: 200 }).length;
  let started = 0;
  const stop = every(
    10_000,
    () =>
      `  S5: ${started}/${o.pending} started, ${delivered()} cards, worker RSS ${Math.round(samples.at(-1) ?? 0)} MB`,
  );
  const began = Date.now();
  let plateau: number[];
  try {
    await mapLimit(ids, 32, async (id, i) => {
      await startApproval(stack, startRequest(id, [people[i % people.length] ?? ''], 'lark'));
      started++;
    });
    const startRate = (o.pending * 1000) / (Date.now() - began);
    progress(`S5: ${o.pending} started (${startRate.toFixed(1)}/s); waiting for every card`);
    await until(
      () => tail.poll().then(delivered),
      (n) => n >= o.pending,
      120_000 + o.pending * 200,
      1_000,
      'S5: every card delivered',
    );
    // RSS with everything pending and idle: one-second samples after a short settle.
    await pause(o.settleMs);
    const from = samples.length;
    await pause(o.sampleMs);
    plateau = samples.slice(from);
  } finally {
    stop();
    clearInterval(sampler);
    await tail.stop();
  }
  const peak = Math.max(...samples);
  const resumes: Resume[] = [];
  for (let r = 1; r <= o.restarts; r++) resumes.push(await restartAndResume(stack, ids, r, o.restarts));
  return memoryResult(o, plateau, peak, resumes);
}

async function restartAndResume(stack: BenchStack, ids: string[], r: number, of: number): Promise<Resume> {
  progress(`S5 restart ${r}/${of}: stopping the worker`);
  const stopMs = await stack.stopWorker();
  const began = Date.now();
  const readyMs = await stack.startWorker();
  let answered = 0;
  const stop = every(
    10_000,
    () => `  S5 restart ${r}: ${answered}/${ids.length} approvals answered from the new worker`,
  );
  try {
    await mapLimit(ids, 32, async (id) => {
      const state = await approvalState(stack, id);
      if (state.status !== 'pending') throw new Error(`S5: ${id} is ${state.status}, not pending`);
      answered++;
    });
  } finally {
    stop();
  }
  const resumedS = (Date.now() - began) / 1000;
  const rssAfterMb = (await stack.worker.rssMb()) ?? Number.NaN;
  progress(
    `S5 restart ${r}: ready ${readyMs} ms, all ${ids.length} resumed ${resumedS.toFixed(1)} s, RSS ${Math.round(rssAfterMb)} MB`,
  );
  return { stopMs, readyMs, resumedS, rssAfterMb };
}

function memoryResult(o: MemoryOptions, plateau: number[], peak: number, resumes: Resume[]): ScenarioResult {
  return {
    id: 'S5',
    title: 'Memory and restart',
    metrics: [
      {
        label: `worker RSS, ${o.pending.toLocaleString('en-US')} pending approvals`,
        unit: 'MB',
        values: plateau,
        goal: { kind: 'atMost', value: 600 },
        headline: true,
      },
      { label: 'worker RSS, peak while starting them', unit: 'MB', values: [peak] },
      {
        label: `restarted worker: spawn to every approval answered`,
        unit: 's',
        values: resumes.map((r) => r.resumedS),
        headline: true,
      },
      { label: 'restarted worker: spawn to polling', unit: 'ms', values: resumes.map((r) => r.readyMs) },
      { label: 'graceful worker shutdown', unit: 'ms', values: resumes.map((r) => r.stopMs) },
      { label: 'worker RSS after resuming all', unit: 'MB', values: resumes.map((r) => r.rssAfterMb) },
    ],
    notes: [
      `${o.freshWorker ? 'A fresh worker process' : 'The worker of the earlier scenarios'} with the service's workflow cache (\`WORKER_MAX_CACHED_WORKFLOWS\`, default 400 runs in memory; the others wait in Temporal and replay when woken). ${o.pending.toLocaleString('en-US')} approvals with one Lark card each, rotating over ${o.people} people, started through the API (32 at a time); RSS from /proc once every card was delivered (median / p95 of ${plateau.length} one-second samples while idle).`,
      `Resume: SIGTERM (graceful), a new worker process, then \`GET /v1/approvals/:ticketId\` for every approval (32 at a time): each answer is a query the new worker can only serve after replaying that approval's history. ${resumes.length} restart(s); median ready time ${median(resumes.map((r) => r.readyMs))} ms includes tsx and the workflow bundle build.`,
    ],
  };
}
