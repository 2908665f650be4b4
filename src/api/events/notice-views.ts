import { eventLabel } from '../../domain/events.js';
import type { NoticeInput } from '../../domain/notice-state.js';
import { noPlatformCalls } from '../../domain/platform-calls.js';
import type { NoticeView } from './events.schemas.js';

/** The Temporal UI's one line for a notice run, e.g. "Executed · Export orders #T-1 (notice-executed@v1)". */
export function noticeSummary(input: NoticeInput): string {
  const rule = input.spec?.ruleVersion ?? 'no rule';
  const line = `${eventLabel(input.event, input.label)} · ${input.ticket.title} #${input.ticket.ticketId} (${rule})`;
  return line.replace(/\s+/g, ' ').slice(0, 200);
}

/** What the API answers the moment the run starts: the event, its rule, and nobody told yet (or why nobody is). */
export function viewOfStart(
  input: NoticeInput,
  workflowId: string,
  runId: string,
  links: NoticeView['links'],
): NoticeView {
  const now = new Date().toISOString();
  return {
    workflowId,
    runId,
    eventId: input.eventId,
    event: input.event,
    label: eventLabel(input.event, input.label),
    source: input.source,
    ticket: input.ticket,
    occurredAt: input.occurredAt,
    status: input.spec ? 'delivering' : 'nobody_notified',
    ...(input.spec?.ruleVersion !== undefined && { ruleVersion: input.spec.ruleVersion }),
    ...(input.unmatched !== undefined && { reason: input.unmatched }),
    recipients: [],
    optedOut: [],
    unreachable: [],
    deliveries: [],
    groupMessages: [],
    platformCalls: noPlatformCalls(),
    startedAt: now,
    workflowStatus: 'RUNNING',
    links,
  };
}
