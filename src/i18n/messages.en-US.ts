/**
 * Everything the product writes, in English: the reference catalogue. Its keys are every key; the other languages
 * must have each of them (a missing one fails the type check and test/unit/i18n.test.ts). `{name}` placeholders are
 * filled by `say`; times arrive already formatted for the reader.
 */
export const EN_US = {
  'card.title.pending': 'Approval needed: {title}',
  'card.title.approved': 'Approved by {name}',
  'card.title.rejected': 'Rejected by {name}',
  'card.title.expired': 'Expired',
  'card.title.withdrawn': 'Withdrawn',
  'card.label.ticketType': 'Ticket type',
  'card.label.title': 'Title',
  'card.label.requester': 'Requester',
  'card.label.deadline': 'Deadline',
  'card.label.reason': 'Reason',
  'card.escalationLevel': 'escalation level {level}',
  'card.outcome.approved': 'Approved by {name} at {time}',
  'card.outcome.rejected': 'Rejected by {name} at {time}',
  'card.outcome.expired': 'Expired at {time}',
  'card.outcome.withdrawn': 'Withdrawn at {time}',
  'card.someone': 'someone',
  'status.pending': 'Waiting for your decision',
  'status.pendingEscalated': 'Waiting for your decision (escalated, level {level})',
  'status.expired': 'Expired at {time}: no decision in time',
  'status.withdrawn': 'Withdrawn by the requester at {time}',
  'status.withReason': '{status}: {reason}',
  'status.reminder': 'Reminder {n}: still waiting for your decision (deadline {deadline})',
  'button.approve': 'Approve',
  'button.reject': 'Reject',
  'button.details': 'View details',
  'confirm.reject': 'Reject this request?',
  reminder:
    'Reminder {n}: "{title}" ({ticketType} {ticketId}) from {requester} is still waiting for your decision. Deadline: {deadline}.',
  'answer.notApprover': 'You are not an approver of this ticket',
  'answer.requesterCannotDecide': 'You requested this ticket and cannot decide it',
  'answer.alreadyVoted': 'You have already decided on this ticket',
  'answer.notAccepted': 'This decision was not accepted',
  'answer.missing': 'This approval no longer exists',
  'answer.ended': 'This approval has ended',
  'answer.unrecorded': 'Your decision could not be recorded right now; please try again in a minute',
  'answer.received': 'Received: your decision is being processed',
  'answer.recorded.approve': 'Recorded: you approved. Waiting for the other approvers',
  'answer.recorded.reject': 'Recorded: you rejected. Waiting for the other approvers',
  'answer.done.approve': 'You approved this request',
  'answer.done.reject': 'You rejected this request',
  'answer.already.approved': 'Already approved by {name} at {time}',
  'answer.already.rejected': 'Already rejected by {name} at {time}',
  'answer.already.expired': 'This approval expired at {time}',
  'answer.already.withdrawn': 'This request was withdrawn at {time}',
  'answer.already.pending': 'This approval is still pending',
} as const;

export type MessageKey = keyof typeof EN_US;
export type Catalogue = Record<MessageKey, string>;
