import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { approvalWorkflowId, DecisionRequest, StartApprovalRequest, WithdrawBody } from '../domain/approval.js';
import type { StartApprovalRequestInput } from '../domain/approval.js';
import { APPROVALS_TASK_QUEUE } from '../domain/channel.js';
import { noticeWorkflowId } from '../domain/events.js';
import { TellSpec, TicketEventRequest, type TellSpecInput, type TicketEventRequestInput } from '../domain/notice.js';
import type { NoticeState } from '../domain/notice-state.js';
import type { ApprovalResult, ApprovalState, DecideResult } from '../domain/state.js';
import { decide, state, withdraw } from '../workflows/definitions.js';
import { noticeState } from '../workflows/notice-definitions.js';
import { eventFingerprint, noticeOfEvent, noticeStartOptions, TICKET_NOTICE_WORKFLOW } from './notice-start-options.js';
import type { TicketNoticeWorkflow } from './notice-start-options.js';
import { startOptions, TICKET_APPROVAL_WORKFLOW } from './start-options.js';
import type { TicketApprovalWorkflow } from './start-options.js';

/** A decision as a caller writes it (`via` defaults to `api`). */
export type DecisionRequestInput = z.input<typeof DecisionRequest>;

/** Withdraw a pending approval: the API's body plus who withdraws it. */
export const WithdrawRequest = WithdrawBody.extend({ by: z.string().min(1).max(128) });
export type WithdrawRequest = z.infer<typeof WithdrawRequest>;

/** One ticket's approval: its ticket id (tenant `default`), or ticket id and tenant. */
export type ApprovalRef = string | { tenant?: string; ticketId: string };
const ApprovalRefSchema = StartApprovalRequest.pick({ tenant: true, ticketId: true });

export interface StartedApproval {
  workflowId: string;
  runId: string;
  /** False when the ticket already had an approval: its run is returned and nothing new is started. */
  created: boolean;
}

export interface ApprovalsClientOptions {
  /** Task queue of the approvals worker; must match `approvalsPlugin({ taskQueue })` (default `approvals`). */
  taskQueue?: string;
}

/**
 * Typed calls for a ticket system that talks to Temporal directly. Every input is validated with the API's zod
 * schemas (a `ZodError` on bad input). Updates and queries are answered by a worker: bound them with
 * `client.withDeadline(...)` when no worker may be running.
 */
export interface ApprovalsClient {
  /** Start the ticket's approval; idempotent on (tenant, ticket id). */
  start(request: StartApprovalRequestInput): Promise<StartedApproval>;
  /**
   * Record one approver's decision. `eventId` is the idempotency key: a repeat returns the first answer. After the
   * outcome it answers `already_decided`; a refused decision throws {@link DecisionRejectedError}.
   */
  decide(ref: ApprovalRef, decision: DecisionRequestInput): Promise<DecideResult>;
  /** Withdraw a pending approval; once decided it changes nothing and returns the state. */
  withdraw(ref: ApprovalRef, request: WithdrawRequest): Promise<ApprovalState>;
  /** Everything about the approval now (also for a finished run, replayed by a worker). */
  state(ref: ApprovalRef): Promise<ApprovalState>;
  /** Waits for the outcome. */
  result(ref: ApprovalRef): Promise<ApprovalResult>;
  /** The run's typed handle, for anything else (describe, cancel, history). */
  handle(ref: ApprovalRef): WorkflowHandle<TicketApprovalWorkflow>;
  /**
   * Tell people about something that happened to a ticket (`executed`, `execution_failed`, …): one `ticketNotice` run
   * telling whoever `tell` names (the service matches stored rules instead; this is for workers without them).
   * Idempotent on (tenant, event id): the same event again returns its run with `created: false`; another event under
   * a used id throws {@link EventIdConflictError}.
   */
  notify(event: TicketEventRequestInput, tell: TellSpecInput): Promise<StartedApproval>;
  /** How an event's notice went: who it was for and every delivery (waits for a worker while it runs). */
  notice(event: { tenant?: string; eventId: string }): Promise<NoticeState>;
}

/** An event id was reported before with other content: each event needs an id of its own. */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
}

