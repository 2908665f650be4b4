import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { TaskQueuePlugin } from './task-queue-plugin.js';

export interface CreateWorkersOptions {
  connection: NativeConnection;
  namespace?: string;
  plugins: TaskQueuePlugin[];
  /** Extra options for every worker (identity, tuning, interceptors…). */
  workerOptions?: Partial<WorkerOptions>;
}

/** One Worker per task queue the plugins serve; every worker receives every plugin (each configures its own). */
export async function createWorkers(options: CreateWorkersOptions): Promise<Worker[]> {
  const queues = [...new Set(options.plugins.map((p) => p.taskQueue))];
  return Promise.all(
    queues.map((taskQueue) =>
      Worker.create({
        ...options.workerOptions,
        connection: options.connection,
        namespace: options.namespace ?? 'default',
        taskQueue,
        plugins: options.plugins,
      }),
    ),
  );
}

/** Runs the workers until one stops (shutdown signal or fatal error); then shuts the others down and waits. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  const runs = workers.map((w) => w.run());
  try {
    await Promise.race(runs);
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(runs);
  }
}
