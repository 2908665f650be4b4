import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { TelemetryOptions } from '@temporalio/worker';
import type { Env } from '../config/env.js';
import { createLogger, PinoTemporalLogger, setRootLogger, type Logger } from '../logging/index.js';

export interface WorkerRuntimeOptions {
  /** Where the JSON log lines go (default stdout); tests capture them. */
  destination?: { write(line: string): void };
}

/**
 * The worker process's logging and metrics, installed once before any connection or worker exists: SDK, workflow
 * and activity logs as redacted JSON lines through pino (tagged with ticket and workflow id), and a Prometheus
 * endpoint at WORKER_METRICS_ADDRESS with the SDK's runtime metrics plus our workflow / activity counters.
 */
export function installWorkerRuntime(env: Env, options: WorkerRuntimeOptions = {}): Logger {
  const log = createLogger({
    level: env.LOG_LEVEL,
    name: 'worker',
    ...(options.destination ? { destination: options.destination } : {}),
  });
  setRootLogger(log);
  const verbose = env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
  const telemetryOptions: TelemetryOptions = {
    // Core (Rust) lines are forwarded into the same JSON stream instead of going to stderr on their own.
    logging: { filter: makeTelemetryFilterString({ core: verbose ? 'DEBUG' : 'WARN', other: 'ERROR' }), forward: {} },
    ...(env.WORKER_METRICS_ADDRESS === 'off'
      ? {}
      : { metrics: { prometheus: { bindAddress: env.WORKER_METRICS_ADDRESS } } }),
  };
  Runtime.install({ logger: new PinoTemporalLogger(log), telemetryOptions });
  if (env.WORKER_METRICS_ADDRESS !== 'off') log.info(`worker metrics on http://${env.WORKER_METRICS_ADDRESS}/metrics`);
  return log;
}
