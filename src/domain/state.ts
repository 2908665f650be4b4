import type { PlatformCalls } from './platform-calls.js';
import type { Reader } from '../i18n/locale.js';
import type { TicketTranslations } from './card.js';
import type { ChannelKind } from './channel.js';
import type { ApprovalStatus, DecisionKind, TicketField } from './approval.js';
import type { ApprovalMode } from './policy.js';

/** An approver the workflow may notify, with the platform ids the recipients activity resolved. */
export interface Recipient {
  userId: string;
  name: string;
  /** Escalation level (1-based) at which this approver became eligible. */
  level: number;
  /** Channels this approver is reached on, with the platform user id on each. */
  channels: { kind: ChannelKind; platformUserId: string }[];
  /** Their language and time zone (theirs, else the tenant's); cards and answers speak to them in it. */
  reader?: Reader;
}

/** An approver who could not be reached on a channel, with the reason (never silently skipped). */
export interface Unreachable {
  userId: string;
  kind?: ChannelKind;
  reason: string;
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'updated' | 'update_failed';

/** One card: one recipient on one channel. */
export interface Delivery {
  userId: string;
  kind: ChannelKind;
  level: number;
  status: DeliveryStatus;
  /** Platform handle of the card (Feishu message_id, DingTalk outTrackId). */
  cardRef?: string;
  /** Deterministic key that makes retries and replays send at most one card. */
  idempotencyKey: string;
  /** Our ChannelErrorCode, or another failure type (e.g. a timeout). */
  error?: { code: string; message: string };
  remindersSent: number;
  /**
   * One recipient's view of a shared card instance (DingTalk): `cardRef` and `idempotencyKey` are the instance's,
   * shared by every recipient of that kind, and the instance is updated / reminded once for all of them.
   */
  shared?: boolean;
  /** Short hash of the card content last shown (nonce excluded): an update that would not change it is skipped. */
  contentHash?: string;
  /** The platform already showed the outcome through the answer to this card's click, so no update was sent. */
  shownByClickAnswer?: boolean;
}

export type { PlatformCalls } from './platform-calls.js';

export interface DecisionRecord {
  eventId: string;
  userId: string;
  name: string;
  decision: DecisionKind;
  comment?: string;
  via: string;
  /** ISO time (workflow clock). */
  at: string;
}

export interface Outcome {
  status: Exclude<ApprovalStatus, 'pending'>;
  /** Who decided it (the last decision that settled it), for approved / rejected. */
  by?: { userId: string; name: string };
  at: string;
  reason?: string;
}

/** Everything the API needs, returned by the `state` query. */
export interface ApprovalState {
  workflowId: string;
  tenant: string;
  ticketId: string;
  ticketType: string;
  title: string;
  requester: { userId: string; name?: string };
  fields: TicketField[];
  /** The ticket system's title and fields in more languages. */
  translations?: TicketTranslations;
  /** The tenant's language and zone, for cards many people share (group chats). */
  tenantReader?: Reader;
  /** The ticket's page, shown as a button on every card (and on the card a click answer shows). */
  detailsUrl?: string;
  status: ApprovalStatus;
  mode: ApprovalMode;
  requiredApprovals: number;
  ruleVersion?: string;
  /** Current escalation level, 1-based. */
  level: number;
  levels: number;
  recipients: Recipient[];
  unreachable: Unreachable[];
  deliveries: Delivery[];
  decisions: DecisionRecord[];
  pendingApprovers: string[];
  deadlines: { nextReminderAt?: string; nextEscalationAt?: string; finalDeadlineAt: string };
  remindersSent: number;
  /** Platform calls spent so far (absent only in runs started before calls were counted). */
  platformCalls?: PlatformCalls;
  startedAt: string;
  outcome?: Outcome;
  /** The outcome webhook to the ticket system, once tried (only when the start request had a callbackUrl). */
  callback?: { status: 'delivered' | 'failed'; error?: string };
  /** Shared cards in approvers' group chats (policy `groupChats`); absent when the policy has none. */
  groupCards?: GroupCard[];
}

/** One shared card posted to an approvers' group chat: sent once per approval, updated once with the outcome. */
export interface GroupCard {
  kind: ChannelKind;
  chatId: string;
  mode: 'also' | 'instead';
  /** The level the card was posted at (it stays the one card of the approval). */
  level: number;
  status: DeliveryStatus;
  /** The card in the chat: Feishu / Lark message_id, DingTalk outTrackId. */
  cardRef?: string;
  idempotencyKey: string;
  error?: { code: string; message: string };
  /** A member's settling click was answered with the outcome card, which every member then saw: no update sent. */
  shownByClickAnswer?: boolean;
}

/** The answer to one `decide` update. */
export interface DecideResult {
  outcome: 'applied' | 'already_decided';
  status: ApprovalStatus;
  decision?: DecisionRecord;
  /** Set with `already_decided`: who settled the approval and when. */
  decidedBy?: { userId: string; name: string };
  decidedAt?: string;
}

/** What the workflow returns. */
export interface ApprovalResult {
  workflowId: string;
  ticketId: string;
  status: Exclude<ApprovalStatus, 'pending'>;
  outcome: Outcome;
  decisions: DecisionRecord[];
  deliveries: Delivery[];
  unreachable: Unreachable[];
  ruleVersion?: string;
  /** Platform calls the approval spent (absent in results of runs started before calls were counted). */
  platformCalls?: PlatformCalls;
  /** The group-chat cards (policy `groupChats`), as at the end. */
  groupCards?: GroupCard[];
}

/** Validator rejection types (ApplicationFailure `type`), mapped to 403 / 409 by the API. */
export const DecisionRejection = {
  NotApprover: 'NOT_AN_APPROVER',
  RequesterCannotDecide: 'REQUESTER_CANNOT_DECIDE',
  AlreadyVoted: 'ALREADY_VOTED',
  /** Neither 'approve' nor 'reject' (the API's schema already refuses it; this guards direct signals). */
  InvalidDecision: 'INVALID_DECISION',
} as const;
export type DecisionRejection = (typeof DecisionRejection)[keyof typeof DecisionRejection];
