import { eventLabel } from '../../domain/events.js';
import type { NoticeInput } from '../../domain/notice-state.js';
import { noPlatformCalls } from '../../domain/platform-calls.js';
import type { NoticeView } from './events.schemas.js';

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
