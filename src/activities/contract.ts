/**
 * The activity surface the workflow calls. Pure types only: the workflow imports this file with `import type`.
 * Orchestration activities run on APPROVALS_TASK_QUEUE; channel activities on channelTaskQueue(kind).
 */
import type { ApprovalCard } from '../domain/card.js';
import type { ChannelKind } from '../domain/channel.js';
import type { ApprovalLevel, ApprovalPolicy } from '../domain/policy.js';
import type { ApprovalResult, Recipient, Unreachable } from '../domain/state.js';
import type { CardRecipient } from '../channels/provider.js';

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
}

export interface ResolveRecipientsResult {
  recipients: Recipient[];
  unreachable: Unreachable[];
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
}

export interface RemindInput extends UpdateCardInput {
  reminder: number;
  idempotencyKey: string;
}

export interface NotifyTicketSystemInput {
  url: string;
  result: ApprovalResult;
}

export interface OrchestrationActivities {
  loadPolicy(input: LoadPolicyInput): Promise<ApprovalPolicy>;
  resolveRecipients(input: ResolveRecipientsInput): Promise<ResolveRecipientsResult>;
  notifyTicketSystem(input: NotifyTicketSystemInput): Promise<void>;
}

export interface ChannelActivities {
  sendCard(input: SendCardInput): Promise<{ cardRef: string }>;
  updateCard(input: UpdateCardInput): Promise<void>;
  remind(input: RemindInput): Promise<void>;
}
