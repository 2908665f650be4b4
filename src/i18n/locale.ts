/**
 * Languages and readers, pure (the workflow imports this file: no schema library here; the zod schemas are in
 * locale-schema.ts).
 */

/** The languages every word the product writes exists in (src/i18n/messages.*). */
export const LOCALES = ['zh-CN', 'en-US', 'ja-JP'] as const;
export type Locale = (typeof LOCALES)[number];

/** True for a zone the platform's Intl knows (IANA names such as Asia/Shanghai, and UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Who reads a text: their language and time zone. `ownZone` says the zone is the reader's own setting; otherwise
 * (a tenant default, or a card many people share) times carry the zone's name.
 */
export interface Reader {
  locale: Locale;
  timeZone: string;
  ownZone?: boolean;
}

/** When neither the user nor the tenant chose: what the product wrote before it spoke several languages. */
export const DEFAULT_READER: Reader = { locale: 'en-US', timeZone: 'UTC' };

/** True for a reader who reads exactly what the default reader does (nothing of their own to send them). */
export function isDefaultReader(reader: Reader | undefined): boolean {
  return (
    reader === undefined ||
    (reader.locale === DEFAULT_READER.locale && reader.timeZone === DEFAULT_READER.timeZone && !reader.ownZone)
  );
}
