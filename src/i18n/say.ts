import type { Locale, Reader } from './locale.js';
import { EN_US, type Catalogue, type MessageKey } from './messages.en-US.js';
import { JA_JP } from './messages.ja-JP.js';
import { ZH_CN } from './messages.zh-CN.js';
import { formatInstant } from './time.js';

export type { MessageKey } from './messages.en-US.js';

export const CATALOGUES: Record<Locale, Catalogue> = { 'en-US': EN_US, 'zh-CN': ZH_CN, 'ja-JP': JA_JP };

/**
 * A placeholder's value: text as given (names, titles), a number by Intl, a list of names joined by Intl
 * ("Bob and Carol", "Bob和Carol", "Bob、Carol"), or an instant in the reader's zone.
 */
export type TextParam = string | number | readonly string[] | { at: string };

/** A text not yet in any language: rendered per reader (`say`). */
export interface LocalText {
  key: MessageKey;
  params?: Record<string, TextParam>;
}

export const text = (key: MessageKey, params?: Record<string, TextParam>): LocalText =>
  params ? { key, params } : { key };

export function say(reader: Reader, message: LocalText): string {
  const catalogue = CATALOGUES[reader.locale];
  return catalogue[message.key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = message.params?.[name];
    if (value === undefined) return whole;
    // A decider we do not know by name (an old run, a bare API decision) is "someone" in the reader's language.
    if (name === 'name' && value === '') return catalogue['card.someone'];
    if (typeof value === 'number') return new Intl.NumberFormat(reader.locale).format(value);
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return new Intl.ListFormat(reader.locale, { type: 'conjunction' }).format(value);
    return formatInstant((value as { at: string }).at, reader);
  });
}
