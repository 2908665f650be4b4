import { Inject, Injectable } from '@nestjs/common';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import {
  eventFingerprint,
  noticeOfEvent,
  noticeStartOptions,
  type TicketNoticeWorkflow,
} from '../../client/notice-start-options.js';
import { STORE } from '../../db/database.module.js';
import type { Store } from '../../db/store.js';
import { noticeWorkflowId } from '../../domain/events.js';
import type { TicketEventRequest } from '../../domain/notice.js';
import type { NoticeInput, NoticeState } from '../../domain/notice-state.js';
import { ruleToNoticeSpec, ruleVersionTag } from '../../domain/rule.js';
import { NoticeEventKey, NoticeStatusKey } from '../../domain/search-attributes.js';
import { noticeState, TICKET_NOTICE_WORKFLOW } from '../../workflows/notice-definitions.js';
import { ApiError } from '../common/api-error.js';
import { API_CONFIG, type ApiConfig } from '../common/api-config.js';
import type { HttpResult } from '../common/http-result.js';
import { isTemporalUnavailable } from '../common/temporal-errors.js';
import { TEMPORAL_CLIENT } from '../common/temporal.module.js';
import { EventCatalogue } from './event-catalogue.js';
import type { EventList, NoticeView } from './events.schemas.js';
import { viewOfStart } from './notice-views.js';

type NoticeWorkflow = TicketNoticeWorkflow;
const OPEN = new Set(['RUNNING', 'PAUSED']);

/**
 * Events the ticket system reports, each one a `ticketNotice` run whose id is the tenant and event id: the same event
 * again finds its run (200), a different event under a used id is refused (409). The rule is matched and pinned here,
 * so the answer already says who it applies to, or that nobody is told and why.
 */
@Injectable()
export class EventsService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(STORE) private readonly store: Store,
    @Inject(EventCatalogue) private readonly catalogue: EventCatalogue,
  ) {}

  async report(body: TicketEventRequest): Promise<HttpResult<NoticeView>> {
    const state = await this.catalogue.reportable(body.tenant, body.state);
    const workflowId = noticeWorkflowId(body.tenant, body.eventId);
    const fingerprint = eventFingerprint(body);
    const input = await this.noticeInput(body, state.source === 'tenant' ? state.label : undefined);
    try {
      const handle = await this.rpc(() =>
        this.client.workflow.start(TICKET_NOTICE_WORKFLOW, noticeStartOptions(input, fingerprint)),
      );
      return { status: 201, body: viewOfStart(input, workflowId, handle.firstExecutionRunId, this.links(workflowId)) };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const description = await this.describe(body.tenant, body.eventId);
    if (description.memo?.fingerprint !== fingerprint) {
      throw new ApiError(
        'EVENT_ID_CONFLICT',
        `Event id "${body.eventId}" was already used for another event in tenant ${body.tenant}`,
        [{ path: 'eventId', message: 'send each event with an id of its own; repeat an event with the same body' }],
      );
    }
    return { status: 200, body: await this.view(description) };
  }

  async get(tenant: string, eventId: string): Promise<NoticeView> {
    return this.view(await this.describe(tenant, eventId));
  }

  /** The notices of one ticket, newest first, from visibility (the runs' search attributes). */
  async list(tenant: string, ticketId: string): Promise<EventList> {
    const prefix = noticeWorkflowId(tenant, '');
    const query =
      `WorkflowType = '${TICKET_NOTICE_WORKFLOW}' AND TicketId = '${ticketId}' ` +
      `AND WorkflowId STARTS_WITH '${prefix}'`;
    const events: EventList['events'] = [];
    await this.rpc(async () => {
      for await (const run of this.client.workflow.list({ query, pageSize: 100 })) {
        events.push({
          eventId: run.workflowId.slice(prefix.length),
          event: String(run.typedSearchAttributes.get(NoticeEventKey) ?? ''),
          status: String(run.typedSearchAttributes.get(NoticeStatusKey) ?? ''),
          ticketId,
          startedAt: run.startTime.toISOString(),
          ...(run.closeTime && { closedAt: run.closeTime.toISOString() }),
        });
        if (events.length >= 100) break;
      }
    });
    return { events: events.sort((a, b) => b.startedAt.localeCompare(a.startedAt)) };
  }

  /** The event with its rule pinned: the current version of the rule its ticket type and state match, or why none. */
  private async noticeInput(body: TicketEventRequest, label: string | undefined): Promise<NoticeInput> {
    const { rule, reason } = await this.store.rules.match(body.tenant, body.ticketType, body.state);
    const spec = rule ? ruleToNoticeSpec(rule.rule, ruleVersionTag(rule.id, rule.version)) : undefined;
    const tell = spec ? { spec } : { unmatched: reason ?? `the rule ${rule?.id ?? ''} tells nobody` };
    return noticeOfEvent(body, tell, label);
  }

  private async describe(tenant: string, eventId: string): Promise<WorkflowExecutionDescription> {
    try {
      return await this.rpc(() => this.client.workflow.getHandle(noticeWorkflowId(tenant, eventId)).describe());
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new ApiError('EVENT_NOT_FOUND', `No event "${eventId}" in tenant "${tenant}"`);
      }
      throw err;
    }
  }

  private async view(description: WorkflowExecutionDescription): Promise<NoticeView> {
    const handle = this.client.workflow.getHandle<NoticeWorkflow>(description.workflowId, description.runId);
    const status = description.status.name;
    let state: NoticeState;
    if (OPEN.has(status)) state = await this.liveState(handle);
    else if (status === 'COMPLETED') state = await this.rpc(() => handle.result());
    else throw new ApiError('EVENT_NOT_FOUND', `The notice run ended without a result (${status})`);
    return { ...state, runId: description.runId, workflowStatus: status, links: this.links(description.workflowId) };
  }

  private async liveState(handle: ReturnType<Client['workflow']['getHandle']>): Promise<NoticeState> {
    try {
      return await this.rpc(() => handle.query(noticeState));
    } catch (err) {
      if (!isTemporalUnavailable(err)) throw err;
      throw new ApiError('TEMPORAL_UNAVAILABLE', 'No worker answered for this notice in time; retry later');
    }
  }

  private links(workflowId: string): NoticeView['links'] {
    const [, tenant = '', ...rest] = workflowId.split(':');
    const eventId = rest.join(':');
    const base = this.config.temporalUiUrl.replace(/\/+$/, '');
    const namespace = encodeURIComponent(this.client.options.namespace);
    return {
      self: `/v1/events/${encodeURIComponent(eventId)}?tenant=${encodeURIComponent(tenant)}`,
      temporalUi: `${base}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`,
    };
  }

  /** Every Temporal call of a request is bounded: an unreachable server fails in seconds (503), not minutes. */
  private rpc<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + this.config.rpcTimeoutMs, fn);
  }
}
