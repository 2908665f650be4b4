/**
 * `npm run bench` — runs every scenario against the real stack on this machine and writes docs/benchmarks.md.
 *   --quick            tiny sizes (smoke run); writes data/bench/quick.md instead
 *   --only S1,S3       a subset (S6, the naive baseline, runs with S1)
 *   --out <file>       where the report goes
 *   --worker '<json>'  worker settings merged over the defaults (bench/stack/worker-config.ts), for tuning
 *   --database-url <u> PostgreSQL for the API and worker (default: PGlite served on loopback, as `npm start` does)
 *   --resume <json>    continue a run: keep the scenarios in results.json (delete one there to run it again), run the rest
 *   --render <json>    only write the report again from a run's results.json (e.g. after editing bench/analysis.md)
 *   --prebuilt-bundle  bundle the workflows once up front instead of in every worker at startup (quick: always)
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { closeHttp } from './lib/http.js';
import { CpuAccount, machineFacts } from './lib/machine.js';
import { progress } from './lib/progress.js';
import { FULL, QUICK, WORKER, type BenchPreset } from './presets.js';
import { renderReport, resumptionsOf, type ReportInput } from './report.js';
import { callsScenario } from './scenarios/calls.js';
import type { ScenarioResult } from './scenarios/common.js';
import { decisionScenario } from './scenarios/decision.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { memoryScenario } from './scenarios/memory.js';
import { noticeCallsScenario } from './scenarios/notice-calls.js';
import { quotaScenario } from './scenarios/quota.js';
import { throughputScenario } from './scenarios/throughput.js';
import { BenchStack } from './stack/stack.js';
import { BenchWorkerConfig, type BenchWorkerConfigInput } from './stack/worker-config.js';

const ROOT = resolve(import.meta.dirname, '..');
const SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S7', 'S8'] as const;
type ScenarioId = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  only?: ScenarioId[];
  out?: string;
  worker?: BenchWorkerConfigInput;
  prebuiltBundle?: boolean;
  databaseUrl?: string;
  /** A results.json of a run that stopped early: its scenarios are kept, the others run now. */
  resume?: string;
  /** Where the processes' logs go (default data/bench/run-<time>/). */
  logDir?: string;
  preset?: BenchPreset;
}

export interface BenchOutcome {
  results: ScenarioResult[];
  reportPath: string;
}

const RUNNERS: Record<ScenarioId, (stack: BenchStack, p: BenchPreset) => Promise<ScenarioResult[]>> = {
  S1: (stack, p) => quotaScenario(stack, p.quota),
  S2: async (stack, p) => [await fanoutScenario(stack, p.fanout)],
  S3: async (stack, p) => [await decisionScenario(stack, p.decision)],
  S4: async (stack, p) => [await throughputScenario(stack, p.throughput)],
  S5: async (stack, p) => [await memoryScenario(stack, p.memory)],
  S7: async (stack, p) => [await callsScenario(stack, p.calls)],
  S8: async (stack, p) => [await noticeCallsScenario(stack, p.noticeCalls)],
};

