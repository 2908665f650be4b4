import { readFile } from 'node:fs/promises';
import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import {
  createChannelRegistry,
  staticChannelSource,
  type ChannelConfigSource,
  type StoredChannel,
} from '../channels/registry.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import type { Env } from '../config/env.js';
import { ChannelKind } from '../domain/channel.js';
import { loadFilePolicySource, loadFileUserDirectory } from '../store/file-stores.js';
import type { PolicySource, UserDirectory } from '../store/ports.js';
import { sandboxChannels } from './sandbox-channels.js';

export interface ServiceDeps {
  policies: PolicySource;
  directory: UserDirectory;
  channelSource: ChannelConfigSource;
  channels: ChannelProviderRegistry;
  /** One connection pool for every platform call this process makes. */
  dispatcher: Dispatcher;
  webhookSecret?: string;
}

const ChannelsFile = z.array(
  z.object({ kind: ChannelKind, enabled: z.boolean().default(true), config: z.record(z.string(), z.unknown()) }),
);

async function loadChannelsFile(path: string): Promise<StoredChannel[]> {
  const parsed = ChannelsFile.safeParse(JSON.parse(await readFile(path, 'utf8')));
  // Name the bad fields only: the file holds secrets, so values are never echoed.
  if (!parsed.success)
    throw new Error(`${path} is invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data.map((c) => ({ ...c, version: 'file-1' }));
}

/** Everything the ready service's worker needs, built from the validated environment. */
export async function createServiceDeps(env: Env): Promise<ServiceDeps> {
  const dispatcher = new Agent({ connections: 128, keepAliveTimeout: 30_000 });
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://${env.API_HOST}:${env.API_PORT}`;
  const stored = env.SANDBOX
    ? sandboxChannels(env.SIMULATOR_URL, publicBaseUrl)
    : env.CHANNELS_FILE
      ? await loadChannelsFile(env.CHANNELS_FILE)
      : [];
  const channelSource = staticChannelSource(stored);
  return {
    policies: await loadFilePolicySource(env.POLICIES_FILE),
    directory: await loadFileUserDirectory(env.DIRECTORY_FILE),
    channelSource,
    channels: createChannelRegistry(channelSource, dispatcher),
    dispatcher,
    webhookSecret: env.WEBHOOK_SECRET,
  };
}
