import { getGlobalDispatcher, type Dispatcher } from 'undici';
import type { PlatformCallObserver } from '../channels/call-observer.js';
import { ChannelError } from '../channels/channel-error.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import { createChannelRegistry, staticChannelSource, type ChannelConfigSource } from '../channels/registry.js';
import type { ChannelKind } from '../domain/channel.js';
import { channelPlugin } from './channel.plugin.js';
import type { TaskQueuePlugin } from './task-queue-plugin.js';

/** Options every platform plugin takes; `TConfig` is the platform's config as written (before defaults). */
export type PlatformPluginOptions<TConfig> = {
  /** Connection pool for the platform's API (default: undici's global dispatcher). */
  dispatcher?: Dispatcher;
  /**
   * Task-queue rate limit (activities per second, enforced by the Temporal server across all workers). Default: the
   * config's `maxSendsPerSecond`, or the platform's documented default when the config is loaded by reference.
   */
  maxActivitiesPerSecond?: number;
  /** Told about every platform call (usage accounting, e.g. `createUsageRecorder(store).observer`). */
  onCall?: PlatformCallObserver;
} & (
  | {
      /** The platform's config, validated when the plugin is created. */
      config: TConfig;
      configSource?: never;
    }
  | {
      /** Loads the config by reference when an activity runs, so credentials can rotate without a restart. */
      configSource: ChannelConfigSource;
      config?: never;
    }
);

/** A channel plugin for one platform, carrying the provider registry the approvals plugin's lookups can share. */
export interface PlatformPlugin extends TaskQueuePlugin {
  readonly kind: ChannelKind;
  /** Providers for this platform only (see {@link platformChannels}). */
  readonly channels: ChannelProviderRegistry;
}

export interface PlatformSpec {
  kind: ChannelKind;
  /** Validates a static config (throwing a message that names fields, never values); returns its send limit. */
  validate(config: unknown): { maxSendsPerSecond: number };
  /** The platform's documented app-wide send limit, used when the config is only loaded later. */
  defaultSendsPerSecond: number;
}

/** Builds one platform's plugin: its provider registry, its activities, its rate-limited task queue. */
export function platformPlugin<TConfig>(spec: PlatformSpec, options: PlatformPluginOptions<TConfig>): PlatformPlugin {
  const { kind } = spec;
  let source: ChannelConfigSource;
  let sendsPerSecond = spec.defaultSendsPerSecond;
  if (options.configSource) {
    source = options.configSource;
  } else {
    sendsPerSecond = spec.validate(options.config).maxSendsPerSecond;
    source = staticChannelSource([{ kind, enabled: true, config: options.config, version: 'static' }]);
  }
  // Only this platform's config is ever read, even from a source that holds every platform's.
  const own: ChannelConfigSource = { load: (k) => (k === kind ? source.load(k) : Promise.resolve(undefined)) };
  const channels = createChannelRegistry(own, options.dispatcher ?? getGlobalDispatcher(), {
    ...(options.onCall ? { onCall: options.onCall } : {}),
  });
  const maxActivitiesPerSecond = options.maxActivitiesPerSecond ?? sendsPerSecond;
  return Object.assign(channelPlugin({ kind, registry: channels, maxActivitiesPerSecond }), { kind, channels });
}

function isPlatformPlugin(plugin: TaskQueuePlugin): plugin is PlatformPlugin {
  return 'kind' in plugin && 'channels' in plugin;
}

/**
 * The providers of every platform plugin in a list, for `approvalsPlugin({ channels })`: the approvals worker
 * resolves approvers' platform user ids with them. Platforms without a plugin count as disabled.
 */
export function platformChannels(plugins: readonly TaskQueuePlugin[]): ChannelProviderRegistry {
  const byKind = new Map(plugins.filter(isPlatformPlugin).map((p) => [p.kind, p.channels]));
  return {
    get(kind) {
      const registry = byKind.get(kind);
      if (!registry) return Promise.reject(new ChannelError('CHANNEL_DISABLED', `no plugin for channel ${kind}`));
      return registry.get(kind);
    },
    async enabledKinds() {
      const enabled = await Promise.all([...byKind.values()].map((r) => r.enabledKinds()));
      return enabled.flat();
    },
  };
}
