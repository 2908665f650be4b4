/**
 * Notification events: what can happen to a ticket, and who may be told. Free of zod (workflows import this file;
 * src/domain/notice.ts builds the schemas from these values).
 *
 * Two sources: the approval workflow emits its own transitions (APPROVAL_EVENTS), and ticket systems report their
 * ticket's later states (TICKET_STATES, plus states a tenant defines) with `POST /v1/events`.
 */

/** Transitions of an approval, emitted by the `ticketApproval` workflow. `pending_approval` is "approval requested". */
export const APPROVAL_EVENTS = [
  'pending_approval',
  'reminder',
  'escalated',
  'approved',
  'rejected',
  'expired',
  'withdrawn',
] as const;
export type ApprovalEvent = (typeof APPROVAL_EVENTS)[number];

/** The documented ticket states a ticket system reports; a tenant may define more (lower-case names). */
export const TICKET_STATES = ['executing', 'executed', 'execution_failed', 'closed', 'cancelled'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** Every documented event, in the order a ticket lives through them (the rules matrix shows them in this order). */
export const DOCUMENTED_EVENTS: readonly string[] = [...APPROVAL_EVENTS, ...TICKET_STATES];

/** An event's name: a documented one or a tenant's own state (`^[a-z][a-z0-9_]{1,47}$`, e.g. `archived`). */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_]{1,47}$/;

/** How each documented event reads in lists, cards and the rules matrix. */
export const EVENT_LABELS: Readonly<Record<ApprovalEvent | TicketState, string>> = {
  pending_approval: 'Approval requested',
  reminder: 'Reminder',
  escalated: 'Escalated',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
  executing: 'Executing',
  executed: 'Executed',
  execution_failed: 'Execution failed',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

export function isApprovalEvent(event: string): event is ApprovalEvent {
  return (APPROVAL_EVENTS as readonly string[]).includes(event);
}

export function isTicketState(event: string): event is TicketState {
  return (TICKET_STATES as readonly string[]).includes(event);
}

/** The documented label, or the state's own name made readable ("data_archived" → "Data archived"). */
export function eventLabel(event: string, custom?: string): string {
  if (custom) return custom;
  if (isApprovalEvent(event) || isTicketState(event)) return EVENT_LABELS[event];
  const words = event.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Recipients named relative to the ticket: `requester` (who asked), `approvers` (those asked, or, once decided, the
 * ones who decided). Rules use them beside roles and named users.
 */
export const RELATIVE_RECIPIENTS = ['requester', 'approvers'] as const;
export type RelativeRecipient = (typeof RELATIVE_RECIPIENTS)[number];

/** One notice workflow per event: its id is the business key, so a repeated event finds the run it already has. */
export function noticeWorkflowId(tenant: string, eventId: string): string {
  return `notice:${tenant}:${eventId}`;
}

/**
 * The id of an event the approval workflow emits: `approval:<ticketId>:<event>` (with the reminder or level number
 * where one approval has several). Ticket systems' event ids hold no ':', so the two never meet.
 */
export function approvalEventId(ticketId: string, event: ApprovalEvent, n?: number): string {
  return `approval:${ticketId}:${event}${n === undefined ? '' : `:${n}`}`;
}
