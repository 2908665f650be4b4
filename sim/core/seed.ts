import type { AppRegistry } from './apps.js';
import type { UserDirectory } from './users.js';

/**
 * Sandbox credentials the simulator starts with (and returns to on `/_sim/reset`). They are fake values for the
 * local sandbox only; point the sandbox channel config at them.
 */
export const SANDBOX_APPS = {
  feishu: {
    appId: 'cli_sim_feishu_0001',
    appSecret: 'sim-feishu-app-secret',
    verificationToken: 'sim-feishu-verification-token',
    encryptKey: 'sim-feishu-encrypt-key',
    tenantKey: 'sim_feishu_tenant',
  },
  // Seeded without an Encrypt Key so the plaintext callback mode is exercised too.
  lark: {
    appId: 'cli_sim_lark_0001',
    appSecret: 'sim-lark-app-secret',
    verificationToken: 'sim-lark-verification-token',
    tenantKey: 'sim_lark_tenant',
  },
  dingtalk: { appId: 'dingsimstandard0001', appSecret: 'sim-dingtalk-app-secret', tenantKey: 'dingsimcorp0001' },
  'dingtalk-exclusive': {
    appId: 'dingsimexclusive0001',
    appSecret: 'sim-dingtalk-exclusive-app-secret',
    tenantKey: 'dingsimcorp0002',
  },
} as const;

/**
 * Sandbox users: alice requests, bob / carol / dave approve. erin / frank / grace exist to exercise the
 * "unreachable" answers on Feishu and Lark (resigned, blocked the bot, outside the availability scope). dave's chat
 * app is in Chinese and erin's in Japanese (the service's directory gives them the same languages).
 */
export const SANDBOX_USERS = [
  { id: 'alice', name: 'Alice Requester', mobile: '13800000001', email: 'alice@example.com' },
  { id: 'bob', name: 'Bob Approver', mobile: '13800000002', email: 'bob@example.com' },
  { id: 'carol', name: 'Carol Approver', mobile: '13800000003', email: 'carol@example.com' },
  { id: 'dave', name: 'Dave Approver', mobile: '13800000004', email: 'dave@example.com', locale: 'zh-CN' },
  {
    id: 'erin',
    name: 'Erin Resigned',
    mobile: '13800000005',
    email: 'erin@example.com',
    locale: 'ja-JP',
    status: { feishu: 'resigned', lark: 'resigned' },
  },
  {
    id: 'frank',
    name: 'Frank Blocked',
    mobile: '13800000006',
    email: 'frank@example.com',
    status: { feishu: 'blocked', lark: 'blocked' },
  },
  {
    id: 'grace',
    name: 'Grace Outside',
    mobile: '13800000007',
    email: 'grace@example.com',
    status: { feishu: 'out_of_scope', lark: 'out_of_scope' },
  },
] as const;

export function seedSandbox(apps: AppRegistry, users: UserDirectory): void {
  for (const [platform, app] of Object.entries(SANDBOX_APPS)) {
    apps.upsert(platform as keyof typeof SANDBOX_APPS, app.appId, { ...app, name: `Sandbox ${platform} app` });
  }
  for (const user of SANDBOX_USERS)
    users.upsert(user.id, { ...user, status: { ...('status' in user ? user.status : {}) } });
}
