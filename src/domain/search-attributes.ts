import { defineSearchAttributeKey } from '@temporalio/common';

/** Custom search attributes operators filter on in the Temporal UI; registered by scripts/temporal.sh. */
export const TicketIdKey = defineSearchAttributeKey('TicketId', 'KEYWORD');
export const TicketTypeKey = defineSearchAttributeKey('TicketType', 'KEYWORD');
export const ApprovalStatusKey = defineSearchAttributeKey('ApprovalStatus', 'KEYWORD');
export const EscalationLevelKey = defineSearchAttributeKey('EscalationLevel', 'INT');
export const PendingApproversKey = defineSearchAttributeKey('PendingApprovers', 'KEYWORD_LIST');
export const RequesterKey = defineSearchAttributeKey('Requester', 'KEYWORD');
/** On `ticketNotice` runs: the event (`approved`, `executed`, …) and how its delivery went (NoticeStatus). */
export const NoticeEventKey = defineSearchAttributeKey('NoticeEvent', 'KEYWORD');
export const NoticeStatusKey = defineSearchAttributeKey('NoticeStatus', 'KEYWORD');

export const SEARCH_ATTRIBUTE_KEYS = [
  TicketIdKey,
  TicketTypeKey,
  ApprovalStatusKey,
  EscalationLevelKey,
  PendingApproversKey,
  RequesterKey,
  NoticeEventKey,
  NoticeStatusKey,
] as const;
