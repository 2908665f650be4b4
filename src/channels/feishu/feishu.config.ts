import { z } from 'zod';
import { CallbackMode } from '../callback-mode.js';

export type FeishuKind = 'feishu' | 'lark';

/** Same API paths on both; only the host differs (official SDK `Domain.Feishu` / `Domain.Lark`). */
export const FEISHU_DEFAULT_BASE_URL = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
} as const satisfies Record<FeishuKind, string>;

/** Channel config for one Feishu or Lark custom app. Secrets live here and never reach Temporal history. */
export const FeishuConfig = z.object({
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  /** Compared with header.token of card callbacks. */
  verificationToken: z.string().min(1),
  /**
   * How card clicks reach us: `http` (the console's callback URL) or `stream` (long connection, 使用长连接接收回调:
   * our API keeps a WebSocket open, so no inbound port is needed). The console setting is app-wide, so switching
   * it there re-points cards already out as well.
   */
  callbackMode: CallbackMode.default('http'),
  /** When set, callbacks are AES-encrypted and signed with it. */
  encryptKey: z.string().min(1).optional(),
  /** Default by kind; the sandbox points it at the simulator, e.g. `http://127.0.0.1:3900/feishu`. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Console base URL for "view details" links when the ticket has no detailsUrl. */
  consoleBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** im/v1/messages tier is 1000/min & 50/s; 1000/min binds first, hence ~16/s sustained. */
  maxSendsPerSecond: z.number().positive().max(50).default(16),
  /** Billed API calls per month the app's plan allows (usage report); default 10,000 (free editions). */
  monthlyQuota: z.number().int().positive().optional(),
  /** Per HTTP call; Temporal's activity timeout bounds the whole attempt. */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** How long a resolved contact → open_id mapping is reused. */
  userCacheTtlMs: z
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
});
export type FeishuConfig = z.infer<typeof FeishuConfig>;
export type FeishuConfigInput = z.input<typeof FeishuConfig>;

export interface ResolvedFeishuConfig extends FeishuConfig {
  baseUrl: string;
}

/** Validate once; fills the kind's default base URL and drops a trailing slash. */
export function parseFeishuConfig(kind: FeishuKind, input: unknown): ResolvedFeishuConfig {
  const config = FeishuConfig.parse(input);
  return { ...config, baseUrl: (config.baseUrl ?? FEISHU_DEFAULT_BASE_URL[kind]).replace(/\/+$/, '') };
}
