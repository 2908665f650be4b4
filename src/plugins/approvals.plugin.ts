import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
}

/**
 * Registers the `ticketApproval` workflow and the orchestration activities (policy, recipients, ticket-system
 * webhook) on the approvals task queue.
 */
export function approvalsPlugin(options: ApprovalsPluginOptions): TaskQueuePlugin {
  return new TaskQueuePlugin(options.taskQueue ?? APPROVALS_TASK_QUEUE, {
    name: 'approvals-bridge.approvals',
    workflowsPath: approvalsWorkflowsPath(),
    activities: createOrchestrationActivities(options),
  });
}
