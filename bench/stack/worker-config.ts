import { z } from 'zod';
import { ChannelKind } from '../../src/domain/channel.js';

/**
 * How the bench runs its worker, passed as JSON in BENCH_WORKER: the task-queue send limit per platform and the
 * Worker tuning knobs a deployment would set through `createWorkers({ workerOptions })`.
 */
export const BenchWorkerConfig = z.object({
  /** maxTaskQueueActivitiesPerSecond per platform queue; platforms not listed keep the service default. */
  sendLimits: z.partialRecord(ChannelKind, z.number().positive()).default({}),
  tuning: z
    .object({
      maxCachedWorkflows: z.number().int().min(0).optional(),
      maxConcurrentWorkflowTaskExecutions: z.number().int().min(2).optional(),
      maxConcurrentActivityTaskExecutions: z.number().int().min(1).optional(),
      maxConcurrentWorkflowTaskPolls: z.number().int().min(1).optional(),
      maxConcurrentActivityTaskPolls: z.number().int().min(1).optional(),
    })
    .default({}),
  /**
   * A workflow bundle built beforehand (`bundleWorkflowCode`, as in Temporal's production sample) for the approvals
   * queue's worker; unset, the worker bundles the workflows itself at startup, as worker.ts does.
   */
  workflowBundlePath: z.string().min(1).optional(),
  /**
   * Experiment, off by default: keep each channel's config (a database read and a secret decryption) for this many
   * ms instead of loading it on every activity and every recipient lookup, to measure what that costs.
   */
  channelConfigCacheMs: z.number().int().min(0).default(0),
});
export type BenchWorkerConfig = z.infer<typeof BenchWorkerConfig>;
export type BenchWorkerConfigInput = z.input<typeof BenchWorkerConfig>;
