import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { approvalsWorkflowsPath } from '../../src/plugins/approvals.plugin.js';

/** Bundles the approvals workflows once, ahead of any worker (Temporal's production sample does this at build time). */
export async function buildWorkflowBundle(outPath: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: approvalsWorkflowsPath(),
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(outPath, code);
  return outPath;
}
