import { SimplePlugin, type SimplePluginOptions } from '@temporalio/plugin';
import type { WorkerOptions } from '@temporalio/worker';

/**
 * A plugin that serves exactly one task queue. A Worker polls one queue, so every worker of a deployment may be
 * given every plugin: each one configures only the worker for its own queue and leaves the others untouched.
 * That lets one process run all queues, or each platform's queue run on its own machines, with no code change.
 */
export class TaskQueuePlugin extends SimplePlugin {
  constructor(
    readonly taskQueue: string,
    options: SimplePluginOptions,
    private readonly workerOverrides: Partial<WorkerOptions> = {},
  ) {
    super(options);
  }

  override configureWorker(options: WorkerOptions): WorkerOptions {
    if (options.taskQueue !== this.taskQueue) return options;
    return { ...super.configureWorker(options), ...this.workerOverrides };
  }
}
