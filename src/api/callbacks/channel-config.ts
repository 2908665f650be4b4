import type { ChannelConfigSource } from '../../channels/registry.js';
import type { ChannelKind } from '../../domain/channel.js';
import { ApiError } from '../common/api-error.js';

/** The channel's validated config, loaded on each callback (so a rotated secret applies at once); 404 when off. */
export async function enabledChannelConfig<T>(
  source: ChannelConfigSource,
  kind: ChannelKind,
  parse: (raw: unknown) => T,
): Promise<T> {
  const stored = await source.load(kind);
  if (!stored?.enabled) throw new ApiError('NOT_FOUND', `The ${kind} channel is not enabled`);
  try {
    return parse(stored.config);
  } catch {
    // Validation messages could quote config values (secrets): name the channel only.
    throw new Error(`the stored ${kind} channel config is invalid`);
  }
}
