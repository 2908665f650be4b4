import { ApplicationFailure } from '@temporalio/client';
import type { WorkflowExecutionDescription, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApprovalStatus } from '../../domain/approval.js';
import { ApprovalStatusKey } from '../../domain/search-attributes.js';
import { DecisionRejection } from '../../domain/state.js';
import type { ApprovalResult, ApprovalState, DecideResult } from '../../domain/state.js';
import { ApiError } from '../common/api-error.js';
import type { ApiErrorCode } from '../common/api-error.js';
import type { ApprovalLinks, ApprovalView } from './approvals.schemas.js';

/** Where one approval lives: its business key and, once known, its run. */
export interface ApprovalRef {
  tenant: string;
  ticketId: string;
  workflowId: string;
}

export function approvalLinks(ref: ApprovalRef, runId: string, ui: { url: string; namespace: string }): ApprovalLinks {
  const self = `/v1/approvals/${encodeURIComponent(ref.ticketId)}?tenant=${encodeURIComponent(ref.tenant)}`;
  const base = ui.url.replace(/\/+$/, '');
  const run = `${encodeURIComponent(ref.workflowId)}/${encodeURIComponent(runId)}`;
  return { self, temporalUi: `${base}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${run}` };
}

/** Open runs answer the `state` query; RUNNING and PAUSED are both still open. */
export function isOpen(description: WorkflowExecutionDescription): boolean {
  return description.status.name === 'RUNNING' || description.status.name === 'PAUSED';
}

/** The approval status from the ApprovalStatus search attribute the workflow keeps current, when it is set. */
export function statusFromSearchAttributes(description: WorkflowExecutionDescription): ApprovalStatus | undefined {
  const parsed = ApprovalStatus.safeParse(description.typedSearchAttributes.get(ApprovalStatusKey));
  return parsed.success ? parsed.data : undefined;
}

type ViewMeta = Pick<ApprovalView, 'runId' | 'workflowStatus' | 'links'>;

export function viewOfState(state: ApprovalState, meta: ViewMeta): ApprovalView {
  return { ...state, ...meta };
}

export function viewOfResult(ref: ApprovalRef, result: ApprovalResult, meta: ViewMeta): ApprovalView {
  return { ...result, tenant: ref.tenant, ...meta };
}

/** A run that closed without returning an outcome (terminated, failed, timed out, cancelled). */
export function viewOfAbnormalClose(ref: ApprovalRef, meta: ViewMeta): ApprovalView {
  return { workflowId: ref.workflowId, tenant: ref.tenant, ticketId: ref.ticketId, status: 'failed', ...meta };
}

/** A decision for a run that has already closed: answered like the workflow answers a late click. */
export function lateDecision(result: ApprovalResult): DecideResult {
  return {
    outcome: 'already_decided',
    status: result.status,
    ...(result.outcome.by ? { decidedBy: result.outcome.by } : {}),
    decidedAt: result.outcome.at,
  };
}

function failureType(err: WorkflowUpdateFailedError): string | undefined {
  return err.cause instanceof ApplicationFailure ? (err.cause.type ?? undefined) : undefined;
}

/** The workflow's rejection types and our codes: not an approver / the requester → 403, a second vote → 409. */
const REJECTIONS: Readonly<Record<string, ApiErrorCode>> = {
  [DecisionRejection.NotApprover]: 'NOT_AN_APPROVER',
  [DecisionRejection.RequesterCannotDecide]: 'REQUESTER_CANNOT_DECIDE',
  [DecisionRejection.AlreadyVoted]: 'ALREADY_VOTED',
};

/** The workflow said no to a decision; a type we do not know is a 409 DECISION_REJECTED with its message. */
export function decisionRejected(err: WorkflowUpdateFailedError): ApiError {
  const message = err.cause?.message || 'The decision was rejected';
  const type = failureType(err);
  return new ApiError((type !== undefined && REJECTIONS[type]) || 'DECISION_REJECTED', message);
}

export function withdrawRejected(err: WorkflowUpdateFailedError): ApiError {
  return new ApiError('WITHDRAW_REJECTED', err.cause?.message || 'The withdrawal was rejected');
}
