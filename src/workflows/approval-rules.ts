/**
 * Pure decision logic of the approval workflow: who may decide, how votes are tallied, when an approval ends.
 * No Temporal imports, so every rule is unit-tested without a server (test/unit/approval-rules.test.ts).
 */
import type { DecisionRequest, TicketApprovalInput } from '../domain/approval.js';
import type { ApprovalMode, ApprovalPolicy } from '../domain/policy.js';
import type {
  ApprovalResult,
  ApprovalState,
  DecideResult,
  DecisionRecord,
  Outcome,
  Recipient,
} from '../domain/state.js';
import { DecisionRejection } from '../domain/state.js';
import type { CardAnswered } from './definitions.js';
import { noPlatformCalls } from './approval-calls.js';

/** The workflow's local state: what the `state` query shows, plus the answers kept for repeated event ids. */
export interface ApprovalBook {
  state: ApprovalState;
  /** eventId → the first answer, so a retried callback gets the same answer. */
  answers: Map<string, DecideResult>;
  /** Level 1 approvers are known: until then eligibility cannot be checked and decisions wait. */
  ready: boolean;
  /** The card click (through the `decide` update) that settled the approval: its answer may show the outcome. */
  decisiveClick?: { eventId: string; userId: string; kind: string };
  /** eventId → the card a click answer showed (`cardAnswered` signals from the API). */
  clickAnswers: Map<string, CardAnswered>;
}

export function openBook(input: TicketApprovalInput, workflowId: string, startedAt: Date): ApprovalBook {
  const startedIso = startedAt.toISOString();
  const state: ApprovalState = {
    workflowId,
    tenant: input.tenant,
    ticketId: input.ticketId,
    ticketType: input.ticketType,
    title: input.title,
    requester: input.requester,
    fields: input.fields,
    ...(input.translations !== undefined && { translations: input.translations }),
    ...(input.detailsUrl !== undefined && { detailsUrl: input.detailsUrl }),
    status: 'pending',
    mode: 'any',
    requiredApprovals: 1,
    level: 1,
    levels: 1,
    recipients: [],
    unreachable: [],
    deliveries: [],
    decisions: [],
    pendingApprovers: [],
    // Replaced as soon as the policy is loaded.
    deadlines: { finalDeadlineAt: startedIso },
    remindersSent: 0,
    platformCalls: noPlatformCalls(),
    startedAt: startedIso,
  };
  return {
    state,
    answers: new Map(),
    ready: false,
    clickAnswers: new Map(),
  };
}

export function applyPolicy(state: ApprovalState, policy: ApprovalPolicy): void {
  state.mode = policy.mode;
  state.levels = policy.levels.length;
  state.ruleVersion = policy.ruleVersion;
  state.requiredApprovals = requiredApprovals(policy.mode, policy.quorum, state.recipients.length);
}

/** Approvals needed: 1 for `any`, `quorum` for quorum, every eligible approver (at least one) for `all`. */
export function requiredApprovals(mode: ApprovalMode, quorum: number | undefined, eligible: number): number {
  switch (mode) {
    case 'any':
      return 1;
    case 'quorum':
      return Math.max(1, quorum ?? 1);
    case 'all':
      return Math.max(1, eligible);
  }
}

/**
 * Adds newly resolved approvers. The requester is never eligible (separation of duties), even if the recipients
 * activity returned them, and someone already eligible from an earlier level is not added twice.
 * Returns the recipients that were added.
 */
export function addRecipients(state: ApprovalState, resolved: readonly Recipient[]): Recipient[] {
  const added: Recipient[] = [];
  for (const r of resolved) {
    if (r.userId === state.requester.userId) continue;
    if (state.recipients.some((known) => known.userId === r.userId)) continue;
    if (added.some((known) => known.userId === r.userId)) continue;
    added.push(r);
  }
  state.recipients.push(...added);
  refresh(state);
  return added;
}

/** Why a decision must be refused, or undefined when it may be applied (or answered as already decided). */
export function checkDecision(book: ApprovalBook, req: DecisionRequest): DecisionRejection | undefined {
  const { state } = book;
  if (book.answers.has(req.eventId) || state.status !== 'pending') return undefined;
  // The API validates with zod; this guards the signal path, where a typo must never count as an approval.
  if (req.decision !== 'approve' && req.decision !== 'reject') return DecisionRejection.InvalidDecision;
  if (req.userId === state.requester.userId) return DecisionRejection.RequesterCannotDecide;
  // Before the approvers are known the handler waits and checks again.
  if (!book.ready) return undefined;
  if (!state.recipients.some((r) => r.userId === req.userId)) return DecisionRejection.NotApprover;
  if (state.decisions.some((d) => d.userId === req.userId)) return DecisionRejection.AlreadyVoted;
  return undefined;
}

