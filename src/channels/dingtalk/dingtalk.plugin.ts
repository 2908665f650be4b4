import type { z } from 'zod';
import { platformPlugin, type PlatformPlugin, type PlatformPluginOptions } from '../../plugins/platform.plugin.js';
import {
  DingtalkStandardConfig,
  parseDingtalkConfig,
  type DingtalkExclusiveConfig,
  type DingtalkKind,
} from './dingtalk.config.js';

export type DingtalkPluginOptions = PlatformPluginOptions<z.input<typeof DingtalkStandardConfig>>;
export type DingtalkExclusivePluginOptions = PlatformPluginOptions<z.input<typeof DingtalkExclusiveConfig>>;

// The schema's own default (20 QPS per app and API), so plugin and config never disagree.
const DEFAULT_SENDS_PER_SECOND = DingtalkStandardConfig.shape.maxSendsPerSecond.parse(undefined);

function dingtalkEdition(kind: DingtalkKind, options: PlatformPluginOptions<unknown>): PlatformPlugin {
  const validate = (config: unknown) => parseDingtalkConfig(kind, config);
  return platformPlugin({ kind, validate, defaultSendsPerSecond: DEFAULT_SENDS_PER_SECOND }, options);
}

/** DingTalk Standard: card send / update / remind on the `approvals-channel-dingtalk` task queue. */
export function dingtalkPlugin(options: DingtalkPluginOptions): PlatformPlugin {
  return dingtalkEdition('dingtalk', options);
}

/** DingTalk Exclusive (专属钉钉): the same, with its own app, on `approvals-channel-dingtalk-exclusive`. */
export function dingtalkExclusivePlugin(options: DingtalkExclusivePluginOptions): PlatformPlugin {
  return dingtalkEdition('dingtalk-exclusive', options);
}
