import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { approvalWorkflowId } from '../domain/approval.js';
import type { ApprovalResult, ApprovalState } from '../domain/state.js';
import type { ApproverLookup } from './notice-plan.js';

const OPEN = new Set(['RUNNING', 'CONTINUED_AS_NEW']);

/**
 * The approvers of a ticket, read from its approval run with the worker's own client (the activity context's): the
 * ones who decided once it is approved or rejected, else everyone asked. A ticket without an approval has none.
 */
export function approversFromTemporal(client: () => Client = () => Context.current().client): ApproverLookup {
  return async (tenant, ticketId) => {
    const handle = client().workflow.getHandle<(input: unknown) => Promise<ApprovalResult>>(
      approvalWorkflowId(tenant, ticketId),
    );
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { none: `ticket ${ticketId} has no approval, so no approvers` };
      throw err;
    }
    if (OPEN.has(status)) return { approverIds: approversOf(await handle.query<ApprovalState>('state')) };
    if (status === 'COMPLETED') return { approverIds: approversOf(await handle.result()) };
    return { none: `the approval of ticket ${ticketId} ended without an outcome (${status})` };
  };
}

/** Who decided, when someone did; else everyone asked (their cards). */
function approversOf(approval: Pick<ApprovalState, 'decisions' | 'deliveries'>): string[] {
  const deciders = approval.decisions.map((d) => d.userId);
  if (deciders.length > 0) return [...new Set(deciders)];
  return [...new Set(approval.deliveries.map((d) => d.userId))];
}
