/**
 * The bench's worker process: worker.ts with two differences. Users come from the bench directory
 * (bench/stack/users.ts) instead of the database, and BENCH_WORKER sets each platform queue's rate limit and the
 * Worker tuning. Everything else — channel configs, the platform-id cache and usage counting in the database,
 * logging and metrics — is the ready service's. Prints `bench worker polling` once it polls.
 */
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createChannelRegistry } from '../../src/channels/registry.js';
import { loadEnv } from '../../src/config/env.js';
import { cachedResolution, recentChannelSource } from '../../src/db/db-ports.js';
import { APPROVALS_TASK_QUEUE, CHANNEL_KINDS } from '../../src/domain/channel.js';
import { channelPlugin } from '../../src/plugins/channel.plugin.js';
import { createWorkers, runWorkers } from '../../src/plugins/run-workers.js';
import { TaskQueuePlugin } from '../../src/plugins/task-queue-plugin.js';
import { servicePlugins } from '../../src/service/plugins.js';
import { createServiceDeps, type ServiceDeps } from '../../src/service/service-deps.js';
import { installWorkerRuntime } from '../../src/service/telemetry.js';
import { serviceWorkerOptions } from '../../src/service/worker-options.js';
import { BenchWorkerConfig } from './worker-config.js';
import { benchDirectory, noPolicies } from './users.js';

const env = loadEnv();
installWorkerRuntime(env);
const config = BenchWorkerConfig.parse(JSON.parse(process.env.BENCH_WORKER ?? '{}'));
const base = await createServiceDeps(env);
const deps: ServiceDeps = {
  ...base,
  policies: noPolicies,
  directory: benchDirectory,
  ...(config.channelConfigCacheMs > 0 ? withCachedChannelConfigs(base, config.channelConfigCacheMs) : {}),
};

/** The service's channel registry over a config source that reuses each load for `ttlMs` (experiment). */
function withCachedChannelConfigs(
  service: ServiceDeps,
  ttlMs: number,
): Pick<ServiceDeps, 'channelSource' | 'channels'> {
  const channelSource = recentChannelSource(service.channelSource, ttlMs);
  const registry = createChannelRegistry(channelSource, service.dispatcher, {
    ...(service.usage ? { onCall: service.usage.observer } : {}),
  });
  const channels = service.store ? cachedResolution(registry, service.store.platformIds) : registry;
  return { channelSource, channels };
}

/** The service's plugin list, with the bench's send limit on the platform queues it names. */
async function plugins(): Promise<TaskQueuePlugin[]> {
  const service = await servicePlugins(deps);
  const limited = CHANNEL_KINDS.filter((kind) => config.sendLimits[kind] !== undefined).map((kind) =>
    channelPlugin({ kind, registry: deps.channels, maxActivitiesPerSecond: config.sendLimits[kind] ?? 1 }),
  );
  const replaced = new Set(limited.map((p) => p.taskQueue));
  return [...service.filter((p) => !replaced.has(p.taskQueue)), ...limited, ...prebuilt()];
}

/**
 * Last in the list, so it overrides the approvals plugin's `workflowsPath`: the approvals queue's worker (the only
 * one with workflows) loads the prebuilt bundle instead of bundling at startup.
 */
function prebuilt(): TaskQueuePlugin[] {
  const codePath = config.workflowBundlePath;
  if (!codePath) return [];
  return [
    new TaskQueuePlugin(
      APPROVALS_TASK_QUEUE,
      { name: 'bench.prebuilt-workflow-bundle' },
      { workflowsPath: undefined, workflowBundle: { codePath } },
    ),
  ];
}

function workerOptions(): Partial<WorkerOptions> {
  const { maxConcurrentWorkflowTaskPolls: wftPolls, maxConcurrentActivityTaskPolls: atPolls, ...rest } = config.tuning;
  return {
    ...serviceWorkerOptions(env),
    ...rest,
    ...(wftPolls ? { workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: wftPolls } } : {}),
    ...(atPolls ? { activityTaskPollerBehavior: { type: 'simple-maximum', maximum: atPolls } } : {}),
  };
}

const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
try {
  const workers = await createWorkers({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    plugins: await plugins(),
    workerOptions: workerOptions(),
  });
  // The Runtime shuts the workers down on SIGINT / SIGTERM; runWorkers then returns.
  console.log(`bench worker polling ${workers.map((w) => w.options.taskQueue).join(', ')}`);
  await runWorkers(workers);
} finally {
  await connection.close();
  await deps.usage?.flush();
  await deps.store?.release();
  await deps.dispatcher.close();
}
