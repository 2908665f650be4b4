import { Inject, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { OrchestrationActivities } from '../../activities/contract.js';
import { approvalWorkflowId } from '../../domain/approval.js';
import { ReaderSchema } from '../../i18n/locale-schema.js';
import { ChannelKind } from '../../domain/channel.js';
import type { ApprovalResult, ApprovalState, Recipient } from '../../domain/state.js';
import { state as stateQuery } from '../../workflows/definitions.js';
import { isOpen } from '../approvals/approval-views.js';
import type { TicketApprovalWorkflow } from '../approvals/approvals.schemas.js';
import { TEMPORAL_CLIENT } from '../common/temporal.module.js';

/** Who may decide, as far as we can tell without a worker: recipients and requester from the run's history. */
export interface Roster {
  workflowId: string;
  requesterId?: string;
  recipients: Recipient[];
}

export type ApprovalSnapshot =
  | { kind: 'missing' }
  /** The run has closed: its result when it completed, nothing when it was terminated / failed. */
  | { kind: 'closed'; result?: ApprovalResult }
  /** The `state` query answered. */
  | { kind: 'live'; state: ApprovalState }
  /** Open, but no worker answered the query in time (worker down or busy). */
  | { kind: 'offline'; roster: Roster };

export interface LookupDeadlines {
  /** The `state` query gives up at this time (ms since epoch); a healthy worker answers in milliseconds. */
  query: number;
  /** Every other read must be done by then. */
  answer: number;
}

// The activity whose results name the approvers and their platform ids (checked against the contract).
const RESOLVE_RECIPIENTS = 'resolveRecipients' satisfies keyof OrchestrationActivities;

const ResolvedRecipients = z.looseObject({
  recipients: z.array(
    z.looseObject({
      userId: z.string(),
      name: z.string(),
      level: z.number(),
      channels: z.array(z.looseObject({ kind: ChannelKind, platformUserId: z.string() })),
      reader: ReaderSchema.optional().catch(undefined),
    }),
  ),
});
const StartInput = z.looseObject({ requester: z.looseObject({ userId: z.string() }) });

/** Reads an approval for a card callback, within the platform's answer window, with or without a worker. */
@Injectable()
export class ApprovalLookup {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  async snapshot(tenant: string, ticketId: string, deadlines: LookupDeadlines): Promise<ApprovalSnapshot> {
    const workflowId = approvalWorkflowId(tenant, ticketId);
    const handle: WorkflowHandle<TicketApprovalWorkflow> = this.client.workflow.getHandle(workflowId);
    let description;
    try {
      description = await this.client.withDeadline(deadlines.answer, () => handle.describe());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { kind: 'missing' };
      throw err;
    }
    const run: WorkflowHandle<TicketApprovalWorkflow> = this.client.workflow.getHandle(workflowId, description.runId);
    if (!isOpen(description)) {
      if (description.status.name !== 'COMPLETED') return { kind: 'closed' };
      return { kind: 'closed', result: await this.client.withDeadline(deadlines.answer, () => run.result()) };
    }
    try {
      return { kind: 'live', state: await this.client.withDeadline(deadlines.query, () => run.query(stateQuery)) };
    } catch {
      // Queries need a worker; the history does not. It holds who was asked, which is all a click needs.
      return { kind: 'offline', roster: await this.rosterFromHistory(run, workflowId, deadlines.answer) };
    }
  }

  /** Recipients from the completed `resolveRecipients` activities, requester from the start input. */
  private async rosterFromHistory(run: WorkflowHandle, workflowId: string, deadline: number): Promise<Roster> {
    const history = await this.client.withDeadline(deadline, () => run.fetchHistory());
    const roster: Roster = { workflowId, recipients: [] };
    const resolving = new Set<string>();
    for (const event of history.events ?? []) {
      const started = event.workflowExecutionStartedEventAttributes;
      if (started)
        roster.requesterId = StartInput.safeParse(await this.decode(started.input?.payloads)).data?.requester.userId;
      if (event.activityTaskScheduledEventAttributes?.activityType?.name === RESOLVE_RECIPIENTS) {
        resolving.add(String(event.eventId));
      }
      const completed = event.activityTaskCompletedEventAttributes;
      const local = event.markerRecordedEventAttributes;
      const payloads =
        completed && resolving.has(String(completed.scheduledEventId))
          ? completed.result?.payloads
          : local && localActivityType(local) === RESOLVE_RECIPIENTS
            ? local.details?.result?.payloads
            : undefined;
      if (!payloads) continue;
      const result = ResolvedRecipients.safeParse(await this.decode(payloads));
      if (result.success) roster.recipients.push(...result.data.recipients);
    }
    return roster;
  }

  /** The first payload, through the client's codecs (last applied, first removed) and payload converter. */
  private async decode(payloads: Payload[] | null | undefined): Promise<unknown> {
    const { payloadConverter, payloadCodecs } = this.client.options.loadedDataConverter;
    let decoded = payloads ?? [];
    for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    const first = decoded[0];
    return first ? payloadConverter.fromPayload(first) : undefined;
  }
}

/**
 * The activity type of a local activity's marker (newer runs resolve recipients as a local activity): the SDK core
 * records `core_local_activity` markers whose `data` detail is its JSON metadata and `result` the activity result.
 */
function localActivityType(marker: {
  markerName?: string | null;
  details?: Record<string, { payloads?: Payload[] | null }> | null;
}): string | undefined {
  if (marker.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    const meta = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: unknown };
    return typeof meta.activity_type === 'string' ? meta.activity_type : undefined;
  } catch {
    return undefined;
  }
}
