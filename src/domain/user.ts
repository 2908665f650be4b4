import { z } from 'zod';
import { ChannelKind } from './channel.js';
import { NoticeSettings } from './notice.js';
import { Locale, TimeZone } from '../i18n/locale-schema.js';

/** A person who may request or approve; contacts map to platform user ids (by mobile or email). */
export const User = z.object({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(100),
  email: z.email().optional(),
  /** E.164-ish, e.g. +8613800000001 (Feishu needs the country code outside mainland China). */
  mobile: z
    .string()
    .regex(/^\+?[0-9]{6,20}$/, 'digits with an optional leading +')
    .optional(),
  roles: z.array(z.string().min(1).max(64)).max(20).default([]),
  /** Per-channel notification switches; a channel missing here is on. */
  channels: z.partialRecord(ChannelKind, z.boolean()).default({}),
  /** Per-event notice settings (`{"approved": {"enabled": false}}`); an event missing here is on. */
  notices: NoticeSettings.default({}),
  /** The language cards, answers and notices speak to this user; the tenant's default when unset. */
  locale: Locale.optional(),
  /** Where this user's times are shown (IANA, e.g. Asia/Shanghai); the tenant's default when unset. */
  timeZone: TimeZone.optional(),
});
export type User = z.infer<typeof User>;
export type UserInput = z.input<typeof User>;
