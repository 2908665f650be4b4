import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/domain/search-attributes.js';
import { temporalCliPath, temporalTestServerPath } from './temporal-binaries.js';

// Tests read their own assertions, not the SDK's INFO chatter; this must run before any worker or environment.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Already installed by another module of the same test process.
}

/** A real Temporal dev server (CLI) on a random port, with our search attributes registered. */
export function startDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: [...SEARCH_ATTRIBUTE_KEYS],
      log: { format: 'json', level: 'error' },
    },
  });
}

/** The Java time-skipping test server: timers fire without real waiting. */
export function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
}
