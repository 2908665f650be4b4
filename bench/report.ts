import type { Metric, ScenarioResult } from './scenarios/common.js';
import type { MachineFacts } from './lib/machine.js';
import { median, p95 } from './lib/stats.js';

export interface ReportInput {
  command: string;
  quick: boolean;
  facts: MachineFacts;
  durationS: number;
  loadAfter: number[];
  cpu: { machine: number; others: number };
  results: ScenarioResult[];
  /** How the worker ran: SDK defaults or the tuning given, bundling at startup or a prebuilt bundle. */
  worker: string;
  database: string;
  /**
   * Set when a run was continued with `--resume`, once per continuation (oldest first; older results.json files hold
   * one object): when, which scenarios ran then, and at which commit.
   */
  resumed?: Resumption | Resumption[];
  /** Hand-written analysis (bench/analysis.md), appended as it is. */
  analysis?: string;
}

export interface Resumption {
  at: string;
  loadBefore: number[];
  scenarios: string[];
  commit?: string;
}

/**
 * Every continuation, oldest first, each listing only the scenarios whose figures still come from it (a scenario
 * run again later is listed there).
 */
export function resumptionsOf(input: Pick<ReportInput, 'resumed'>): Resumption[] {
  const all = input.resumed === undefined ? [] : Array.isArray(input.resumed) ? input.resumed : [input.resumed];
  return all
    .map((r, i) => ({
      ...r,
      scenarios: r.scenarios.filter((id) => !all.slice(i + 1).some((later) => later.scenarios.includes(id))),
    }))
    .filter((r) => r.scenarios.length > 0);
}

