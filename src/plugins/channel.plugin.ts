import { createChannelActivities } from '../activities/channel.activities.js';
import { createGroupCardActivities } from '../activities/group-card.activities.js';
import { createNoticeActivities } from '../activities/notice.activities.js';
import type { ChannelProviderRegistry } from '../channels/provider.js';
import { channelTaskQueue, type ChannelKind } from '../domain/channel.js';
import { pacedActivities, SlidingWindowPacer } from './send-pacer.js';
import { TaskQueuePlugin } from './task-queue-plugin.js';

export interface ChannelPluginOptions {
  kind: ChannelKind;
  /** Loads the platform's config by reference and builds its provider; credentials never enter history. */
  registry: ChannelProviderRegistry;
  /**
   * Sends per second for the whole task queue, enforced by the Temporal server across every worker, so the
   * platform's app-wide limit holds however many workers run (e.g. Feishu 1000/min binds before 50/s).
   */
  maxActivitiesPerSecond: number;
}

/**
 * Registers one platform's send / update / remind and notice activities on that platform's rate-limited task queue. The server
 * bounds the queue's average; this worker also paces its own starts (send-pacer.ts) because the server's bursts
 * can cross a platform's fixed 1-s window.
 */
export function channelPlugin({ kind, registry, maxActivitiesPerSecond }: ChannelPluginOptions): TaskQueuePlugin {
  const pacer = new SlidingWindowPacer(Math.max(1, Math.floor(maxActivitiesPerSecond)));
  return new TaskQueuePlugin(
    channelTaskQueue(kind),
    {
      name: `approvals-bridge.channel.${kind}`,
      activities: pacedActivities(
        {
          ...createChannelActivities(registry),
          ...createGroupCardActivities(registry),
          ...createNoticeActivities(registry),
        },
        pacer,
      ),
    },
    { maxTaskQueueActivitiesPerSecond: maxActivitiesPerSecond },
  );
}