/** The workflow refused a decision (not an approver, the requester, a second vote...). */
export class DecisionRejectedError extends Error {
  override readonly name = 'DecisionRejectedError';
  /** The workflow's rejection type, one of `DecisionRejection` (e.g. `NOT_AN_APPROVER`). */
  readonly rejection: string;

  constructor(cause: WorkflowUpdateFailedError) {
    super(cause.cause?.message || 'the decision was rejected', { cause });
    this.rejection = (cause.cause instanceof ApplicationFailure && cause.cause.type) || 'DECISION_REJECTED';
  }
}

export function approvalWorkflowIdOf(ref: ApprovalRef): string {
  const { tenant, ticketId } = ApprovalRefSchema.parse(typeof ref === 'string' ? { ticketId: ref } : ref);
  return approvalWorkflowId(tenant, ticketId);
}

/** Client helpers over an existing `Client` (its namespace, data converter and plugins apply). */
export function createApprovalsClient(client: Client, options: ApprovalsClientOptions = {}): ApprovalsClient {
  const taskQueue = options.taskQueue ?? APPROVALS_TASK_QUEUE;
  const handle = (ref: ApprovalRef) => {
    const workflowId = approvalWorkflowIdOf(ref);
    return client.workflow.getHandle<TicketApprovalWorkflow>(workflowId);
  };

  return {
    handle,
    async start(input) {
      const start = startOptions(StartApprovalRequest.parse(input), taskQueue);
      const { workflowId } = start;
      try {
        const started = await client.workflow.start(TICKET_APPROVAL_WORKFLOW, start);
        return { workflowId, runId: started.firstExecutionRunId, created: true };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      const { runId } = await client.workflow.getHandle(workflowId).describe();
      return { workflowId, runId, created: false };
    },
    async decide(ref, input) {
      const request = DecisionRequest.parse(input);
      const run = handle(ref);
      try {
        return await run.executeUpdate(decide, { args: [request], updateId: request.eventId });
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw new DecisionRejectedError(err);
        if (err instanceof WorkflowNotFoundError) return lateDecision(run, err);
        throw err;
      }
    },
    async withdraw(ref, input) {
      const request = WithdrawRequest.parse(input);
      const run = handle(ref);
      try {
        return await run.executeUpdate(withdraw, { args: [request] });
      } catch (err) {
        // The run closed (decided) before the update: report how it ended, as the workflow itself would.
        if (err instanceof WorkflowNotFoundError) return run.query(state);
        throw err;
      }
    },
    async state(ref) {
      return await handle(ref).query(state);
    },
    async result(ref) {
      return await handle(ref).result();
    },
    async notify(input, tell) {
      const event = TicketEventRequest.parse(input);
      const fingerprint = eventFingerprint({ event, tell });
      const start = noticeStartOptions(noticeOfEvent(event, { spec: TellSpec.parse(tell) }), fingerprint, taskQueue);
      const { workflowId } = start;
      try {
        const started = await client.workflow.start(TICKET_NOTICE_WORKFLOW, start);
        return { workflowId, runId: started.firstExecutionRunId, created: true };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      const existing = await client.workflow.getHandle(workflowId).describe();
      if (existing.memo?.fingerprint !== fingerprint) {
        throw new EventIdConflictError(`event id ${event.eventId} was already used for another event`);
      }
      return { workflowId, runId: existing.runId, created: false };
    },
    async notice({ tenant = 'default', eventId }) {
      const run = client.workflow.getHandle<TicketNoticeWorkflow>(noticeWorkflowId(tenant, eventId));
      const { status } = await run.describe();
      return status.name === 'COMPLETED' ? await run.result() : await run.query(noticeState);
    },
  };
}

/** A decision for a run that has already closed: answered like the workflow answers a late click. */
async function lateDecision(
  run: WorkflowHandle<TicketApprovalWorkflow>,
  notFound: WorkflowNotFoundError,
): Promise<DecideResult> {
  const description = await run.describe();
  if (description.status.name !== 'COMPLETED') throw notFound;
  const { status, outcome } = await run.result();
  return {
    outcome: 'already_decided',
    status,
    ...(outcome.by ? { decidedBy: outcome.by } : {}),
    decidedAt: outcome.at,
  };
}