export function rejectionMessage(type: DecisionRejection, userId: string, ticketId: string): string {
  switch (type) {
    case DecisionRejection.NotApprover:
      return `${userId} is not an approver of ticket ${ticketId}`;
    case DecisionRejection.RequesterCannotDecide:
      return `${userId} requested ticket ${ticketId} and cannot decide it`;
    case DecisionRejection.AlreadyVoted:
      return `${userId} has already decided on ticket ${ticketId}`;
    case DecisionRejection.InvalidDecision:
      return 'a decision is "approve" or "reject"';
  }
}

export type DecisionOutcome = { result: DecideResult } | { rejection: DecisionRejection };

/** The one code path for the `decide` update and the `decisionSignal`. Mutates `book`; `now` is workflow time. */
export function applyDecision(book: ApprovalBook, req: DecisionRequest, now: Date): DecisionOutcome {
  const seen = book.answers.get(req.eventId);
  if (seen) return { result: seen };
  const rejection = checkDecision(book, req);
  if (rejection) return { rejection };
  const { state } = book;
  let result: DecideResult;
  if (state.status !== 'pending') {
    result = alreadyDecided(state);
  } else {
    const record: DecisionRecord = {
      eventId: req.eventId,
      userId: req.userId,
      name: state.recipients.find((r) => r.userId === req.userId)?.name ?? req.userId,
      decision: req.decision,
      ...(req.comment !== undefined && { comment: req.comment }),
      via: req.via,
      at: now.toISOString(),
    };
    state.decisions.push(record);
    const outcome = outcomeAfter(state, record);
    if (outcome) conclude(state, outcome);
    refresh(state);
    result = { outcome: 'applied', status: state.status, decision: record };
  }
  book.answers.set(req.eventId, result);
  return { result };
}

export function alreadyDecided(state: ApprovalState): DecideResult {
  return {
    outcome: 'already_decided',
    status: state.status,
    ...(state.outcome?.by && { decidedBy: state.outcome.by }),
    ...(state.outcome && { decidedAt: state.outcome.at }),
  };
}

/** The first reject rejects; approvals settle it once the mode's count is reached. */
export function outcomeAfter(state: ApprovalState, last: DecisionRecord): Outcome | undefined {
  const by = { userId: last.userId, name: last.name };
  if (last.decision === 'reject') return { status: 'rejected', by, at: last.at };
  if (last.decision !== 'approve') return undefined;
  const approvers = new Set(state.decisions.filter((d) => d.decision === 'approve').map((d) => d.userId));
  const eligible = state.recipients.map((r) => r.userId);
  return isApproved(state.mode, state.requiredApprovals, approvers, eligible)
    ? { status: 'approved', by, at: last.at }
    : undefined;
}

export function isApproved(
  mode: ApprovalMode,
  required: number,
  approvers: ReadonlySet<string>,
  eligible: readonly string[],
): boolean {
  const counted = eligible.filter((id) => approvers.has(id)).length;
  if (mode === 'all') return eligible.length > 0 && counted === eligible.length;
  return counted >= Math.max(1, required);
}

export function withdrawApproval(state: ApprovalState, by: string, reason: string | undefined, now: Date): void {
  if (state.status !== 'pending') return;
  const name = by === state.requester.userId ? (state.requester.name ?? by) : by;
  conclude(state, {
    status: 'withdrawn',
    by: { userId: by, name },
    at: now.toISOString(),
    reason: reason ?? 'withdrawn',
  });
}

export function concludeAtDeadline(state: ApprovalState, onDeadline: ApprovalPolicy['onDeadline'], now: Date): void {
  if (state.status !== 'pending') return;
  conclude(state, { status: onDeadline, at: now.toISOString(), reason: 'deadline' });
}

function conclude(state: ApprovalState, outcome: Outcome): void {
  state.outcome = outcome;
  state.status = outcome.status;
  state.deadlines = { finalDeadlineAt: state.deadlines.finalDeadlineAt };
  refresh(state);
}

/** Recomputes the derived fields after recipients, decisions or the outcome changed. */
function refresh(state: ApprovalState): void {
  if (state.mode === 'all') state.requiredApprovals = requiredApprovals('all', undefined, state.recipients.length);
  const decided = new Set(state.decisions.map((d) => d.userId));
  state.pendingApprovers =
    state.status === 'pending' ? state.recipients.map((r) => r.userId).filter((id) => !decided.has(id)) : [];
}

/** The workflow result, once there is an outcome. */
export function resultOf(state: ApprovalState): ApprovalResult | undefined {
  const outcome = state.outcome;
  if (!outcome) return undefined;
  return {
    workflowId: state.workflowId,
    ticketId: state.ticketId,
    status: outcome.status,
    outcome,
    decisions: state.decisions,
    deliveries: state.deliveries,
    unreachable: state.unreachable,
    ...(state.ruleVersion !== undefined && { ruleVersion: state.ruleVersion }),
    ...(state.platformCalls && { platformCalls: state.platformCalls }),
    ...(state.groupCards && { groupCards: state.groupCards }),
  };
}
