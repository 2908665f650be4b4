import { z } from 'zod';
import type { ChannelKind } from '../domain/channel.js';
import {
  DINGTALK_CHECKED,
  DingtalkExclusiveConfig,
  DingtalkStandardConfig,
  hasRouteKeyIfHttp,
  ROUTE_KEY_RULE,
} from './dingtalk/dingtalk.config.js';
import { FeishuConfig } from './feishu/feishu.config.js';

/** The fields of each kind's config that are secrets: write-only over the API, encrypted at rest. */
export const SECRET_FIELDS = {
  feishu: ['appSecret', 'encryptKey', 'verificationToken'],
  lark: ['appSecret', 'encryptKey', 'verificationToken'],
  dingtalk: ['appSecret', 'apiSecret'],
  'dingtalk-exclusive': ['appSecret', 'apiSecret'],
} as const satisfies Record<ChannelKind, readonly string[]>;

/** Each kind's complete, validated config (what a provider is built from). */
export const CHANNEL_CONFIG_SCHEMAS = {
  feishu: FeishuConfig,
  lark: FeishuConfig,
  dingtalk: DINGTALK_CHECKED.dingtalk,
  'dingtalk-exclusive': DINGTALK_CHECKED['dingtalk-exclusive'],
} satisfies Record<ChannelKind, z.ZodType>;

/**
 * A config as an admin writes it: secrets may be left out (or sent back masked) to keep the stored ones, so they
 * are optional here; the merged result is checked against the complete schema.
 */
function writable<T extends z.ZodObject>(schema: T, kind: ChannelKind) {
  const mask = Object.fromEntries(SECRET_FIELDS[kind].map((field) => [field, true]));
  return schema.partial(mask as never) as unknown as T;
}

/** Body of `PUT /v1/channels/:kind`: the config of one kind, told apart by `kind`. */
export const ChannelConfigInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('dingtalk'),
    enabled: z.boolean().optional(),
    config: writable(DingtalkStandardConfig, 'dingtalk').refine(hasRouteKeyIfHttp, ROUTE_KEY_RULE),
  }),
  z.object({
    kind: z.literal('dingtalk-exclusive'),
    enabled: z.boolean().optional(),
    config: writable(DingtalkExclusiveConfig, 'dingtalk-exclusive').refine(hasRouteKeyIfHttp, ROUTE_KEY_RULE),
  }),
  z.object({ kind: z.literal('feishu'), enabled: z.boolean().optional(), config: writable(FeishuConfig, 'feishu') }),
  z.object({ kind: z.literal('lark'), enabled: z.boolean().optional(), config: writable(FeishuConfig, 'lark') }),
]);
export type ChannelConfigInput = z.infer<typeof ChannelConfigInput>;
