import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import type { WorkflowStartOptions } from '@temporalio/client';
import { approvalWorkflowId } from '../domain/approval.js';
import type { StartApprovalRequest, TicketApprovalInput } from '../domain/approval.js';
import { APPROVALS_TASK_QUEUE } from '../domain/channel.js';
import { ApprovalStatusKey, RequesterKey, TicketIdKey, TicketTypeKey } from '../domain/search-attributes.js';
import type { ApprovalResult } from '../domain/state.js';

/** The workflow's signature, by type only: clients start it by name and never import workflow code. */
export type TicketApprovalWorkflow = (input: TicketApprovalInput) => Promise<ApprovalResult>;
export const TICKET_APPROVAL_WORKFLOW = 'ticketApproval';

// The Temporal UI shows these on the run; the server caps user metadata, so keep them well inside it.
const MAX_SUMMARY = 200;
const MAX_DETAILS = 4000;

/**
 * How a ticket's approval is started (by the API and by the client helpers alike): its id, queue, policies, and
 * what operators see in the Temporal UI.
 */
export function startOptions(
  request: StartApprovalRequest,
  taskQueue: string = APPROVALS_TASK_QUEUE,
): WorkflowStartOptions<TicketApprovalWorkflow> {
  return {
    workflowId: approvalWorkflowId(request.tenant, request.ticketId),
    taskQueue,
    args: [request],
    // FAIL tells us whether this call created the run or found one (then described to get its run id).
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    // Business outcomes complete the run, so a ticket sent again gets its decided run back; only a run that
    // failed or was terminated by an operator may be started afresh for the same ticket.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    typedSearchAttributes: [
      { key: TicketIdKey, value: request.ticketId },
      { key: TicketTypeKey, value: request.ticketType },
      { key: ApprovalStatusKey, value: 'pending' },
      { key: RequesterKey, value: request.requester.userId },
    ],
    staticSummary: approvalSummary(request),
    staticDetails: approvalDetails(request),
  };
}

/** "ticket.data_export" → "Data export". */
export function humanTicketType(ticketType: string): string {
  const last = ticketType.split('.').at(-1) ?? ticketType;
  const words = last.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One line for the Temporal UI's run list, e.g. "Data export #123 by alice". */
export function approvalSummary(request: StartApprovalRequest): string {
  const by = request.requester.name ?? request.requester.userId;
  return clip(oneLine(`${humanTicketType(request.ticketType)} #${request.ticketId} by ${by}`), MAX_SUMMARY);
}

/** Markdown with the key fields, for the run's details panel. The request holds no secrets by contract. */
export function approvalDetails(request: StartApprovalRequest): string {
  const requester = request.requester.name
    ? `${oneLine(request.requester.name)} (\`${request.requester.userId}\`)`
    : `\`${request.requester.userId}\``;
  const lines = [
    `**${oneLine(request.title)}**`,
    '',
    `- Ticket: \`${request.ticketId}\` (${request.ticketType}), tenant \`${request.tenant}\``,
    `- Requester: ${requester}`,
    ...request.fields.map((f) => `- ${oneLine(f.label)}: ${oneLine(f.value)}`),
  ];
  if (request.detailsUrl) lines.push('', `[Open the ticket](${request.detailsUrl})`);
  return clip(lines.join('\n'), MAX_DETAILS);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
