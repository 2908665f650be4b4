import { CHANNEL_KINDS, type ChannelKind } from '../domain/channel.js';
import { approvalsPlugin } from '../plugins/approvals.plugin.js';
import { channelPlugin } from '../plugins/channel.plugin.js';
import type { TaskQueuePlugin } from '../plugins/task-queue-plugin.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * Documented app-wide send limits: DingTalk Standard 20 QPS per app and API; Feishu / Lark im/v1/messages
 * 1000/min & 50/s, where the per-minute bound gives ~16/s sustained. A channel's `maxSendsPerSecond` overrides.
 */
const DEFAULT_SENDS_PER_SECOND = {
  dingtalk: 20,
  'dingtalk-exclusive': 20,
  feishu: 16,
  lark: 16,
} satisfies Record<ChannelKind, number>;

async function sendsPerSecond(deps: ServiceDeps, kind: ChannelKind): Promise<number> {
  const stored = await deps.channelSource.load(kind);
  const configured = (stored?.config as { maxSendsPerSecond?: unknown } | undefined)?.maxSendsPerSecond;
  return typeof configured === 'number' && configured > 0 ? configured : DEFAULT_SENDS_PER_SECOND[kind];
}

/** The ready service's plugin set: the approvals plugin and one plugin per platform. */
export async function servicePlugins(deps: ServiceDeps): Promise<TaskQueuePlugin[]> {
  const channels = await Promise.all(
    CHANNEL_KINDS.map(async (kind) =>
      channelPlugin({ kind, registry: deps.channels, maxActivitiesPerSecond: await sendsPerSecond(deps, kind) }),
    ),
  );
  return [approvalsPlugin(deps), ...channels];
}
