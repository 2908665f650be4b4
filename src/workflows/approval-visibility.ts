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

/**
 * The server refuses a search attribute value over 2 KB by default (`BadSearchAttributes`), and a refused upsert
 * fails every workflow task: an approval with some 150 approvers would never send a card. The attribute keeps the
 * first approvers that fit; the state and the details line still list everyone.
 */
export const MAX_PENDING_APPROVERS_BYTES = 1_900;

export function searchable(approvers: readonly string[]): string[] {
  const kept: string[] = [];
  let size = 2; // the JSON array's brackets
  for (const id of approvers) {
    size += utf8Bytes(id) + 3; // quotes and comma
    if (size > MAX_PENDING_APPROVERS_BYTES) break;
    kept.push(id);
  }
  return kept;
}

function utf8Bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    n += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return n;
}

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
        value: state.pendingApprovers.length ? searchable(state.pendingApprovers) : null,
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
