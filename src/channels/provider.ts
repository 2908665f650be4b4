import type { ApprovalCard } from '../domain/card.js';
import type { ChannelKind } from '../domain/channel.js';

export interface CardRecipient {
  userId: string;
  name: string;
  platformUserId: string;
}

export interface SendCardRequest {
  recipient: CardRecipient;
  card: ApprovalCard;
  /** Deterministic per workflow × round × recipient × channel: a retry never creates a second card. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

export interface UpdateCardRequest {
  cardRef: string;
  recipient: CardRecipient;
  card: ApprovalCard;
  signal?: AbortSignal;
}

export interface ReminderRequest extends UpdateCardRequest {
  /** 1-based reminder number; part of the reminder's idempotency. */
  reminder: number;
  idempotencyKey: string;
}

/**
 * One chat platform. Each platform implements it in its own folder (src/channels/<platform>/); providers get
 * validated config and an undici Dispatcher through their constructor and never read process.env.
 * Every method throws ChannelError on failure.
 */
export interface ChannelProvider {
  readonly kind: ChannelKind;
  /** Map a contact (mobile or email) to the platform's user id; RECIPIENT_UNREACHABLE when it can't. */
  resolveUser(contact: { mobile?: string; email?: string }, signal?: AbortSignal): Promise<string>;
  /** Deliver the card; returns the platform handle used to update it later. */
  sendCard(req: SendCardRequest): Promise<{ cardRef: string }>;
  /** Show new content on an already delivered card (e.g. the outcome, without buttons). */
  updateCard(req: UpdateCardRequest): Promise<void>;
  /** Nudge an undecided approver, reusing the existing card where the platform allows. */
  remind(req: ReminderRequest): Promise<void>;
}

/** Finds the provider for a channel kind; throws ChannelError('CHANNEL_DISABLED') when it is not enabled. */
export interface ChannelProviderRegistry {
  get(kind: ChannelKind): Promise<ChannelProvider>;
  enabledKinds(): Promise<ChannelKind[]>;
}
