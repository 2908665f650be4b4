import { z } from 'zod';
import { ChannelKind } from '../../domain/channel.js';
import { CallbackConnectionView } from '../callbacks/stream/connection-view.js';

export { ChannelConfigInput as PutChannelRequest } from '../../channels/channel-config.js';
export const ChannelKindParam = ChannelKind;

/** A channel as the API shows it: never a secret, only a mask and the key id it is sealed under. */
export const ChannelView = z.object({
  kind: ChannelKind,
  configured: z.boolean(),
  enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()).meta({ description: 'The config without its secret fields' }),
  secrets: z
    .record(z.string(), z.object({ masked: z.string(), keyId: z.string() }))
    .meta({ description: 'Each stored secret, masked (e.g. ••••a1b2); write-only over the API' }),
  version: z.number().int(),
  updatedAt: z.iso.datetime().optional(),
  callbackUrl: z.url().meta({ description: 'Paste into the platform console as the card callback (request) URL' }),
  notice: z
    .string()
    .optional()
    .meta({ description: 'Set when the channel notifies nobody (not configured / disabled)' }),
  callbackConnection: CallbackConnectionView.optional().meta({
    description:
      'Stream mode (config.callbackMode "stream"): the connection this API replica keeps to the platform, over which clicks arrive',
  }),
  callbackRegistration: z
    .object({ status: z.enum(['registered', 'skipped', 'failed']), note: z.string().optional() })
    .optional()
    .meta({
      description:
        'After saving or enabling: whether the card callbacks now point at this API (DingTalk: its register API; Feishu / Lark: paste `callbackUrl` into the console, `note` says so). Never a secret.',
    }),
});
export type ChannelView = z.infer<typeof ChannelView>;

export const ChannelList = z.object({ channels: z.array(ChannelView) });
export type ChannelList = z.infer<typeof ChannelList>;

/** Body of POST /v1/channels/:kind/test. */
export const ChannelTestRequest = z
  .object({
    /** Also send a test card to this user (our user id). */
    userId: z.string().min(1).max(128).optional(),
  })
  .default({});
export type ChannelTestRequest = z.infer<typeof ChannelTestRequest>;

const Failure = z.object({ code: z.string(), message: z.string() });

export const ChannelTestResult = z.object({
  kind: ChannelKind,
  ok: z.boolean(),
  /** Fetching an access token with the stored credentials. */
  credentials: z.object({ ok: z.boolean(), error: Failure.optional() }),
  /** The test card, when a user was named. */
  card: z
    .object({
      ok: z.boolean(),
      userId: z.string(),
      platformUserId: z.string().optional(),
      cardRef: z.string().optional(),
      error: Failure.optional(),
    })
    .optional(),
});
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;

export const RotateSecretsResult = z.object({
  activeKeyId: z.string(),
  resealed: z.number().int().meta({ description: 'Secrets sealed again under the active key' }),
});
export type RotateSecretsResult = z.infer<typeof RotateSecretsResult>;