export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const preset = options.preset ?? (options.quick ? QUICK : FULL);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logDir = options.logDir ?? join(ROOT, 'data', 'bench', `run-${stamp}`);
  const reportPath = options.out ?? join(ROOT, options.quick ? 'data/bench/quick.md' : 'docs/benchmarks.md');
  const earlier = options.resume ? await readResults(options.resume) : undefined;
  const done = new Set(earlier?.results.map((r) => r.id));
  const todo = (options.only ?? SCENARIOS).filter((id) => !done.has(id));
  const facts = machineFacts();
  const began = Date.now();
  const cpu = new CpuAccount();
  const workerConfig = BenchWorkerConfig.parse({ ...WORKER, ...options.worker });
  const prebuiltBundle = options.prebuiltBundle ?? options.quick;
  const results: ScenarioResult[] = [...(earlier?.results ?? [])];
  const snapshot = (): Omit<ReportInput, 'analysis'> => ({
    command: options.quick ? 'npm run bench -- --quick' : 'npm run bench',
    quick: options.quick,
    facts: earlier?.facts ?? facts,
    durationS: (earlier?.durationS ?? 0) + (Date.now() - began) / 1000,
    loadAfter: loadavg().map((l) => Math.round(l * 100) / 100),
    cpu: cpu.use(),
    results,
    worker: describeWorker(workerConfig, prebuiltBundle),
    database: options.databaseUrl
      ? 'PostgreSQL (--database-url)'
      : 'PGlite served on loopback (src/db/main.ts), as `npm start` runs it',
    ...(earlier
      ? {
          resumed: [
            ...resumptionsOf(earlier),
            { at: facts.date, loadBefore: facts.loadBefore, scenarios: todo, commit: facts.commit },
          ],
        }
      : {}),
  });
  progress(
    `${options.quick ? 'quick' : 'full'} run of ${todo.join(', ')}; logs in ${logDir}; load ${facts.loadBefore.join(' ')}`,
  );
  const stack = await BenchStack.start(logDir, workerConfig, {
    prebuiltBundle,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  const sampler = setInterval(() => cpu.sample(stack.running()), 2_000);
  try {
    for (const id of todo) {
      progress(`— ${id} —`);
      cpu.sample(stack.running());
      const from = cpu.mark();
      const ran = await RUNNERS[id](stack, preset).catch((err: unknown) => [failed(id, err)]);
      cpu.sample(stack.running());
      const use = cpu.use(from);
      results.push(...ran.map((r) => ({ ...r, cpu: use })));
      // The raw figures so far, beside the logs: `--render` writes a report from them, `--resume` continues a run.
      await writeFile(join(logDir, 'results.json'), JSON.stringify(snapshot(), null, 2));
    }
  } finally {
    cpu.sample(stack.running());
    clearInterval(sampler);
    await stack.stop();
    await closeHttp();
  }
  const input = snapshot();
  await writeFile(join(logDir, 'results.json'), JSON.stringify(input, null, 2));
  await writeReport(input, reportPath);
  progress(`report written to ${reportPath}`);
  return { results, reportPath };
}

async function readResults(file: string): Promise<Omit<ReportInput, 'analysis'>> {
  return JSON.parse(await readFile(file, 'utf8')) as Omit<ReportInput, 'analysis'>;
}

/** A scenario that threw: the report says so, and the other scenarios still run. */
function failed(id: ScenarioId, err: unknown): ScenarioResult {
  const message = err instanceof Error ? err.message : String(err);
  progress(`${id} failed: ${message}`);
  return { id, title: 'did not complete', metrics: [], notes: [], error: message };
}

/** Writes the report, with the hand-written analysis (bench/analysis.md) after the figures of a full run. */
async function writeReport(input: Omit<ReportInput, 'analysis'>, reportPath: string): Promise<void> {
  const analysisFile = join(ROOT, 'bench', 'analysis.md');
  const analysis = !input.quick && existsSync(analysisFile) ? await readFile(analysisFile, 'utf8') : undefined;
  await mkdir(dirname(reportPath), { recursive: true });
  await writeFile(reportPath, renderReport({ ...input, ...(analysis ? { analysis } : {}) }));
}

function describeWorker(config: BenchWorkerConfig, prebuiltBundle: boolean): string {
  const tuning = Object.entries(config.tuning).map(([k, v]) => `\`${k}: ${String(v)}\``);
  const limits = Object.entries(config.sendLimits).map(([k, v]) => `${k} ${v}/s`);
  return [
    `one process, the service's Worker options (\`maxCachedWorkflows\` from WORKER_MAX_CACHED_WORKFLOWS, default 400; the rest at the SDK defaults)${tuning.length > 0 ? `, overridden: ${tuning.join(', ')}` : ''}`,
    prebuiltBundle
      ? 'workflows from a bundle built before the run'
      : 'workflows bundled by the worker at startup (as worker.ts)',
    `task-queue send limits ${limits.join(', ')}`,
    ...(config.channelConfigCacheMs > 0
      ? [`**experiment:** channel configs cached for ${config.channelConfigCacheMs} ms in the worker`]
      : []),
  ].join('; ');
}

function parseCli(): BenchOptions & { render?: string } {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      worker: { type: 'string' },
      'prebuilt-bundle': { type: 'boolean' },
      'database-url': { type: 'string' },
      render: { type: 'string' },
      resume: { type: 'string' },
    },
  });
  const only = values.only?.split(',').map((s) => s.trim().toUpperCase().replace('S6', 'S1'));
  const bad = only?.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (bad?.length) throw new Error(`unknown scenario(s): ${bad.join(', ')} (S1-S8)`);
  return {
    quick: values.quick,
    ...(only ? { only: [...new Set(only)] as ScenarioId[] } : {}),
    ...(values.out ? { out: resolve(values.out) } : {}),
    ...(values.worker ? { worker: JSON.parse(values.worker) as BenchWorkerConfigInput } : {}),
    ...(values.render ? { render: resolve(values.render) } : {}),
    ...(values.resume ? { resume: resolve(values.resume) } : {}),
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    ...(values['prebuilt-bundle'] !== undefined ? { prebuiltBundle: values['prebuilt-bundle'] } : {}),
  };
}

/** `--render`: the report again from a finished run's raw figures (with the current bench/analysis.md). */
async function rerender(resultsFile: string, out?: string): Promise<void> {
  const input = await readResults(resultsFile);
  const reportPath = out ?? join(ROOT, input.quick ? 'data/bench/quick.md' : 'docs/benchmarks.md');
  await writeReport(input, reportPath);
  progress(`report written to ${reportPath}`);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const cli = parseCli();
  const job = cli.render ? rerender(cli.render, cli.out) : runBench(cli);
  job.then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
