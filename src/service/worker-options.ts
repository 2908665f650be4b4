import type { WorkerOptions } from '@temporalio/worker';
import type { Env } from '../config/env.js';

/** The ready service's Worker tuning, from the environment (see WORKER_MAX_CACHED_WORKFLOWS in src/config/env.ts). */
export function serviceWorkerOptions(env: Pick<Env, 'WORKER_MAX_CACHED_WORKFLOWS'>): Partial<WorkerOptions> {
  return { maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS };
}
