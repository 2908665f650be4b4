/** Progress lines on stderr (stdout stays free for the final summary), with the time since the bench began. */
const began = Date.now();

export function progress(message: string): void {
  const s = ((Date.now() - began) / 1000).toFixed(0).padStart(5);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}

/** Calls `report` every `everyMs` until the returned stop function is called. */
export function every(everyMs: number, report: () => string): () => void {
  const timer = setInterval(() => progress(report()), everyMs);
  return () => clearInterval(timer);
}

/** Polls `read` until `done` holds; throws with the last value after `timeoutMs`. */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 100,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
