import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { approvalsWorkflowsPath } from '../../src/plugins/approvals.plugin.js';

/**
 * Every workflow run the worker holds evaluates the bundle's modules anew, so a library pulled in by a value import
 * costs memory and CPU per pending approval. The workflow may import only Temporal's workflow packages and our
 * own schema-free modules.
 */
test('the workflow bundle holds no schema library or server-side package', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: approvalsWorkflowsPath(),
    logger: new DefaultLogger('WARN'),
  });
  const packages = new Set([...code.matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//g)].map((m) => m[1]));
  const allowed = new Set(['@temporalio/common', '@temporalio/workflow', 'nexus-rpc', 'long', 'ms']);
  assert.deepEqual(
    [...packages].filter((p) => p !== undefined && !allowed.has(p)),
    [],
    'packages bundled into the workflow besides Temporal’s own',
  );
  assert.ok(packages.has('@temporalio/workflow'), 'the scan found the bundle’s modules');
});
