import { randomBytes } from 'node:crypto';
import type { ChannelKind } from '../../src/domain/channel.js';
import type { ApprovalState } from '../../src/domain/state.js';
import { mapLimit } from '../lib/http.js';
import { progress } from '../lib/progress.js';
import type { Summary } from '../lib/stats.js';
import { benchMobile, benchUserIds } from '../stack/users.js';
import type { BenchStack } from '../stack/stack.js';

/** One figure of a scenario: every run's value, with the goal and the naive baseline it is compared with. */
export interface Metric {
  label: string;
  unit: string;
  values: number[];
  /** `atLeast`: higher is better; `atMost`: lower is better. */
  goal?: { kind: 'atLeast' | 'atMost'; value: number };
  /** The naive sender's figure for the same thing, measured in the same run (its runs' median). */
  baseline?: number[];
  /** Shown in the headline table. */
  headline?: boolean;
}

export interface ScenarioResult {
  id: string;
  title: string;
  metrics: Metric[];
  /** Markdown lines: setup and anything a reader needs to judge the figures. */
  notes: string[];
  summary?: Record<string, Summary>;
  /** A table of figures per configuration, printed under the scenario's notes. */
  table?: { columns: string[]; rows: (string | number)[][] };
  /** Set when the scenario threw before it had figures. */
  error?: string;
  /** Average busy cores while the scenario ran, per process and for everything else on the machine. */
  cpu?: { byName: Record<string, number>; machine: number; others: number };
}

/** Ticket ids unique to this bench run, so a second run on the same server never meets an earlier ticket. */
const RUN = randomBytes(3).toString('hex');
export function ticketId(scenario: string, n: number | string): string {
  return `b${RUN}-${scenario}-${n}`;
}

/** User groups: each scenario run takes fresh people (bench/stack/users.ts). */
let nextGroup = 1;
export function newGroup(): number {
  if (nextGroup > 999) throw new Error('out of bench user groups');
  return nextGroup++;
}

/** Creates the group's users in the simulator (name, mobile, email), `count` of them. */
export async function createSimUsers(stack: BenchStack, group: number, count: number): Promise<string[]> {
  const ids = benchUserIds(group, count);
  const started = Date.now();
  await mapLimit(ids, 16, (id, i) =>
    stack.sim.setUser(id, { name: `Bench ${group}-${i}`, mobile: benchMobile(group, i), email: `${id}@bench.example` }),
  );
  if (count >= 1000) progress(`created ${count} simulator users in ${Date.now() - started} ms`);
  return ids;
}

/** A start request whose policy names the approvers (first approval wins) on one channel. */
export function startRequest(id: string, approvers: string[], channel: ChannelKind, callbackUrl?: string) {
  return {
    ticketId: id,
    ticketType: 'ticket.data_export',
    title: `Export orders (${id})`,
    requester: { userId: 'bench-requester', name: 'Bench Requester' },
    fields: [
      { label: 'Database', value: 'orders_prod' },
      { label: 'Rows', value: '12,000' },
    ],
    policy: { mode: 'any', levels: [{ approvers, channels: [channel] }], deadlineMs: 24 * 3600_000 },
    ...(callbackUrl ? { callbackUrl } : {}),
  };
}

export async function startApproval(stack: BenchStack, body: ReturnType<typeof startRequest>): Promise<void> {
  await stack.apiExpect(201, 'POST', '/v1/approvals', body);
}

export function approvalState(stack: BenchStack, id: string): Promise<ApprovalState> {
  return stack.apiExpect<ApprovalState>(200, 'GET', `/v1/approvals/${id}`);
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
