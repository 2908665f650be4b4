import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';

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

/** What a notice run is found by: its ticket, the event and how its delivery went (set at start, kept current). */
export function noticeSearchAttributes(
  ticket: { ticketId: string; ticketType: string; requester: { userId: string } },
  event: string,
  status: string,
): SearchAttributePair[] {
  return [
    { key: TicketIdKey, value: ticket.ticketId },
    { key: TicketTypeKey, value: ticket.ticketType },
    { key: RequesterKey, value: ticket.requester.userId },
    { key: NoticeEventKey, value: event },
    { key: NoticeStatusKey, value: status },
  ];
}
