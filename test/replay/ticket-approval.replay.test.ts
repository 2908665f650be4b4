/**
 * Replays every saved history in test/fixtures/histories/ against the current workflow code: a change that would
 * break in-flight approvals (non-determinism) fails here. Needs no Temporal server.
 * Histories come from test/replay/record-histories.ts; a change that must alter them needs `patched()`.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import '../support/environments.js';
import { workflowsPath } from '../support/workflow-harness.js';

const historiesDir = new URL('../fixtures/histories/', import.meta.url);
const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();

async function loadHistory(file: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(file, historiesDir), 'utf8')) as unknown;
}

describe('ticketApproval replay', () => {
  let current: WorkflowBundleWithSourceMap;
  let drifted: WorkflowBundleWithSourceMap;
  before(async () => {
    const logger = new DefaultLogger('WARN');
    [current, drifted] = await Promise.all([
      bundleWorkflowCode({ workflowsPath, logger }),
      bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./drifted-workflow.ts', import.meta.url)), logger }),
    ]);
  });

  it('has saved histories to replay', () => {
    assert.ok(files.length >= 2, `expected histories in ${fileURLToPath(historiesDir)}`);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      await Worker.runReplayHistory({ workflowBundle: current, replayName: file }, await loadHistory(file));
    });

    it(`detects a non-deterministic change against ${file}`, async () => {
      await assert.rejects(
        Worker.runReplayHistory({ workflowBundle: drifted, replayName: file }, await loadHistory(file)),
        DeterminismViolationError,
      );
    });
  }
});
