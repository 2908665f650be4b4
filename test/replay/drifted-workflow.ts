/**
 * Deliberately incompatible workflows for the negative replay check: the same `ticketApproval` and `ticketNotice`,
 * each preceded by a timer that the recorded histories do not have. Replaying them with these must fail.
 */
import { sleep } from '@temporalio/workflow';
import { ticketApproval as currentApproval } from '../../src/workflows/ticket-approval.js';
import { ticketNotice as currentNotice } from '../../src/workflows/ticket-notice.js';

export async function ticketApproval(...args: Parameters<typeof currentApproval>): ReturnType<typeof currentApproval> {
  await sleep('1 second');
  return currentApproval(...args);
}

export async function ticketNotice(...args: Parameters<typeof currentNotice>): ReturnType<typeof currentNotice> {
  await sleep('1 second');
  return currentNotice(...args);
}
