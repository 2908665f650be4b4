import { z } from 'zod';

/**
 * Channel config for DingTalk. Both editions use the same hosts and the same `/v1.0/card/*` API (reference §7: the
 * docs treat 专属钉钉 as a tier of the same SaaS platform and document no other base URL); the base URLs stay
 * configurable for the simulator and for a customer whose Exclusive tenant sits behind its own gateway.
 */
const Shared = z.object({
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  robotCode: z.string().min(1),
  cardTemplateId: z.string().min(1),
  /** The org's `ding...` id; when set, card links open inside that org's context (reference §8). */
  corpId: z.string().min(1).optional(),
  apiBaseUrl: z.url({ protocol: /^https?$/ }).default('https://api.dingtalk.com'),
  oapiBaseUrl: z.url({ protocol: /^https?$/ }).default('https://oapi.dingtalk.com'),
  /** Maps card clicks to our callback URL (registered with POST /v1.0/card/callbacks/register). */
  callbackRouteKey: z.string().min(1).max(128),
  /** Signs card callbacks (`x-ddpaas-signature`); without it DingTalk sends unsigned callbacks. */
  apiSecret: z.string().min(1).optional(),
  /** Console base URL for "view details" when a ticket has no detailsUrl of its own. */
  consoleBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Standard edition: 20 QPS per app and API (reference §6); the channel task queue is limited to this. */
  maxSendsPerSecond: z.number().positive().max(1000).default(20),
  /** Billed API calls per month the org's plan allows (usage report); default 5,000 (Standard edition). */
  monthlyQuota: z.number().int().positive().optional(),
});

export const DingtalkStandardConfig = Shared.extend({
  appId: z.string().min(1),
  /** Needed for work notifications and the org-scoped `openapp` link (`app_id=0_<agentId>`). */
  agentId: z.union([z.string().min(1), z.number().int().positive()]).transform(String),
});
export type DingtalkStandardConfig = z.infer<typeof DingtalkStandardConfig>;

export const DingtalkExclusiveConfig = Shared;
export type DingtalkExclusiveConfig = z.infer<typeof DingtalkExclusiveConfig>;

export type DingtalkKind = 'dingtalk' | 'dingtalk-exclusive';
export type DingtalkConfig = DingtalkStandardConfig | DingtalkExclusiveConfig;
export type DingtalkConfigInput = z.input<typeof DingtalkStandardConfig> | z.input<typeof DingtalkExclusiveConfig>;

/** Validate a stored channel config for one edition; the message names fields only, never values. */
export function parseDingtalkConfig(kind: DingtalkKind, raw: unknown): DingtalkConfig {
  const schema = kind === 'dingtalk' ? DingtalkStandardConfig : DingtalkExclusiveConfig;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid ${kind} channel config: ${fields}`);
  }
  return parsed.data;
}
