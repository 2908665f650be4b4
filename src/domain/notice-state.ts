/**
 * Types of the `ticketNotice` workflow: what it is given, what it shows while it delivers and what it returns. Types
 * only (no zod): the workflow imports this file.
 */
import type { StartApprovalRequest } from './approval.js';
import type { TicketOnCard } from './card.js';
import type { Reader } from '../i18n/locale.js';
import type { ChannelKind } from './channel-constants.js';
import type { ApprovalEvent, RelativeRecipient } from './events.js';
import type { PlatformCalls } from './platform-calls.js';
import type { GroupChat } from './policy.js';

/**
 * What a rule says for one event, pinned when the event is raised: who is told, on which channels, how. The API pins
 * the current version of the matching rule for a reported event; an approval pins its notices when it starts.
 */
export interface NoticeSpec {
  /** `<rule id>@v<version>`: the rule version this notice follows. */
  ruleVersion?: string;
  roles: string[];
  /** Named users (a rule's users and additional users). */
  users: string[];
  relative: RelativeRecipient[];
  /** In order of preference; empty means each user's enabled channels (in the service's channel order). */
  channels: ChannelKind[];
  /** `one-channel`: the first channel that reaches each person, the next one when it fails; `every-channel`: all. */
  deliverTo: 'one-channel' | 'every-channel';
  /** Group chats that get one message for everyone in them (`instead`: no one-to-one notice on that platform). */
  groupChats: GroupChat[];
  /** Whether people's own notice settings (an event or a channel switched off) are honoured. */
  respectUserSettings: boolean;
}

/** The notices of an approval's own transitions, pinned when it starts: per event, the matching rule's notice. */
export type ApprovalNotices = Partial<Record<ApprovalEvent, NoticeSpec>>;

export interface Person {
  userId: string;
  name: string;
}

/** The ticket an event is about, as its ticket system (or the approval's start request) sent it. */
export type NoticeTicket = Pick<
  StartApprovalRequest,
  'tenant' | 'ticketId' | 'ticketType' | 'title' | 'requester' | 'fields' | 'detailsUrl' | 'translations'
>;

/** Input of one `ticketNotice` run: the event, and either the pinned rule (`spec`) or why none applies. */
export interface NoticeInput {
  eventId: string;
  /** The event's name: an approval transition, a documented ticket state or a tenant's own state. */
  event: string;
  /** The tenant's label for its own state. */
  label?: string;
  source: 'approval' | 'ticket-system';
  ticket: NoticeTicket;
  /** ISO time the event happened (the ticket system's clock, or the approval's workflow time). */
  occurredAt: string;
  spec?: NoticeSpec;
  /** Set instead of `spec` when no enabled rule matches the event: nobody is told, and this says why. */
  unmatched?: string;
  /** The relative `approvers`, when the approval workflow raised the event (else looked up from the ticket's approval). */
  approvers?: Person[];
  /** Who decided or withdrew (approved / rejected / withdrawn). */
  by?: Person;
  /** Why: a reject comment, "deadline", a withdraw reason. */
  reason?: string;
  /** Free text the ticket system sent with its event (e.g. what failed). */
  note?: string;
  /** The escalation level reached (escalated) or the reminder number (reminder). */
  level?: number;
  reminder?: number;
}

/** What one notice shows; every platform renders it with a pure function (no buttons: it asks nothing). */
export interface NoticeCard extends TicketOnCard {
  event: string;
  label: string;
  /** ISO time of the event. */
  at: string;
  by?: string;
  reason?: string;
  note?: string;
  /** Names of the approvers the event is about (asked, reminded, newly asked, or who decided). */
  approvers?: string[];
  level?: number;
  reminder?: number;
}

/** A person the notice is for, with the channels that can reach them, in the order they are tried. */
export interface NoticeRecipient {
  userId: string;
  name: string;
  channels: { kind: ChannelKind; platformUserId: string }[];
  /** Their language and time zone (theirs, else the tenant's): the notice speaks to them in it. */
  reader?: Reader;
}

/** Someone who is not told: opted out of this event or channel, or unreachable (with the reason). */
export interface NoticeOmission {
  userId: string;
  kind?: ChannelKind;
  reason: string;
}

export type NoticeDeliveryStatus = 'pending' | 'sent' | 'failed';

/** One notice to one person on one channel. */
export interface NoticeDelivery {
  userId: string;
  kind: ChannelKind;
  status: NoticeDeliveryStatus;
  /** 1 for a person's first channel; a fallback after a failure is round 2, and so on. */
  round: number;
  /** Deterministic per event × person × channel (DingTalk: per event × channel × round, one card for many). */
  idempotencyKey: string;
  /** The platform's handle: Feishu message_id, DingTalk outTrackId. */
  ref?: string;
  /** One card instance reached several people (DingTalk). */
  batched?: boolean;
  error?: { code: string; message: string };
}

/** One message in a group chat (a rule's `groupChats`). */
export interface NoticeGroupMessage {
  kind: ChannelKind;
  chatId: string;
  mode: 'also' | 'instead';
  status: NoticeDeliveryStatus;
  idempotencyKey: string;
  ref?: string;
  error?: { code: string; message: string };
}

/**
 * `delivered`: everyone it was for got it; `partially_delivered`: some did not (see deliveries and unreachable);
 * `failed`: nobody did; `nobody_notified`: no rule matched, or nobody was left to tell (see `reason`).
 */
export type NoticeStatus = 'delivering' | 'delivered' | 'partially_delivered' | 'failed' | 'nobody_notified';

/** What the `noticeState` query shows and the workflow returns. */
export interface NoticeState {
  workflowId: string;
  eventId: string;
  event: string;
  label: string;
  source: NoticeInput['source'];
  ticket: NoticeTicket;
  occurredAt: string;
  status: NoticeStatus;
  ruleVersion?: string;
  /** Why nobody was notified (no rule, nobody left after settings), when that is the outcome. */
  reason?: string;
  recipients: NoticeRecipient[];
  /** People the rule names who switched this notice off (only when the rule honours their settings). */
  optedOut: NoticeOmission[];
  unreachable: NoticeOmission[];
  deliveries: NoticeDelivery[];
  groupMessages: NoticeGroupMessage[];
  platformCalls: PlatformCalls;
  startedAt: string;
  finishedAt?: string;
}
