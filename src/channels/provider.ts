import type {
  ApprovalCard,
  CardRecipient,
  InstanceReader,
  SharedCardRecipient,
  SharedCardResult,
} from '../domain/card.js';
import type { Reader } from '../i18n/locale.js';
import type { NoticeCard } from '../domain/notice-state.js';

export type { CardRecipient, SharedCardRecipient, SharedCardResult } from '../domain/card.js';
import type { ChannelKind } from '../domain/channel.js';

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
  /** A shared instance's readers of their own language or zone (DingTalk: their private data). */
  readers?: InstanceReader[];
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
  /** Tell one person about an event: an informational message without buttons; returns the platform's handle. */
  sendNotice(req: NoticeRequest): Promise<{ ref: string }>;
}

export interface NoticeRequest {
  recipient: CardRecipient;
  notice: NoticeCard;
  /** Deterministic per event × person × channel: a retry never tells anyone twice. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

/** Finds the provider for a channel kind; throws ChannelError('CHANNEL_DISABLED') when it is not enabled. */
export interface ChannelProviderRegistry {
  get(kind: ChannelKind): Promise<ChannelProvider>;
  enabledKinds(): Promise<ChannelKind[]>;
}

export interface SharedCardRequest {
  /** The public content every recipient sees; its `nonce` is unused (each recipient's is in `recipients`). */
  card: ApprovalCard;
  recipients: SharedCardRecipient[];
  /** Deterministic per workflow × channel: the instance id (DingTalk outTrackId); retries never make a second one. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

export interface SharedCardDelivery {
  /** The instance handle for `updateCard` / `remind` (DingTalk outTrackId). */
  cardRef: string;
  results: SharedCardResult[];
}

/**
 * A platform that can show one card instance to many people (DingTalk): one counted call per round instead of one
 * per recipient, and one update for everyone. Spaces that fail are reported per recipient, never thrown; a thrown
 * ChannelError means the whole call failed (retried by the activity's policy).
 */
export interface SharedCardProvider {
  /** Creates the instance and delivers it to every recipient's space (first round). */
  sendSharedCard(req: SharedCardRequest): Promise<SharedCardDelivery>;
  /** Delivers the existing instance `cardRef` to more recipients (escalation levels). */
  deliverSharedCard(req: SharedCardRequest & { cardRef: string }): Promise<SharedCardDelivery>;
}

export function isSharedCardProvider(p: ChannelProvider): p is ChannelProvider & SharedCardProvider {
  return 'sendSharedCard' in p && 'deliverSharedCard' in p;
}

export interface GroupCardRequest {
  /** The platform's group chat id (Feishu / Lark `oc_…`, DingTalk openConversationId `cid…`); the bot must be in it. */
  chatId: string;
  /** Public content for every member: its `nonce` is the approval's group nonce, not bound to one approver. */
  card: ApprovalCard;
  /** Deterministic per workflow × channel × chat (Feishu `uuid`, DingTalk `outTrackId`): never a second card. */
  idempotencyKey: string;
  /** The tenant's language and zone (members are not all in our directory). */
  reader?: Reader;
  signal?: AbortSignal;
}

/**
 * A platform that can post one approval card to a group chat (Feishu / Lark, DingTalk): one counted call for every
 * approver in the chat. The card is updated with `updateCard` (its `recipient` is then the chat). Throws ChannelError.
 */
export interface GroupCardProvider {
  sendGroupCard(req: GroupCardRequest): Promise<{ cardRef: string }>;
}

export function isGroupCardProvider(p: ChannelProvider): p is ChannelProvider & GroupCardProvider {
  return 'sendGroupCard' in p;
}

export interface NoticeBatchRequest {
  recipients: CardRecipient[];
  notice: NoticeCard;
  /** Deterministic per event × channel × round: the one message's id, so a retry never makes a second one. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

/**
 * A platform that tells many people about an event in one call (DingTalk: one card instance delivered into every
 * robot chat, about 40 per call). Per-recipient failures are reported, never thrown; a thrown ChannelError means the
 * whole call failed (retried by the activity's policy).
 */
export interface BatchNoticeProvider {
  sendNoticeBatch(req: NoticeBatchRequest): Promise<{ ref: string; results: SharedCardResult[] }>;
}

export function isBatchNoticeProvider(p: ChannelProvider): p is ChannelProvider & BatchNoticeProvider {
  return 'sendNoticeBatch' in p;
}

export interface GroupNoticeRequest {
  chatId: string;
  notice: NoticeCard;
  /** Deterministic per event × channel × chat. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

/** A platform that posts a notice into a group chat: one message for everyone in it. Throws ChannelError. */
export interface GroupNoticeProvider {
  sendGroupNotice(req: GroupNoticeRequest): Promise<{ ref: string }>;
}

export function isGroupNoticeProvider(p: ChannelProvider): p is ChannelProvider & GroupNoticeProvider {
  return 'sendGroupNotice' in p;
}
