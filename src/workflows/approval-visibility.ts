/**
 * Keeps what operators see in the Temporal UI current: our search attributes and the "current details" line.
 * Upserts only what changed, so history gets one event per real change.
 */
import { condition, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ApprovalStatusKey,
  EscalationLevelKey,
  PendingApproversKey,
  RequesterKey,
  TicketIdKey,
  TicketTypeKey,
} from '../domain/search-attributes.js';
import type { ApprovalState } from '../domain/state.js';
import { detailsLine } from './approval-cards.js';

interface Shown {
  status: string;
  level: number;
  pending: string;
  details: string;
}

function shownOf(state: ApprovalState): Shown {
  return {
    status: state.status,
    level: state.level,
    pending: state.pendingApprovers.join('\n'),
    details: detailsLine(state),
  };
}

/**
 * Sets the ticket's identity attributes (the starter sets them too; this keeps runs started elsewhere searchable),
 * then follows the state: call the returned `sync()` at any point, and it also runs by itself whenever the
 * status, level or pending approvers change (e.g. a quorum vote that ends nothing).
 */
export function trackVisibility(state: ApprovalState): { sync: () => void } {
  upsertSearchAttributes([
    { key: TicketIdKey, value: state.ticketId },
    { key: TicketTypeKey, value: state.ticketType },
    { key: RequesterKey, value: state.requester.userId },
  ]);
  let last: Shown | undefined;
  const sync = (): void => {
    const now = shownOf(state);
    const changes: SearchAttributeUpdatePair[] = [];
    if (now.status !== last?.status) changes.push({ key: ApprovalStatusKey, value: now.status });
    if (now.level !== last?.level) changes.push({ key: EscalationLevelKey, value: now.level });
    if (now.pending !== last?.pending) {
      // An empty list removes the attribute, so `PendingApprovers IS NULL` finds approvals nobody owes.
      changes.push({
        key: PendingApproversKey,
        value: state.pendingApprovers.length ? [...state.pendingApprovers] : null,
      });
    }
    if (changes.length) upsertSearchAttributes(changes);
    if (now.details !== last?.details) setCurrentDetails(now.details);
    last = now;
  };
  sync();
  const follow = async (): Promise<never> => {
    for (;;) {
      await condition(() => {
        const now = shownOf(state);
        return now.status !== last?.status || now.level !== last.level || now.pending !== last.pending;
      });
      sync();
    }
  };
  void follow();
  return { sync };
}
