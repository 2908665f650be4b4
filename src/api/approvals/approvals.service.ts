import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { Client, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import { approvalWorkflowId } from '../../domain/approval.js';
import { stableHash } from '../../domain/ids.js';
import type { DecisionBody, DecisionRequest, StartApprovalRequest, WithdrawBody } from '../../domain/approval.js';
import type { ApprovalState } from '../../domain/state.js';
import { ApiMetrics } from '../../metrics/api-metrics.js';
import { cardAnswered, decide, decisionSignal, state, withdraw } from '../../workflows/definitions.js';
import type { CardAnswered, WithdrawRequest } from '../../workflows/definitions.js';
import { STORE } from '../../db/database.module.js';
import type { Store } from '../../db/store.js';
import { ApiError } from '../common/api-error.js';
import { isTemporalUnavailable } from '../common/temporal-errors.js';
import { API_CONFIG } from '../common/api-config.js';
import type { ApiConfig } from '../common/api-config.js';
import type { HttpResult } from '../common/http-result.js';
import { TEMPORAL_CLIENT } from '../common/temporal.module.js';
import type { Principal } from '../auth/auth.schemas.js';
import { startOptions } from './start-options.js';
import {
  approvalLinks,
  decisionRejected,
  isOpen,
  lateDecision,
  statusFromSearchAttributes,
  viewOfAbnormalClose,
  viewOfResult,
  viewOfState,
  withdrawRejected,
} from './approval-views.js';
import type { ApprovalRef } from './approval-views.js';
import { TICKET_APPROVAL_WORKFLOW } from './approvals.schemas.js';
import type {
  ApprovalView,
  DecideResponse,
  StartApprovalResponse,
  TicketApprovalWorkflow,
  ViewStatus,
} from './approvals.schemas.js';

type ApprovalHandle = WorkflowHandle<TicketApprovalWorkflow>;

/**
 * Absolute times (ms since epoch) bounding one decision: the `decide` update waits until `update`; the durable
 * signal and any follow-up reads must finish by `answer` (default: the usual per-call bound).
 */
export interface DecisionDeadlines {
  update: number;
  answer?: number;
}

/** Approvals over Temporal: one `ticketApproval` run per (tenant, ticket), found again by its workflow id. */
@Injectable()
export class ApprovalsService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(STORE) private readonly store: Store,
    @Optional() @Inject(ApiMetrics) private readonly metrics?: ApiMetrics,
  ) {}

  /**
   * 201 with a new run, or 200 with the run this ticket already has (a retried or repeated request). A ticket type no
   * approval rule covers (and no policy in the request) is refused before anything starts (422 NO_APPROVAL_RULE).
   */
  async start(request: StartApprovalRequest): Promise<HttpResult<StartApprovalResponse>> {
    const ref = refOf(request.tenant, request.ticketId);
    if (!request.policy) await this.requireRule(ref, request.ticketType);
    try {
      const handle = await this.rpc(() => this.client.workflow.start(TICKET_APPROVAL_WORKFLOW, startOptions(request)));
      this.metrics?.approvalStarted(true);
      return { status: 201, body: this.started(ref, handle.firstExecutionRunId, 'pending') };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const existing = await this.describe(ref);
    this.metrics?.approvalStarted(false);
    return { status: 200, body: this.started(ref, existing.runId, await this.statusOf(existing)) };
  }

  /** The ticket type's approval rule must exist, unless this ticket already has its approval (a repeated start). */
  private async requireRule(ref: ApprovalRef, ticketType: string): Promise<void> {
    const { rule, reason } = await this.store.rules.match(ref.tenant, ticketType, 'pending_approval');
    if (rule) return;
    try {
      await this.describe(ref);
      return;
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'APPROVAL_NOT_FOUND') throw err;
    }
    throw new ApiError(
      'NO_APPROVAL_RULE',
      `No approval rule covers ticket type "${ticketType}" in tenant "${ref.tenant}": ${reason ?? 'none'}. ` +
        'Add one (POST /v1/rules with match.event pending_approval, or a * rule) or send a policy.',
      [{ path: 'ticketType', message: `no enabled pending_approval rule for ${ticketType} (nor a * rule)` }],
    );
  }

  async get(tenant: string, ticketId: string): Promise<ApprovalView> {
    const ref = refOf(tenant, ticketId);
    return this.view(ref, await this.describe(ref));
  }

  /**
   * The caller's decision as the `decide` update, answered by the workflow within `decisionTimeoutMs`. The event
   * id doubles as update id, so a retried request gets the first answer.
   */
  async decide(
    tenant: string,
    ticketId: string,
    body: DecisionBody,
    principal: Principal,
  ): Promise<HttpResult<DecideResponse>> {
    const request: DecisionRequest = {
      eventId: decisionEventId(principal.userId, body.eventId),
      userId: principal.userId,
      decision: body.decision,
      ...(body.comment !== undefined ? { comment: body.comment } : {}),
      via: 'api',
    };
    return this.submitDecision(tenant, ticketId, request);
  }

  /**
   * One decision whose decider is already established (a bearer token, or a verified card callback): the `decide`
   * update until `deadlines.update`, else the durable `decisionSignal` (202 "received"). Throws ApiError when the
   * workflow refuses it (NOT_AN_APPROVER, ALREADY_VOTED, ...).
   */
  async submitDecision(
    tenant: string,
    ticketId: string,
    request: DecisionRequest,
    deadlines: DecisionDeadlines = { update: Date.now() + this.config.decisionTimeoutMs },
  ): Promise<HttpResult<DecideResponse>> {
    const ref = refOf(tenant, ticketId);
    const handle: ApprovalHandle = this.client.workflow.getHandle(ref.workflowId);
    try {
      const options = { args: [request] as [DecisionRequest], updateId: request.eventId };
      const result = await this.client.withDeadline(deadlines.update, () => handle.executeUpdate(decide, options));
      return this.counted(request, { status: 200, body: result });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        this.metrics?.decision(request.via, 'rejected');
        throw decisionRejected(err);
      }
      if (err instanceof WorkflowNotFoundError)
        return this.counted(request, { status: 200, body: await this.decidedEarlier(ref, deadlines.answer) });
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
        return this.counted(request, await this.decideLater(ref, handle, request, deadlines.answer));
      throw err;
    }
  }

  /**
   * Stores a decision durably without waiting for the workflow (no worker answers it now): the `decisionSignal`,
   * applied through the same code path once a worker runs, 202 "received".
   */
  async recordDecision(
    tenant: string,
    ticketId: string,
    request: DecisionRequest,
    deadline?: number,
  ): Promise<HttpResult<DecideResponse>> {
    const ref = refOf(tenant, ticketId);
    const handle: ApprovalHandle = this.client.workflow.getHandle(ref.workflowId);
    return this.counted(request, await this.decideLater(ref, handle, request, deadline));
  }

  /**
   * Tells the approval that a click's answer showed the clicker this card, so its final round can skip that update.
   * Best effort: if it cannot be told (closed, Temporal busy), the card is simply updated as usual.
   */
  async confirmCardAnswered(tenant: string, ticketId: string, answered: CardAnswered): Promise<boolean> {
    const handle: ApprovalHandle = this.client.workflow.getHandle(refOf(tenant, ticketId).workflowId);
    try {
      await this.rpc(() => handle.signal(cardAnswered, answered));
      return true;
    } catch {
      return false;
    }
  }

  /** Decisions by source and outcome (applied, already_decided, received) for the API's metrics. */
  private counted(request: DecisionRequest, answer: HttpResult<DecideResponse>): HttpResult<DecideResponse> {
    this.metrics?.decision(request.via, answer.body.outcome);
    return answer;
  }

  /** Withdraws a running approval; on a decided or closed one it changes nothing and returns its state. */
  async withdraw(tenant: string, ticketId: string, body: WithdrawBody, principal: Principal): Promise<ApprovalView> {
    const ref = refOf(tenant, ticketId);
    const description = await this.describe(ref);
    if (!isOpen(description)) return this.view(ref, description);
    const handle: ApprovalHandle = this.client.workflow.getHandle(ref.workflowId, description.runId);
    const request: WithdrawRequest = {
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
      by: principal.userId,
    };
    try {
      const updated = await this.rpc(() => handle.executeUpdate(withdraw, { args: [request] }));
      return viewOfState(updated, this.meta(ref, description.runId, description.status.name));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw withdrawRejected(err);
      // Closed between our describe and the update: show how it ended.
      if (err instanceof WorkflowNotFoundError) return this.view(ref, await this.describe(ref));
      throw err;
    }
  }

  private async view(ref: ApprovalRef, description: WorkflowExecutionDescription): Promise<ApprovalView> {
    const meta = this.meta(ref, description.runId, description.status.name);
    const handle: ApprovalHandle = this.client.workflow.getHandle(ref.workflowId, description.runId);
    if (isOpen(description)) return viewOfState(await this.liveState(handle), meta);
    if (description.status.name === 'COMPLETED') return viewOfResult(ref, await this.rpc(() => handle.result()), meta);
    return viewOfAbnormalClose(ref, meta);
  }

  /** A query is answered by a worker: when it times out right after a describe succeeded, the worker is missing. */
  private async liveState(handle: ApprovalHandle): Promise<ApprovalState> {
    try {
      return await this.rpc(() => handle.query(state));
    } catch (err) {
      if (!isTemporalUnavailable(err)) throw err;
      throw new ApiError('TEMPORAL_UNAVAILABLE', 'No worker answered for this approval in time; retry later');
    }
  }

  /** The update found no running workflow: an unknown ticket (404), or one whose approval has already ended. */
  private async decidedEarlier(ref: ApprovalRef, deadline?: number): Promise<DecideResponse> {
    const description = await this.describe(ref, deadline);
    const handle: ApprovalHandle = this.client.workflow.getHandle(ref.workflowId, description.runId);
    if (description.status.name === 'COMPLETED') return lateDecision(await this.rpc(() => handle.result(), deadline));
    if (isOpen(description))
      throw new ApiError('DECISION_REJECTED', 'The approval changed run; send the decision again');
    throw new ApiError('DECISION_REJECTED', `The approval ended without an outcome (${description.status.name})`);
  }

  /** The workflow did not answer in time (worker down or busy): store the decision durably as a signal. */
  private async decideLater(
    ref: ApprovalRef,
    handle: ApprovalHandle,
    request: DecisionRequest,
    deadline?: number,
  ): Promise<HttpResult<DecideResponse>> {
    try {
      await this.rpc(() => handle.signal(decisionSignal, request), deadline);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { status: 200, body: await this.decidedEarlier(ref, deadline) };
      throw err;
    }
    return { status: 202, body: { outcome: 'received', status: 'pending', eventId: request.eventId } };
  }

  private async describe(ref: ApprovalRef, deadline?: number): Promise<WorkflowExecutionDescription> {
    try {
      return await this.rpc(() => this.client.workflow.getHandle(ref.workflowId).describe(), deadline);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new ApiError('APPROVAL_NOT_FOUND', `No approval for ticket "${ref.ticketId}" in tenant "${ref.tenant}"`);
      }
      throw err;
    }
  }

  private async statusOf(description: WorkflowExecutionDescription): Promise<ViewStatus> {
    const fromAttributes = statusFromSearchAttributes(description);
    if (fromAttributes) return fromAttributes;
    if (isOpen(description)) return 'pending';
    if (description.status.name !== 'COMPLETED') return 'failed';
    const handle: ApprovalHandle = this.client.workflow.getHandle(description.workflowId, description.runId);
    return (await this.rpc(() => handle.result())).status;
  }

  private started(ref: ApprovalRef, runId: string, status: ViewStatus): StartApprovalResponse {
    const { workflowId, ticketId, tenant } = ref;
    return { workflowId, runId, ticketId, tenant, status, links: this.links(ref, runId) };
  }

  private meta(
    ref: ApprovalRef,
    runId: string,
    workflowStatus: string,
  ): Pick<ApprovalView, 'runId' | 'workflowStatus' | 'links'> {
    return { runId, workflowStatus, links: this.links(ref, runId) };
  }

  private links(ref: ApprovalRef, runId: string): StartApprovalResponse['links'] {
    return approvalLinks(ref, runId, { url: this.config.temporalUiUrl, namespace: this.client.options.namespace });
  }

  /** Every Temporal call of a request is bounded: an unreachable server fails in seconds (503), not minutes. */
  private rpc<T>(fn: () => Promise<T>, deadline = Date.now() + this.config.rpcTimeoutMs): Promise<T> {
    return this.client.withDeadline(deadline, fn);
  }
}

/**
 * The decision's idempotency key (event id and update id). A client-chosen id is scoped to its caller, so two users
 * picking the same id never get each other's answer; without one, every request is a new decision.
 */
function decisionEventId(userId: string, eventId: string | undefined): string {
  if (eventId === undefined) return `api:${randomUUID()}`;
  // Encoded, the user id holds no ':', so distinct (user, id) pairs never meet.
  const scoped = `api:${encodeURIComponent(userId)}:${eventId}`;
  // DecisionRequest.eventId allows 128 characters.
  return scoped.length <= 128 ? scoped : `api:${stableHash(`${userId}\n${eventId}`)}`;
}

function refOf(tenant: string, ticketId: string): ApprovalRef {
  return { tenant, ticketId, workflowId: approvalWorkflowId(tenant, ticketId) };
}
