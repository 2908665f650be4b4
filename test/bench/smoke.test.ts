import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBench, type BenchOutcome } from '../../bench/run.js';
import type { Metric, ScenarioResult } from '../../bench/scenarios/common.js';
import { median } from '../../bench/lib/stats.js';
import { QUICK } from '../../bench/presets.js';

/**
 * `npm run bench -- --quick` in-process: every scenario at a tiny size against the real stack (Temporal dev server,
 * database, simulator, API and worker as processes). Asserts the harness produces sane numbers, not speed goals:
 * those live only in docs/benchmarks.md.
 */
describe('benchmark harness (quick sizes)', () => {
  let dir: string;
  let outcome: BenchOutcome;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    outcome = await runBench({ quick: true, out: join(dir, 'report.md'), logDir: join(dir, 'logs') });
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const scenario = (id: string): ScenarioResult => {
    const found = outcome.results.find((r) => r.id === id);
    assert.ok(found, `${id} ran`);
    return found;
  };
  const metric = (id: string, label: string): Metric => {
    const found = scenario(id).metrics.find((m) => m.label.startsWith(label));
    assert.ok(found, `${id} has "${label}"`);
    assert.ok(found.values.length > 0, `${id} "${label}" has values`);
    assert.ok(found.values.every(Number.isFinite), `${id} "${label}" values are numbers: ${found.values.join(', ')}`);
    return found;
  };

  it('runs every scenario and writes the report with its headline table', async () => {
    assert.deepEqual(
      outcome.results.map((r) => r.id),
      ['S1', 'S6', 'S2', 'S3', 'S4', 'S5', 'S7', 'S8'],
    );
    const report = await readFile(outcome.reportPath, 'utf8');
    assert.match(report, /^# Benchmarks/);
    assert.match(report, /\| scenario \| figure \| median \| p95 \|/);
    assert.match(report, /2 cores|\d+ cores/);
  });

  it('S1 / S6: every card arrives exactly once through the limit; the naive sender accounts for every recipient', () => {
    assert.deepEqual(metric('S1', 'cards lost').values, [0]);
    assert.deepEqual(metric('S1', 'cards duplicated').values, [0]);
    assert.ok(median(metric('S1', 'achieved send rate').values) > 0);
    const share = median(metric('S1', 'sends answered 429').values);
    assert.ok(share >= 0 && share <= 100);
    const delivered = median(metric('S6', 'delivered').values);
    const lost = median(metric('S6', 'lost').values);
    assert.equal(delivered + lost, QUICK.quota.cards);
  });

  it('S2: fan-out times are positive and bounded, with a naive baseline for each size', () => {
    for (const n of QUICK.fanout.sizes) {
      const m = metric('S2', `N = ${n}: start to last card`);
      assert.ok(
        m.values.every((v) => v > 0 && v < 30_000),
        `N=${n}: ${m.values.join(', ')}`,
      );
      assert.ok(m.baseline?.every((v) => v >= 0));
    }
  });

  it('S3: each click was answered and the sibling cards were updated afterwards', () => {
    const answered = metric('S3', 'verified callback answered').values;
    const siblings = metric('S3', 'click to every sibling card updated').values;
    assert.equal(answered.length, QUICK.decision.clicks);
    assert.ok(answered.every((v) => v > 0 && v < 3_000));
    assert.ok(siblings.every((v) => v > 0 && v < 30_000));
  });

  it('S4: approvals completed end to end (click and outcome webhook) inside the window', () => {
    assert.ok(median(metric('S4', 'complete approvals per second').values) > 0);
  });

  it('S5: worker RSS is measured and a restarted worker answers for every pending approval', () => {
    const rss = median(metric('S5', 'worker RSS, ').values);
    assert.ok(rss > 50 && rss < 8_000, `RSS ${rss} MB`);
    assert.ok(metric('S5', 'restarted worker: spawn to every approval answered').values.every((s) => s > 0));
  });

  it('S7: every configuration met its goal, each card was sent and shows the outcome, no token call when warm', () => {
    const s7 = scenario('S7');
    const { platforms, sizes, escalations, groupChats } = QUICK.calls;
    const modes = groupChats ? [false, true] : [false];
    assert.equal(s7.table?.rows.length, platforms.length * sizes.length * escalations.length * modes.length);
    for (const p of platforms) {
      for (const group of modes) {
        for (const n of sizes) {
          for (const e of escalations) {
            const what = `${p}${group ? ' group chat' : ''}, N = ${n}, ${e} escalation levels`;
            const billed = metric('S7', `${what}: counted calls per approval`);
            const naive = 2 * n * (e + 1);
            assert.deepEqual(billed.baseline, [naive]);
            const [value = Number.NaN] = billed.values;
            const goal = billed.goal?.value ?? Number.NaN;
            // At least one send (one per level to one-to-one cards); never more than the goal.
            assert.ok(value >= (group ? 1 : e + 1) && value <= goal, `${what}: ${value} counted calls (goal ${goal})`);
          }
        }
      }
      assert.deepEqual(metric('S7', `${p}: token calls`).values, [0]);
    }
    const column = (name: string) => s7.table?.columns.indexOf(name) ?? -1;
    for (const row of s7.table?.rows ?? []) {
      assert.equal(row[column('cards not updated')], 0, `every card arrived and was updated: ${row.join(' | ')}`);
      assert.ok(Number(row[column('lookup')]) > 0, `new people are looked up: ${row.join(' | ')}`);
    }
    assert.match(s7.notes.join('\n'), /Log records the bench missed \(should be 0\): 0\./);
  });

  it('S8: each event told everyone with at most the goal’s calls (DingTalk one call a round, a group chat one)', () => {
    const s8 = scenario('S8');
    const { platforms, sizes, groupChats } = QUICK.noticeCalls;
    const modes = groupChats ? [false, true] : [false];
    assert.equal(s8.table?.rows.length, platforms.length * sizes.length * modes.length);
    for (const p of platforms) {
      for (const group of modes) {
        for (const n of sizes) {
          const what = `${p}${group ? ' group chat' : ''}, N = ${n}`;
          const billed = metric('S8', `${what}: counted calls per event`);
          assert.deepEqual(billed.baseline, [n], 'naive: one message per person');
          const [value = Number.NaN] = billed.values;
          const expected = group || p.startsWith('dingtalk') ? 1 : n;
          assert.equal(value, expected, `${what}: ${value} counted calls`);
        }
      }
    }
    const column = (name: string) => s8.table?.columns.indexOf(name) ?? -1;
    for (const row of s8.table?.rows ?? []) assert.equal(row[column('not reached')], 0, `told: ${row.join(' | ')}`);
    assert.match(s8.notes.join('\n'), /Log records the bench missed \(should be 0\): 0\./);
  });
});
