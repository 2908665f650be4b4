import { z } from 'zod';
import { ChannelKind } from '../../domain/channel.js';
import { CallbackConnectionView } from '../callbacks/stream/connection-view.js';

export const HealthReport = z.object({
  status: z.enum(['ok', 'degraded']),
  temporal: z.enum(['up', 'down']),
  /** Channels in stream mode: their connection on this replica (HTTP callbacks keep working either way). */
  callbackConnections: z.partialRecord(ChannelKind, CallbackConnectionView),
});
export type HealthReport = z.infer<typeof HealthReport>;
