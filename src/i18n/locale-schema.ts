import { z } from 'zod';
import { isTimeZone, LOCALES } from './locale.js';

export const Locale = z.enum(LOCALES).meta({ description: 'zh-CN, en-US or ja-JP' });

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'an IANA time zone, e.g. Asia/Shanghai')
  .meta({ description: 'IANA time zone, e.g. Asia/Shanghai' });

/** A reader as it travels in workflow state and history (validated where it is read back). */
export const ReaderSchema = z.object({ locale: Locale, timeZone: TimeZone, ownZone: z.boolean().optional() });
