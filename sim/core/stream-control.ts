import { z } from 'zod';
import type { SimCore } from './core.js';
import type { StreamConnection } from './stream-hub.js';
import { SIM_PLATFORMS, type SimPlatform } from './types.js';

const Platform = z.enum(SIM_PLATFORMS as [SimPlatform, ...SimPlatform[]]);

const DropBody = z.object({
  platform: Platform,
  appId: z.string().min(1).optional(),
  /** `terminate` (default) = a network drop; `disconnect` = DingTalk's SYSTEM `disconnect`, closed 1 s later. */
  mode: z.enum(['terminate', 'disconnect']).optional(),
});

const InjectBody = z
  .object({ platform: Platform, appId: z.string().min(1), text: z.string().optional(), base64: z.string().optional() })
  .refine((b) => (b.text === undefined) !== (b.base64 === undefined), 'exactly one of text or base64 is required');

/** `GET /_sim/streams?platform=&appId=`: the open long connections. */
export function listStreams(core: SimCore, platform?: SimPlatform, appId?: string): StreamConnection[] {
  return core.streams.list({ ...(platform ? { platform } : {}), ...(appId ? { appId } : {}) });
}

/** `POST /_sim/streams/drop`: cut every matching connection. */
export function dropStreams(core: SimCore, input: unknown): { dropped: number } {
  const { platform, appId, mode } = DropBody.parse(input);
  return { dropped: core.streams.drop({ platform, ...(appId ? { appId } : {}) }, mode) };
}

/** `POST /_sim/streams/inject`: a raw frame (text, or binary from base64) to every open connection of the app. */
export function injectStreams(core: SimCore, input: unknown): { sent: number } {
  const { platform, appId, text, base64 } = InjectBody.parse(input);
  const data = text ?? Buffer.from(base64 ?? '', 'base64');
  const sent = core.streams.list({ platform, appId }).filter((c) => core.streams.send(c, data));
  return { sent: sent.length };
}
