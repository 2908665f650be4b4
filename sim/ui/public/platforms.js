// One renderer per platform: Lark draws like Feishu, DingTalk Exclusive like DingTalk.
import { renderDingtalk } from './dingtalk.js';
import { renderFeishu } from './feishu.js';

/** @typedef {import('./types.js').Platform} Platform */
/** @typedef {import('./types.js').PlatformView} PlatformView */

/** @type {Record<Platform, PlatformView>} */
export const PLATFORMS = {
  feishu: { label: 'Feishu', bot: 'Sandbox Feishu app', render: renderFeishu },
  lark: { label: 'Lark', bot: 'Sandbox Lark app', render: renderFeishu },
  dingtalk: { label: 'DingTalk', bot: 'Sandbox DingTalk robot', render: renderDingtalk },
  'dingtalk-exclusive': {
    label: 'DingTalk Exclusive',
    bot: 'Sandbox DingTalk Exclusive robot',
    render: renderDingtalk,
  },
};

/** @type {Platform[]} */
export const PLATFORM_ORDER = ['feishu', 'lark', 'dingtalk', 'dingtalk-exclusive'];
