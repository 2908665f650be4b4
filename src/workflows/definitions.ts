/**
 * Messages of the `ticketApproval` workflow. Side-effect free: the API imports this file to send updates, signals
 * and queries, so it may import nothing but `@temporalio/workflow`'s define* helpers and domain types.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DecisionRequest } from '../domain/approval.js';
import type { ChannelKind } from '../domain/channel-constants.js';
import type { ApprovalState, DecideResult } from '../domain/state.js';

export interface WithdrawRequest {
  reason?: string;
  /** Our user id of whoever withdraws (the requester or an operator), established by authentication. */
  by: string;
}

/**
 * Record one approver's decision and answer synchronously. Rejected by the validator (ApplicationFailure with a
 * `DecisionRejection` type) for the requester, non-approvers and second votes while pending. A repeated `eventId`
 * returns the first answer; a decision after the outcome returns `already_decided`.
 */
export const decide = defineUpdate<DecideResult, [DecisionRequest]>('decide');

/** Withdraw a pending approval. After an outcome it changes nothing and returns the state. */
export const withdraw = defineUpdate<ApprovalState, [WithdrawRequest]>('withdraw');

/** Everything the API shows about one approval. */
export const state = defineQuery<ApprovalState>('state');

/**
 * Durable fallback for card callbacks that cannot wait for the update: the same code path as `decide`,
 * de-duplicated by `eventId`; invalid decisions are ignored (and logged), never recorded.
 */
export const decisionSignal = defineSignal<[DecisionRequest]>('decisionSignal');

/** What a card-click answer showed the clicker, told by the API once the platform had the answer in time. */
export interface CardAnswered {
  /** The click's event id (the `decide` update id). */
  eventId: string;
  kind: ChannelKind;
  /** The platform's id of the clicked card (Feishu / Lark: its message id), as recorded on the delivery. */
  cardRef: string;
  /** `contentHash` of the card the answer carried. */
  contentHash: string;
}

/**
 * The answer to the settling click already showed the clicker's card in its final state: the workflow does not
 * update that card again when it would show the same content (one counted call saved per approval).
 */
export const cardAnswered = defineSignal<[CardAnswered]>('cardAnswered');
