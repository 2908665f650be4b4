import { z } from 'zod';
import { CallbackMode } from '../callback-mode.js';

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
  /**
   * How card clicks reach us: `http` (DingTalk POSTs to the URL registered for `callbackRouteKey`) or `stream`
   * (Stream mode: our API keeps a WebSocket to DingTalk's gateway open, so no inbound port is needed). Each card
   * keeps the route it was created with (`callbackType` is fixed per card instance).
   */
  callbackMode: CallbackMode.default('http'),
  /** Maps card clicks to our callback URL (registered with POST /v1.0/card/callbacks/register); http mode only. */
  callbackRouteKey: z
    .string()
    .min(1)
    .max(128)
    .meta({
      description: 'Required when callbackMode is "http" (the default): our callback URL is registered under it',
    })
    .optional(),
  /**
   * Set by the API when a channel leaves stream mode: until then the Stream connection stays open, so clicks on
   * cards created in stream mode still arrive (a card's callback route cannot be changed once it is out).
   */
  streamUntil: z.iso
    .datetime()
    .meta({ description: 'Set when the channel leaves stream mode: the Stream connection stays open until then' })
    .optional(),
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

/** Where a new card's button clicks go: over the Stream connection, or to the URL registered for the route key. */
export function cardCallbackRoute(config: DingtalkConfig) {
  if (config.callbackMode === 'stream') return { callbackType: 'STREAM' as const };
  return { callbackType: 'HTTP' as const, callbackRouteKey: config.callbackRouteKey };
}

/** HTTP callbacks need a route key to register our URL under; stream mode needs none. */
export function hasRouteKeyIfHttp(config: { callbackMode?: unknown; callbackRouteKey?: unknown }): boolean {
  return config.callbackMode === 'stream' || typeof config.callbackRouteKey === 'string';
}

export const ROUTE_KEY_RULE = {
  path: ['callbackRouteKey'],
  message: 'required when callbackMode is "http" (the default)',
  // Also reported beside other mistakes, so an admin sees every missing field at once.
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

/** The complete configs as stored and checked (the plain objects stay extendable for the write schemas). */
export const DINGTALK_CHECKED = {
  dingtalk: DingtalkStandardConfig.refine(hasRouteKeyIfHttp, ROUTE_KEY_RULE),
  'dingtalk-exclusive': DingtalkExclusiveConfig.refine(hasRouteKeyIfHttp, ROUTE_KEY_RULE),
} as const;

/** Validate a stored channel config for one edition; the message names fields only, never values. */
export function parseDingtalkConfig(kind: DingtalkKind, raw: unknown): DingtalkConfig {
  const parsed = DINGTALK_CHECKED[kind].safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid ${kind} channel config: ${fields}`);
  }
  return parsed.data;
}
