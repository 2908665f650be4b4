import { expectJson } from './http.js';

/** A request the simulator answered (its request log, `GET /_sim/requests`). */
export interface SimRecord {
  seq: number;
  at: number;
  platform: string;
  method: string;
  path: string;
  status: number;
  appId?: string;
  api?: string;
  vendorCode?: string | number;
  durationMs: number;
}

export interface SimRevision {
  at: number;
  source: 'send' | 'update' | 'callback';
}

export interface SimMessage {
  id: string;
  platform: string;
  userId: string;
  /** Set on a card posted to a group chat (Feishu `oc_…`, DingTalk openConversationId). */
  chatId?: string;
  msgType: string;
  content: unknown;
  createdAt: number;
  history: SimRevision[];
}

export interface SimClickResult {
  answer: { status?: number; durationMs: number; failure?: string; body: string };
  record: { status?: number; clientError?: { code: number | string; msg: string } };
}

/** The sandbox apps of sim/core/seed.ts (throw-away values for the local simulator). */
export const SIM_APPS = {
  feishu: { appId: 'cli_sim_feishu_0001', appSecret: 'sim-feishu-app-secret' },
  lark: { appId: 'cli_sim_lark_0001', appSecret: 'sim-lark-app-secret' },
} as const;
export type FeishuLike = keyof typeof SIM_APPS;

/** The simulator's control API (sim/README.md). */
export class SimClient {
  constructor(readonly url: string) {}

  private control<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    return expectJson<T>(200, method, `${this.url}/_sim${path}`, body);
  }

  reset = () => this.control('POST', '/reset');
  setApp = (platform: FeishuLike, patch: Record<string, unknown>) =>
    this.control('PUT', `/apps/${platform}/${SIM_APPS[platform].appId}`, patch);
  setUser = (id: string, patch: { name: string; mobile: string; email?: string }) =>
    this.control('PUT', `/users/${encodeURIComponent(id)}`, patch);
  requests = (sinceSeq: number) => this.control<SimRecord[]>('GET', `/requests?sinceSeq=${sinceSeq}`);
  inbox = (platform: FeishuLike, user?: string) =>
    this.control<SimMessage[]>('GET', `/inbox?platform=${platform}${user ? `&user=${encodeURIComponent(user)}` : ''}`);
  message = (platform: FeishuLike, id: string) =>
    this.control<SimMessage>('GET', `/messages/${platform}/${encodeURIComponent(id)}`);
  click = (platform: FeishuLike, messageId: string, userId: string, action: 'approve' | 'reject' = 'approve') =>
    this.control<SimClickResult>('POST', '/click', { platform, messageId, userId, action });
}
