/**
 * A deliberately incompatible `ticketApproval` for the negative replay check: the same workflow, preceded by a
 * timer that the recorded histories do not have. Replaying them with it must fail.
 */
import { sleep } from '@temporalio/workflow';
import { ticketApproval as current } from '../../src/workflows/ticket-approval.js';

export async function ticketApproval(...args: Parameters<typeof current>): ReturnType<typeof current> {
  await sleep('1 second');
  return current(...args);
}
