import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pacedActivities, SlidingWindowPacer, type PacerClock } from '../../src/plugins/send-pacer.js';

/** A clock that only moves when someone sleeps: the test is exact and takes no real time. */
function manualClock(): PacerClock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

/** Most starts in any window of `windowMs` that begins at one of the starts (the worst case for a fixed window). */
function busiestWindow(starts: number[], windowMs: number): number {
  return Math.max(...starts.map((s) => starts.filter((t) => t >= s && t < s + windowMs).length));
}

test('no 1-second span admits more than the limit, and calls are admitted in order', async () => {
  const clock = manualClock();
  const pacer = new SlidingWindowPacer(5, 1_000, clock);
  const starts: number[] = [];
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 23 }, (_, i) =>
      pacer.admit().then(() => {
        starts.push(clock.t);
        order.push(i);
      }),
    ),
  );
  assert.equal(busiestWindow(starts, 1_000), 5);
  assert.deepEqual(
    order,
    Array.from({ length: 23 }, (_, i) => i),
  );
  // 23 starts at 5 per second need the fifth second to begin, and no more.
  assert.equal(clock.t, 4_000);
});

test('an idle pacer admits at once', async () => {
  const clock = manualClock();
  const pacer = new SlidingWindowPacer(2, 1_000, clock);
  await pacer.admit();
  clock.t += 5_000;
  await pacer.admit();
  await pacer.admit();
  assert.equal(clock.t, 5_000);
});

test('paced activities wait for the pacer and pass arguments and results through', async () => {
  const clock = manualClock();
  const pacer = new SlidingWindowPacer(1, 1_000, clock);
  const paced = pacedActivities({ double: (n: number) => Promise.resolve(n * 2) }, pacer);
  assert.equal(await paced.double(2), 4);
  assert.equal(await paced.double(5), 10);
  assert.equal(clock.t, 1_000);
});

test('a limit below 1 is refused', () => {
  assert.throws(() => new SlidingWindowPacer(0), /limit must be an integer ≥ 1/);
});
