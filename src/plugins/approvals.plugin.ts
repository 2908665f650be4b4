import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClientOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { ReplayWorkerOptions, WorkerOptions } from '@temporalio/worker';
import { createOrchestrationActivities, type OrchestrationDeps } from '../activities/orchestration.activities.js';
import { APPROVALS_TASK_QUEUE } from '../domain/channel.js';
import { TaskQueuePlugin } from './task-queue-plugin.js';

/** The workflows module: TypeScript in a source checkout, JavaScript in the published package. */
export function approvalsWorkflowsPath(): string {
  for (const ext of ['ts', 'js']) {
    const candidate = fileURLToPath(new URL(`../workflows/index.${ext}`, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('approvals-bridge: workflows module not found');
}

export interface ApprovalsPluginOptions extends OrchestrationDeps {
  /** Task queue of the workflow and its orchestration activities (default `approvals`). */
  taskQueue?: string;
  /**
   * Payload encoding for approvals, e.g. `{ payloadCodecs: [new AesGcmPayloadCodec(key)] }` so ticket contents
   * are encrypted in workflow history. Unlike the rest of this plugin it applies to every worker and client the
   * plugin is given: the platform queues carry the same payloads. Clients that start or read approvals need it too.
   */
  dataConverter?: DataConverter;
}

/**
 * Registers the `ticketApproval` and `ticketNotice` workflows and the orchestration activities (policy, recipients,
 * who a notice is for, ticket-system webhook) on the approvals task queue.
 */
export function approvalsPlugin(options: ApprovalsPluginOptions): TaskQueuePlugin {
  const { dataConverter } = options;
  const plugin = {
    name: 'approvals-bridge.approvals',
    workflowsPath: approvalsWorkflowsPath(),
    activities: createOrchestrationActivities(options),
  };
  const taskQueue = options.taskQueue ?? APPROVALS_TASK_QUEUE;
  return dataConverter
    ? new EncodingApprovalsPlugin(taskQueue, plugin, dataConverter)
    : new TaskQueuePlugin(taskQueue, plugin);
}

/** The approvals plugin with a data converter, set on every worker (any queue), replay worker and client. */
class EncodingApprovalsPlugin extends TaskQueuePlugin {
  constructor(
    taskQueue: string,
    plugin: ConstructorParameters<typeof TaskQueuePlugin>[1],
    private readonly dataConverter: DataConverter,
  ) {
    super(taskQueue, plugin);
  }

  override configureWorker(options: WorkerOptions): WorkerOptions {
    return { ...super.configureWorker(options), dataConverter: this.merged(options.dataConverter) };
  }

  override configureReplayWorker(options: ReplayWorkerOptions): ReplayWorkerOptions {
    return { ...super.configureReplayWorker(options), dataConverter: this.merged(options.dataConverter) };
  }

  override configureClient(options: Omit<ClientOptions, 'plugins'>): Omit<ClientOptions, 'plugins'> {
    return { ...super.configureClient(options), dataConverter: this.merged(options.dataConverter) };
  }

  private merged(existing: DataConverter | undefined): DataConverter {
    return { ...existing, ...this.dataConverter };
  }
}
