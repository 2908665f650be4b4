/**
 * The ready-made worker: the approvals plugin and one plugin per platform, composed. A ticket system that runs its
 * own Temporal workers adds the same plugins to them instead (see README, "Use it from your own worker").
 */
import { NativeConnection } from '@temporalio/worker';
import { loadEnv } from './src/config/env.js';
import { createWorkers, runWorkers } from './src/plugins/run-workers.js';
import { createServiceDeps } from './src/service/service-deps.js';
import { servicePlugins } from './src/service/plugins.js';
import { installWorkerRuntime } from './src/service/telemetry.js';
import { serviceWorkerOptions } from './src/service/worker-options.js';

const env = loadEnv();
const log = installWorkerRuntime(env); // JSON logs and the Prometheus endpoint, before anything connects
const deps = await createServiceDeps(env);
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
try {
  const workers = await createWorkers({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    plugins: await servicePlugins(deps),
    workerOptions: serviceWorkerOptions(env),
  });
  log.info(`worker polling ${workers.map((w) => w.options.taskQueue).join(', ')} on ${env.TEMPORAL_ADDRESS}`);
  await runWorkers(workers);
} finally {
  await connection.close();
  await deps.dispatcher.close();
}
