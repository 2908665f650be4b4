import type { Dispatcher } from 'undici';
import type { ChannelKind } from '../domain/channel.js';
import { CHANNEL_KINDS } from '../domain/channel.js';
import { countingObserver, type PlatformCallObserver } from './call-observer.js';
import { ChannelError } from './channel-error.js';
import type { StreamOpener } from './callback-stream.js';
import { createDingtalkProvider, createDingtalkStream } from './dingtalk/index.js';
import { createFeishuProvider, createFeishuStream } from './feishu/index.js';
import type { ChannelProvider, ChannelProviderRegistry } from './provider.js';

type ProviderFactory = (config: unknown, dispatcher: Dispatcher, options: ChannelRegistryOptions) => ChannelProvider;

/** The one place that knows every platform; exhaustive, so a new ChannelKind fails to compile until added. */
const PROVIDER_FACTORIES = {
  dingtalk: (config, dispatcher, o) => createDingtalkProvider('dingtalk', config, dispatcher, o),
  'dingtalk-exclusive': (config, dispatcher, o) => createDingtalkProvider('dingtalk-exclusive', config, dispatcher, o),
  feishu: (config, dispatcher, o) => createFeishuProvider('feishu', config, dispatcher, o),
  lark: (config, dispatcher, o) => createFeishuProvider('lark', config, dispatcher, o),
} satisfies Record<ChannelKind, ProviderFactory>;

type StreamFactory = (config: unknown, dispatcher: Dispatcher, now: number) => StreamOpener | undefined;

/** Each platform's callback connection (DingTalk Stream mode, Feishu / Lark long connection), when its config wants one. */
const STREAM_FACTORIES = {
  dingtalk: (config, dispatcher, now) => createDingtalkStream('dingtalk', config, dispatcher, now),
  'dingtalk-exclusive': (config, dispatcher, now) =>
    createDingtalkStream('dingtalk-exclusive', config, dispatcher, now),
  feishu: (config, dispatcher) => createFeishuStream('feishu', config, dispatcher),
  lark: (config, dispatcher) => createFeishuStream('lark', config, dispatcher),
} satisfies Record<ChannelKind, StreamFactory>;

/** The callback connection an enabled channel's stored config asks for; undefined when clicks come over HTTP. */
export function callbackStreamOf(stored: StoredChannel, dispatcher: Dispatcher, now = Date.now()) {
  return stored.enabled ? STREAM_FACTORIES[stored.kind](stored.config, dispatcher, now) : undefined;
}

export interface ChannelRegistryOptions {
  /** Told about every platform call the providers make (usage accounting against monthly quotas). */
  onCall?: PlatformCallObserver;
}

/** A channel's stored settings; `version` changes whenever the config does, so providers are rebuilt. */
export interface StoredChannel {
  kind: ChannelKind;
  enabled: boolean;
  /** Platform config including secrets; validated by the platform's own schema when the provider is built. */
  config: unknown;
  version: string;
}

/** Where channel configs live (the sandbox defaults today; the channels API and database later). */
export interface ChannelConfigSource {
  load(kind: ChannelKind): Promise<StoredChannel | undefined>;
}

/**
 * Builds providers from configs loaded by reference and keeps one per kind until its config version changes,
 * so tokens and user-id caches survive between activities. Every call is also counted into the running activity's
 * tally (`countingCalls`), with or without an `onCall` observer, so each approval knows what it spent.
 */
export function createChannelRegistry(
  source: ChannelConfigSource,
  dispatcher: Dispatcher,
  registryOptions: ChannelRegistryOptions = {},
): ChannelProviderRegistry {
  const options: ChannelRegistryOptions = { ...registryOptions, onCall: countingObserver(registryOptions.onCall) };
  const cache = new Map<ChannelKind, { version: string; provider: ChannelProvider }>();
  return {
    async get(kind) {
      const stored = await source.load(kind);
      if (!stored?.enabled) throw new ChannelError('CHANNEL_DISABLED', `channel ${kind} is not enabled`);
      const cached = cache.get(kind);
      if (cached?.version === stored.version) return cached.provider;
      const provider = PROVIDER_FACTORIES[kind](stored.config, dispatcher, options);
      cache.set(kind, { version: stored.version, provider });
      return provider;
    },
    async enabledKinds() {
      const stored = await Promise.all(CHANNEL_KINDS.map((kind) => source.load(kind)));
      return stored.filter((s): s is StoredChannel => s?.enabled === true).map((s) => s.kind);
    },
  };
}

/** A fixed set of channel configs (sandbox defaults, tests). */
export function staticChannelSource(channels: StoredChannel[]): ChannelConfigSource {
  const byKind = new Map(channels.map((c) => [c.kind, c]));
  return { load: (kind) => Promise.resolve(byKind.get(kind)) };
}
