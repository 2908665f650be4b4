import type { Locale, Reader } from '../i18n/locale.js';
import type { ApprovalStatus, TicketField } from './approval.js';

/** The ticket as every card shows it, approval card or notice (ticket content is shown as sent). */
export interface TicketOnCard {
  tenant: string;
  ticketId: string;
  ticketType: string;
  title: string;
  requesterName: string;
  fields: TicketField[];
  detailsUrl?: string;
  /** The ticket system's own title and fields in more languages (StartApprovalRequest.translations). */
  translations?: TicketTranslations;
}

export type TicketTranslations = Partial<Record<Locale, { title?: string; fields?: TicketField[] }>>;

/** The ticket's title and fields as a reader of `locale` sees them: the ticket system's translation, else as sent. */
export function ticketIn(ticket: TicketOnCard, locale: Locale): { title: string; fields: TicketField[] } {
  const own = ticket.translations?.[locale];
  const fields = own?.fields?.length === ticket.fields.length ? own.fields : ticket.fields;
  return { title: own?.title ?? ticket.title, fields };
}

/**
 * Platform-neutral content of one approval card. Each platform renders it with a pure function, the same function
 * for "pending" and every final state.
 */
export interface ApprovalCard extends TicketOnCard {
  /** ISO time of the final deadline. */
  deadlineAt: string;
  status: ApprovalStatus;
  level: number;
  /** For final states: who decided and when. */
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
  /** Bound to one recipient × channel; echoed by the buttons; never trusted for identity. */
  nonce: string;
}

/** Who one card is for: our user id and name, and their id on the card's platform. */
export interface CardRecipient {
  userId: string;
  name: string;
  platformUserId: string;
  /** Their language and time zone; the default reader (en-US, UTC) when unknown (e.g. a group chat). */
  reader?: Reader;
}

/** One reader of a shared card instance, by their id on its platform. */
export interface InstanceReader {
  platformUserId: string;
  reader: Reader;
}

/** A recipient of a shared card, with the nonce their own buttons carry (DingTalk `privateData`). */
export interface SharedCardRecipient extends CardRecipient {
  nonce: string;
}

/** Per recipient of a shared card: their space got it, or why not (our ChannelErrorCode, e.g. RECIPIENT_UNREACHABLE). */
export interface SharedCardResult {
  platformUserId: string;
  delivered: boolean;
  error?: { code: string; message: string };
}
