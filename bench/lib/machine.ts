import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { temporalCliPath } from '../../test/support/temporal-binaries.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface MachineFacts {
  date: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  temporalCli: string;
  temporalSdk: string;
  commit: string;
  loadBefore: number[];
}

export function machineFacts(): MachineFacts {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: tryRun('uname', ['-sr']),
    node: process.version,
    temporalCli: tryRun(temporalCliPath(), ['--version']).replace(/^temporal version /, ''),
    temporalSdk: sdkVersion(),
    commit: `${tryRun('git', ['rev-parse', '--short', 'HEAD'])}${uncommitted() ? ' (with uncommitted changes)' : ''}`,
    loadBefore: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * Changes to the code under test. Left out: the report this run rewrites, and package-lock.json, which
 * `npm install` (scripts/lib.sh) rewrites with other platforms' optional packages without changing a version.
 */
function uncommitted(): boolean {
  const ignored = ['docs/benchmarks.md', 'package-lock.json'];
  const status = tryRun('git', ['status', '--porcelain']);
  // "XY path" per line (tryRun trims the output, so the first line may have lost a leading blank).
  const paths = status.split('\n').map((line) => line.trim().replace(/^\S+\s+/, ''));
  return paths.some((path) => path !== '' && !ignored.includes(path));
}

function tryRun(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function sdkVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/@temporalio/worker/package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** CPU time so far: the whole machine's, and each of the bench's processes' by name (restarts add up). */
export interface CpuMark {
  at: number;
  machine: number;
  byName: Record<string, number>;
}

/** Busy cores on average between two marks: per bench process, and everything else on the machine. */
export interface CpuUse {
  byName: Record<string, number>;
  machine: number;
  others: number;
}

/**
 * How busy the machine was, and with what: CPU ticks of the whole machine (/proc/stat) and of each bench process
 * (/proc/<pid>/stat), sampled every few seconds so processes that exit (a restarted worker) still count.
 */
export class CpuAccount {
  private readonly ticks = new Map<number, { name: string; ticks: number }>();
  private readonly first: CpuMark;

  constructor() {
    this.first = this.mark();
  }

  sample(processes: { name: string; pid: number }[]): void {
    for (const { name, pid } of [{ name: 'bench', pid: process.pid }, ...processes]) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) this.ticks.set(pid, { name, ticks });
    }
  }

  mark(): CpuMark {
    const byName: Record<string, number> = {};
    for (const { name, ticks } of this.ticks.values()) byName[name] = (byName[name] ?? 0) + ticks;
    return { at: Date.now(), machine: machineBusy(), byName };
  }

  /** Average busy cores from `from` to now (default: since the account was opened). */
  use(from: CpuMark = this.first): CpuUse {
    const now = this.mark();
    const seconds = Math.max(0.001, (now.at - from.at) / 1000);
    const cores = (t: number) => round2(t / HZ / seconds);
    const byName: Record<string, number> = {};
    let ours = 0;
    for (const [name, t] of Object.entries(now.byName)) {
      const delta = t - (from.byName[name] ?? 0);
      byName[name] = cores(delta);
      ours += delta;
    }
    const machine = now.machine - from.machine;
    return { byName, machine: cores(machine), others: cores(Math.max(0, machine - ours)) };
  }
}

/** Linux's USER_HZ: /proc reports CPU time in 1/100 s. */
const HZ = 100;
const round2 = (v: number) => Math.round(v * 100) / 100;

function machineBusy(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce<number>((a, b) => a + (b ?? 0), 0);
}

function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime: fields 14 and 15 (1-based), i.e. 11 and 12 after the command name. Children's times are
    // left out: every child of the bench is sampled on its own.
    return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  } catch {
    return undefined;
  }
}
