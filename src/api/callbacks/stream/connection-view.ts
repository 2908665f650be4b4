import { z } from 'zod';
import type { StreamStatus } from '../../../channels/callback-stream.js';

/** A callback connection's state as /health and GET /v1/channels/:kind show it. */
export const CallbackConnectionView = z
  .object({
    state: z.enum(['connecting', 'connected', 'reconnecting', 'stopped']),
    connectedAt: z.iso.datetime().optional().meta({ description: 'When the open connection was established' }),
    reconnects: z.number().int().meta({ description: 'Connections opened again after a drop, since the API started' }),
    callbacksReceived: z.number().int().meta({ description: 'Callback frames received on this API replica' }),
    lastError: z.string().optional().meta({ description: 'Why the last attempt failed or the connection ended' }),
  })
  .meta({ description: 'The stream-mode callback connection of this API replica' }) satisfies z.ZodType<StreamStatus>;
export type CallbackConnectionView = z.infer<typeof CallbackConnectionView>;
