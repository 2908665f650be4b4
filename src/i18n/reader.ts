import { z } from 'zod';
import { DEFAULT_READER, type Locale, type Reader } from './locale.js';
import { Locale as LocaleSchema, TimeZone } from './locale-schema.js';

/** A tenant's defaults for users who chose no language or time zone (`PUT /v1/tenants/:tenant/settings`). */
export const TenantSettings = z.object({ locale: LocaleSchema.optional(), timeZone: TimeZone.optional() });
export type TenantSettings = z.infer<typeof TenantSettings>;

/**
 * Who a person is as a reader: their own language and zone, else the tenant's, else en-US / UTC. A zone that is not
 * their own is named beside every time (they may be elsewhere).
 */
export function readerOf(
  user: { locale?: Locale | undefined; timeZone?: string | undefined },
  tenant: TenantSettings,
): Reader {
  return {
    locale: user.locale ?? tenant.locale ?? DEFAULT_READER.locale,
    timeZone: user.timeZone ?? tenant.timeZone ?? DEFAULT_READER.timeZone,
    ...(user.timeZone !== undefined && { ownZone: true }),
  };
}
