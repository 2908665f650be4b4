import type { StoredChannel } from '../channels/registry.js';

/**
 * Sandbox mode: every channel points at the local platform simulator (sim/) with the throw-away credentials it is
 * seeded with (sim/core/seed.ts), so a new user sees cards arrive without any real account. These are
 * placeholders for a local stand-in, not secrets of any real app.
 */
const SANDBOX_APPS = {
  feishu: { appId: 'cli_sim_feishu_0001', secret: 'sim-feishu', encrypted: true },
  lark: { appId: 'cli_sim_lark_0001', secret: 'sim-lark', encrypted: false },
  dingtalk: { appKey: 'dingsimstandard0001', secret: 'sim-dingtalk', corpId: 'dingsimcorp0001' },
  'dingtalk-exclusive': { appKey: 'dingsimexclusive0001', secret: 'sim-dingtalk-exclusive', corpId: 'dingsimcorp0002' },
} as const;

export function sandboxChannels(
  simulatorUrl: string,
  publicBaseUrl: string,
  callbackMode: 'http' | 'stream' = 'http',
): StoredChannel[] {
  const sim = simulatorUrl.replace(/\/+$/, '');
  const feishuLike = (kind: 'feishu' | 'lark'): StoredChannel => {
    const app = SANDBOX_APPS[kind];
    return {
      kind,
      enabled: true,
      version: 'sandbox-1',
      config: {
        appId: app.appId,
        appSecret: `${app.secret}-app-secret`,
        verificationToken: `${app.secret}-verification-token`,
        ...(app.encrypted ? { encryptKey: `${app.secret}-encrypt-key` } : {}),
        baseUrl: `${sim}/${kind}`,
        consoleBaseUrl: publicBaseUrl,
        callbackMode,
      },
    };
  };
  const dingtalkLike = (kind: 'dingtalk' | 'dingtalk-exclusive'): StoredChannel => {
    const app = SANDBOX_APPS[kind];
    return {
      kind,
      enabled: true,
      version: 'sandbox-1',
      config: {
        ...(kind === 'dingtalk' ? { appId: 'sandbox-dingtalk-app', agentId: '1000001' } : {}),
        appKey: app.appKey,
        appSecret: `${app.secret}-app-secret`,
        robotCode: app.appKey,
        cardTemplateId: 'sandbox-approval-card.schema',
        corpId: app.corpId,
        apiBaseUrl: `${sim}/${kind}/api`,
        oapiBaseUrl: `${sim}/${kind}/oapi`,
        callbackMode,
        callbackRouteKey: `approvals-bridge-${kind}`,
        apiSecret: `${app.secret}-callback-api-secret`,
        consoleBaseUrl: publicBaseUrl,
      },
    };
  };
  return [dingtalkLike('dingtalk'), dingtalkLike('dingtalk-exclusive'), feishuLike('feishu'), feishuLike('lark')];
}