const fmt = (v: number, unit = ''): string => {
  if (!Number.isFinite(v)) return '—';
  const digits = Math.abs(v) >= 100 || Number.isInteger(v) ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })}${unit ? ` ${unit}` : ''}`.replace(
    ' %',
    ' %',
  );
};

/** True when the median meets the goal. */
export function meets(metric: Metric): boolean | undefined {
  if (!metric.goal) return undefined;
  const m = median(metric.values);
  return metric.goal.kind === 'atLeast' ? m >= metric.goal.value : m <= metric.goal.value;
}

function goalText(metric: Metric): string {
  if (!metric.goal) return '—';
  return `${metric.goal.kind === 'atLeast' ? '≥' : '≤'} ${fmt(metric.goal.value, metric.unit)}`;
}

function vsGoal(metric: Metric): string {
  if (!metric.goal) return '—';
  const ok = meets(metric) ? 'met' : '**missed**';
  const ratio = metric.goal.value === 0 ? '' : `${fmt(median(metric.values) / metric.goal.value)}× · `;
  return `${ratio}${ok}`;
}

function vsBaseline(metric: Metric): [string, string] {
  if (!metric.baseline || metric.baseline.length === 0) return ['—', '—'];
  const b = median(metric.baseline);
  const ratio = b === 0 ? (median(metric.values) === 0 ? 'both 0' : '—') : `${fmt(median(metric.values) / b)}×`;
  return [fmt(b, metric.unit), ratio];
}

function headlineRows(results: ScenarioResult[]): string[] {
  const rows = [
    '| scenario | figure | median | p95 | runs | goal | vs goal | naive baseline | vs baseline |',
    '| --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: |',
  ];
  for (const r of results) {
    for (const m of r.metrics.filter((x) => x.headline)) {
      const [base, ratio] = vsBaseline(m);
      rows.push(
        `| ${r.id} ${r.title} | ${m.label} | ${fmt(median(m.values), m.unit)} | ${fmt(p95(m.values), m.unit)} | ${m.values.length} | ${goalText(m)} | ${vsGoal(m)} | ${base} | ${ratio} |`,
      );
    }
  }
  return rows;
}

function cpuLine(r: ScenarioResult): string[] {
  if (!r.cpu) return [];
  const parts = Object.entries(r.cpu.byName)
    .sort((a, b) => b[1] - a[1])
    .map(([name, cores]) => `${name} ${cores}`);
  return [
    `- CPU while this scenario ran (average busy cores): ${parts.join(', ')}; other processes on the machine ${r.cpu.others}.`,
  ];
}

/** The scenario's own table (one row per configuration), when it has one. */
function table(r: ScenarioResult): string[] {
  if (!r.table) return [];
  const { columns, rows } = r.table;
  const cell = (v: string | number) => (typeof v === 'number' ? fmt(v) : v);
  return [
    '',
    `| ${columns.join(' | ')} |`,
    `| ${columns.map((_, i) => (typeof rows[0]?.[i] === 'number' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function detail(r: ScenarioResult): string[] {
  const rows = [
    `## ${r.id} ${r.title}`,
    '',
    ...(r.error ? [`- **Did not complete:** ${r.error}`] : []),
    ...r.notes.map((n) => `- ${n}`),
    ...cpuLine(r),
    ...table(r),
    '',
    '| figure | median | p95 | min | max | runs | goal | naive baseline |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ];
  for (const m of r.metrics) {
    const min = Math.min(...m.values);
    const max = Math.max(...m.values);
    rows.push(
      `| ${m.label} | ${fmt(median(m.values), m.unit)} | ${fmt(p95(m.values), m.unit)} | ${fmt(min, m.unit)} | ${fmt(max, m.unit)} | ${m.values.length} | ${goalText(m)} | ${vsBaseline(m)[0]} |`,
    );
  }
  return [...rows, ''];
}

function missed(results: ScenarioResult[]): string[] {
  const broken = results.filter((r) => r.error).map((r) => `- **${r.id} did not complete:** ${r.error}`);
  const lines = results.flatMap((r) =>
    r.metrics
      .filter((m) => meets(m) === false)
      .map(
        (m) =>
          `- **${r.id} ${m.label}: ${fmt(median(m.values), m.unit)}** (median; p95 ${fmt(p95(m.values), m.unit)}) against a goal of ${goalText(m)}.`,
      ),
  );
  const all = [...broken, ...lines];
  return all.length > 0 ? all : ['- None: every goal was met in this run.'];
}

export function renderReport(input: ReportInput): string {
  const { facts, cpu } = input;
  const contention =
    cpu.others >= 0.25
      ? ' **Other work was running on this machine during the run: treat the figures as a lower bound.**'
      : (facts.loadBefore[0] ?? 0) >= 1.2
        ? ' The 1-minute load average was above 1.2 when the run began (other work finishing); during the run other processes took the share above, i.e. little.'
        : '';
  return [
    '# Benchmarks',
    '',
    `Produced by \`${input.command}\`${input.quick ? ' (**quick smoke sizes: not the benchmark figures**)' : ''} on ${facts.date.slice(0, 16).replace('T', ' ')} UTC in ${fmt(input.durationS / 60)} min. Every figure comes from that one run; re-run the command to reproduce them on your machine.`,
    '',
    ...resumptionsOf(input).flatMap((r) => [
      `Part of the run came from \`--resume\` on ${r.at.slice(0, 16).replace('T', ' ')} UTC (load average then ${r.loadBefore.join(' / ')}): ${r.scenarios.join(', ')} ran (again) then, the other scenarios earlier, on the same machine${r.commit && r.commit !== facts.commit ? ` (commit ${r.commit} for these; ${facts.commit} for the first part)` : ' and commit'}.`,
      '',
    ]),
    '## Machine',
    '',
    `- ${facts.cores} cores (${facts.cpu}), ${facts.memoryGb} GB memory, ${facts.os}`,
    `- Node ${facts.node}; Temporal CLI ${facts.temporalCli} (dev server, in-memory SQLite); TypeScript SDK ${facts.temporalSdk}`,
    `- Commit ${facts.commit}`,
    `- Load average before the run ${facts.loadBefore.join(' / ')} (1 / 5 / 15 min), after ${input.loadAfter.join(' / ')}. During the run the machine was busy ${cpu.machine} cores on average, of which ${cpu.others} cores were processes other than the bench's.${contention}`,
    `- Worker: ${input.worker}`,
    `- Database (channel configs, platform-id cache, usage counters): ${input.database}`,
    '- The whole stack shares the machine: Temporal dev server, simulator, API, worker and the bench driver are separate processes on 127.0.0.1 (see bench/README.md).',
    '',
    '## Results',
    '',
    'Medians and p95 over the runs listed; "vs goal" is median ÷ goal (≥ 1 is good for rates, ≤ 1 for times and shares); "vs baseline" is ours ÷ the naive sender\'s median from the same run.',
    '',
    ...headlineRows(input.results),
    '',
    '### Goals missed',
    '',
    ...missed(input.results),
    '',
    ...input.results.flatMap(detail),
    ...(input.analysis ? [input.analysis.trim(), ''] : []),
  ].join('\n');
}
