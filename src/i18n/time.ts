import type { Reader } from './locale.js';

const formats = new Map<string, { time: Intl.DateTimeFormat; zone: Intl.DateTimeFormat }>();

function formatsFor(reader: Reader) {
  const key = `${reader.locale}|${reader.timeZone}`;
  let found = formats.get(key);
  if (!found) {
    const common = { timeZone: reader.timeZone, hourCycle: 'h23' } as const;
    found = {
      time: new Intl.DateTimeFormat(reader.locale, {
        ...common,
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      }),
      zone: new Intl.DateTimeFormat(reader.locale, { ...common, timeZoneName: 'short' }),
    };
    formats.set(key, found);
  }
  return found;
}

/**
 * An instant as the reader reads it, by the platform's Intl: `12月6日 06:20` (zh-CN), `Dec 6, 06:20` (en-US),
 * `12月6日 06:20` (ja-JP), with ` (GMT+8)` after it unless the zone is the reader's own. Not a date: as given.
 */
export function formatInstant(iso: string, reader: Reader): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const { time, zone } = formatsFor(reader);
  const text = time.format(at);
  if (reader.ownZone) return text;
  const name = zone.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? reader.timeZone;
  return `${text} (${name})`;
}
