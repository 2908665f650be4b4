/**
 * The activity surface the workflow calls. Pure types only: the workflow imports this file with `import type`.
 * Orchestration activities run on APPROVALS_TASK_QUEUE; channel activities on channelTaskQueue(kind).
 */
import type {
  ApprovalCard,
  CardRecipient,
  InstanceReader,
  SharedCardRecipient,
  SharedCardResult,
} from '../domain/card.js';
import type { ChannelKind } from '../domain/channel.js';
import type { ApprovalLevel, ApprovalPolicy } from '../domain/policy.js';
import type { ApprovalNotices } from '../domain/notice-state.js';
import type { ApprovalResult, Recipient, Unreachable } from '../domain/state.js';
import type { NoticeCard, NoticeOmission, NoticeRecipient, NoticeSpec } from '../domain/notice-state.js';
import type { PlatformCallTally } from '../domain/platform-calls.js';
import type { Reader } from '../i18n/locale.js';

/** The policy an approval follows, with the notices of its own transitions pinned beside it. */
export type LoadedPolicy = ApprovalPolicy & { notices?: ApprovalNotices };

export interface LoadPolicyInput {
  tenant: string;
  ticketType: string;
  /** A policy given with the start request wins over stored / configured ones. */
  override?: ApprovalPolicy;
}

export interface ResolveRecipientsInput {
  tenant: string;
  /** 1-based escalation level being resolved. */
  level: number;
  spec: ApprovalLevel;
  /** The requester is never an approver of their own ticket (separation of duties). */
  requesterId: string;
  /** Approvers who switched approval requests off are not asked (the policy's `respectUserSettings`). */
  respectUserSettings?: boolean;
}

/**
 * Every activity that may reach a platform reports the calls it made (`calls`, per channel kind and API kind), so
 * the workflow can total what an approval spent. Results recorded before counting have none (undefined).
 */
export interface CountedCalls {
  calls?: PlatformCallTally;
}

export interface ResolveRecipientsResult extends CountedCalls {
  recipients: Recipient[];
  unreachable: Unreachable[];
  /** The tenant's reader defaults: what a card many people share (a group chat's) is written in. */
  tenantReader?: Reader;
}

export interface SendCardInput {
  kind: ChannelKind;
  recipient: CardRecipient;
  card: ApprovalCard;
  idempotencyKey: string;
}

export interface UpdateCardInput {
  kind: ChannelKind;
  cardRef: string;
  recipient: CardRecipient;
  card: ApprovalCard;
  /** A shared instance's readers who read another language or zone than the default (their private data). */
  readers?: InstanceReader[];
}

export interface RemindInput extends UpdateCardInput {
  reminder: number;
  idempotencyKey: string;
}

/**
 * One card instance for many recipients (SHARED_CARD_KINDS): the first round creates it (no `cardRef`), later rounds
 * deliver the same instance (`cardRef`). `card` is the public content; each recipient's nonce rides beside them.
 */
export interface SendSharedCardInput {
  kind: ChannelKind;
  card: ApprovalCard;
  recipients: SharedCardRecipient[];
  /** Deterministic per workflow × kind: the instance id, so a retry never makes a second instance. */
  idempotencyKey: string;
  cardRef?: string;
}

export interface SendSharedCardResult extends CountedCalls {
  cardRef: string;
  /** Per recipient (by platform user id): delivered, or the error of their space. */
  results: SharedCardResult[];
}

export interface NotifyTicketSystemInput {
  url: string;
  result: ApprovalResult;
}

export interface OrchestrationActivities {
  loadPolicy(input: LoadPolicyInput): Promise<LoadedPolicy>;
  resolveRecipients(input: ResolveRecipientsInput): Promise<ResolveRecipientsResult>;
  notifyTicketSystem(input: NotifyTicketSystemInput): Promise<void>;
}

export interface ChannelActivities {
  sendCard(input: SendCardInput): Promise<{ cardRef: string } & CountedCalls>;
  sendSharedCard(input: SendSharedCardInput): Promise<SendSharedCardResult>;
  /** Resolved with nothing by workers from before calls were counted. */
  updateCard(input: UpdateCardInput): Promise<CountedCalls | void>;
  remind(input: RemindInput): Promise<CountedCalls | void>;
}

/** One shared card in an approvers' group chat. */
export interface SendGroupCardInput {
  kind: ChannelKind;
  chatId: string;
  card: ApprovalCard;
  idempotencyKey: string;
  /** The tenant's language and zone (the zone is named on the card: its readers may be anywhere). */
  reader?: Reader;
}

export interface GroupCardActivities {
  sendGroupCard(input: SendGroupCardInput): Promise<{ cardRef: string } & CountedCalls>;
}

/** Who one event is for: the rule's pinned notice, resolved to people and the channels that reach them. */
export interface PlanNoticeInput {
  tenant: string;
  event: string;
  spec: NoticeSpec;
  ticketId: string;
  requesterId: string;
  /**
   * The relative `approvers`, when the approval raised the event. Otherwise, and only when the rule names them, they
   * are read from the ticket's approval (those asked, or the ones who decided).
   */
  approverIds?: string[];
}

export interface PlanNoticeResult extends CountedCalls {
  recipients: NoticeRecipient[];
  optedOut: NoticeOmission[];
  unreachable: NoticeOmission[];
}

/** A notice to one person on one channel. */
export interface SendNoticeInput {
  kind: ChannelKind;
  recipient: CardRecipient;
  notice: NoticeCard;
  idempotencyKey: string;
}

/** One notice for many people on a platform that tells them in one call (BATCH_NOTICE_KINDS). */
export interface SendNoticeBatchInput {
  kind: ChannelKind;
  recipients: CardRecipient[];
  notice: NoticeCard;
  idempotencyKey: string;
}

export interface SendGroupNoticeInput {
  kind: ChannelKind;
  chatId: string;
  notice: NoticeCard;
  idempotencyKey: string;
}

export interface NoticeOrchestrationActivities {
  planNotice(input: PlanNoticeInput): Promise<PlanNoticeResult>;
}

/** Notices on one platform's rate-limited task queue, beside its approval cards. */
export interface NoticeChannelActivities {
  sendNotice(input: SendNoticeInput): Promise<{ ref: string } & CountedCalls>;
  sendNoticeBatch(input: SendNoticeBatchInput): Promise<{ ref: string; results: SharedCardResult[] } & CountedCalls>;
  sendGroupNotice(input: SendGroupNoticeInput): Promise<{ ref: string } & CountedCalls>;
}
