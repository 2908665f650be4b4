import { readFile } from 'node:fs/promises';
import type { DataConverter } from '@temporalio/common';
import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import {
  createChannelRegistry,
  staticChannelSource,
  type ChannelConfigSource,
  type StoredChannel,
} from '../channels/registry.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import { dataConverterFromEnv } from '../codec/codec-config.js';
import type { Env } from '../config/env.js';
import {
  cachedResolution,
  dbChannelSource,
  recentChannelSource,
  dbPolicySource,
  dbUserDirectory,
} from '../db/db-ports.js';
import { openStore, type Store } from '../db/store.js';
import { ChannelKind } from '../domain/channel.js';
import { rootLogger } from '../logging/logger.js';
import type { PolicySource, UserDirectory } from '../store/ports.js';
import { DbUsageStore } from '../usage/db-usage-store.js';
import { createUsageRecorder, type UsageRecorder } from '../usage/usage-recorder.js';
import { sandboxChannels } from './sandbox-channels.js';

export interface ServiceDeps {
  policies: PolicySource;
  directory: UserDirectory;
  channelSource: ChannelConfigSource;
  channels: ChannelProviderRegistry;
  /** One connection pool for every platform call this process makes. */
  dispatcher: Dispatcher;
  webhookSecret?: string;
  /** The database behind policies, directory and channels (`store.release()` when done). */
  store?: Store;
  /** Counts every platform call per app and month (GET /v1/channels/:kind/usage); `flush()` before release. */
  usage?: UsageRecorder;
  /** The payload codec when PAYLOAD_CODEC_KEY is set: ticket contents are encrypted in workflow history. */
  dataConverter?: DataConverter;
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

/**
 * Channel configs from the sandbox defaults or CHANNELS_FILE, without a database (library use). The ready service's
 * worker and API read them from the database instead (`dbChannelSource`), where the channels API writes them.
 */
export async function createChannelConfigSource(env: Env): Promise<ChannelConfigSource> {
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://${env.API_HOST}:${env.API_PORT}`;
  const stored = env.SANDBOX
    ? sandboxChannels(env.SIMULATOR_URL, publicBaseUrl, env.SANDBOX_CALLBACK_MODE)
    : env.CHANNELS_FILE
      ? await loadChannelsFile(env.CHANNELS_FILE)
      : [];
  return staticChannelSource(stored);
}

/** Everything the ready service's worker needs, built from the validated environment. */
export async function createServiceDeps(env: Env): Promise<ServiceDeps> {
  const dispatcher = new Agent({ connections: 128, keepAliveTimeout: 30_000 });
  // Rules, users and channel configs live in the database (seeded on first start in sandbox mode); activities
  // read them by reference, so secrets never reach workflow history.
  const store = await openStore(env);
  const channelSource = dbChannelSource(store.channels);
  const usage = createUsageRecorder(new DbUsageStore(store.db), (err) =>
    rootLogger().warn({ err }, 'a platform call was not counted'),
  );
  return {
    policies: dbPolicySource(store.rules),
    directory: dbUserDirectory(store.users, store.tenantSettings),
    channelSource,
    channels: cachedResolution(
      createChannelRegistry(recentChannelSource(channelSource), dispatcher, { onCall: usage.observer }),
      store.platformIds,
    ),
    dispatcher,
    webhookSecret: env.WEBHOOK_SECRET,
    store,
    usage,
    dataConverter: dataConverterFromEnv(env),
  };
}
