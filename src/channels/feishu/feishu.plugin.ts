import { platformPlugin, type PlatformPlugin, type PlatformPluginOptions } from '../../plugins/platform.plugin.js';
import { FeishuConfig, parseFeishuConfig, type FeishuConfigInput, type FeishuKind } from './feishu.config.js';

export type FeishuPluginOptions = PlatformPluginOptions<FeishuConfigInput>;

// The schema's own default (im/v1/messages: 1000/min binds before 50/s), so plugin and config never disagree.
const DEFAULT_SENDS_PER_SECOND = FeishuConfig.shape.maxSendsPerSecond.parse(undefined);

function feishuLike(kind: FeishuKind, options: FeishuPluginOptions): PlatformPlugin {
  const validate = (config: unknown) => parseFeishuConfig(kind, config);
  return platformPlugin({ kind, validate, defaultSendsPerSecond: DEFAULT_SENDS_PER_SECOND }, options);
}

/** Feishu (open.feishu.cn): card send / update / remind on the `approvals-channel-feishu` task queue. */
export function feishuPlugin(options: FeishuPluginOptions): PlatformPlugin {
  return feishuLike('feishu', options);
}

/** Lark (open.larksuite.com): card send / update / remind on the `approvals-channel-lark` task queue. */
export function larkPlugin(options: FeishuPluginOptions): PlatformPlugin {
  return feishuLike('lark', options);
}
