import { z } from 'zod';
import { StartApprovalRequest } from './approval.js';
import { ChannelKind } from './channel.js';
import { EVENT_NAME_PATTERN, RELATIVE_RECIPIENTS } from './events.js';
import { GroupChat } from './policy.js';

export * from './events.js';

/** An event's name: documented (`approved`, `executed`, …) or a tenant's own lower-case state. */
export const EventName = z
  .string()
  .regex(EVENT_NAME_PATTERN, 'a lower-case event name: a letter, then letters, digits or "_" (2 to 48)');

export const RelativeRecipient = z.enum(RELATIVE_RECIPIENTS);

/** A ticket system's own id for one event; it holds no ':' (events the approval raises have ids with one). */
export const TicketEventId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" or "-" (max 100)');

/** Any event id the API shows: a ticket system's, or `approval:<ticketId>:<event>[:n]` for the approval's own. */
export const EventIdParam = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'an event id: letters, digits, ".", "_", "-" or ":"');

/**
 * Body of `POST /v1/events`: something happened to a ticket (it was executed, its execution failed, it was closed, or
 * a state of the tenant's own). The ticket's content is shown as sent, like an approval's.
 */
export const TicketEventRequest = StartApprovalRequest.pick({
  tenant: true,
  ticketId: true,
  ticketType: true,
  title: true,
  requester: true,
  fields: true,
  detailsUrl: true,
  translations: true,
}).extend({
  /** Idempotency key: the same event id again is the same event (answered 200, never notified twice). */
  eventId: TicketEventId,
  /** `executing`, `executed`, `execution_failed`, `closed`, `cancelled`, or a state the tenant defined. */
  state: EventName,
  /** A line for the notice, e.g. what failed or how many rows were exported. */
  note: z.string().min(1).max(500).optional(),
  /** When it happened (default: when the API received it). */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});
export type TicketEventRequest = z.infer<typeof TicketEventRequest>;
export type TicketEventRequestInput = z.input<typeof TicketEventRequest>;

/** One person's setting for one event: off altogether, or off on some channels. */
export const NoticeSetting = z.object({
  enabled: z.boolean().default(true),
  /** Channels switched off (false) for this event only; a channel missing here follows the user's channel switch. */
  channels: z.partialRecord(ChannelKind, z.boolean()).default({}),
});
export type NoticeSetting = z.infer<typeof NoticeSetting>;

/** A person's notice settings by event; an event missing here is on, on every channel the person has on. */
export const NoticeSettings = z
  .record(EventName, NoticeSetting)
  .refine((settings) => Object.keys(settings).length <= 64, 'at most 64 events');
export type NoticeSettings = z.infer<typeof NoticeSettings>;

/** A tenant's own ticket state, which its ticket system may report and its rules may match. */
export const CustomEventState = z.object({
  label: z.string().min(1).max(64),
  description: z.string().max(500).optional(),
});
export type CustomEventState = z.infer<typeof CustomEventState>;

/**
 * Who a notice tells, and how, written directly (the client helpers' `notify`, without stored rules): the shape a rule
 * becomes (NoticeSpec).
 */
export const TellSpec = z.object({
  roles: z.array(z.string().min(1).max(64)).max(20).default([]),
  users: z.array(z.string().min(1).max(128)).max(500).default([]),
  relative: z.array(RelativeRecipient).max(2).default([]),
  channels: z.array(ChannelKind).max(4).default([]),
  deliverTo: z.enum(['one-channel', 'every-channel']).default('one-channel'),
  groupChats: z.array(GroupChat).max(4).default([]),
  respectUserSettings: z.boolean().default(true),
  ruleVersion: z.string().max(64).optional(),
});
export type TellSpec = z.infer<typeof TellSpec>;
export type TellSpecInput = z.input<typeof TellSpec>;
