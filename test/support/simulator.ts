import { request } from 'undici';
import type { SimCoreOptions } from '../../sim/core/core.js';
import type { SimFaultSpec } from '../../sim/core/faults.js';
import type { SimMessage } from '../../sim/core/inbox.js';
import type { SimRequestRecord } from '../../sim/core/request-log.js';
import { SANDBOX_APPS } from '../../sim/core/seed.js';
import { startSimServer, type SimServer } from '../../sim/server.js';

export { SANDBOX_APPS };

/** The control API over HTTP, as other processes (the API, e2e tests) would use it. */
export class SimControl {
  constructor(readonly url: string) {}

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await request(`${this.url}/_sim${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new Error(`sim ${method} ${path}: HTTP ${res.statusCode} ${text}`);
    return JSON.parse(text) as T;
  }

  reset = () => this.call('POST', '/reset');
  setApp = (platform: string, appId: string, patch: Record<string, unknown>) =>
    this.call('PUT', `/apps/${platform}/${encodeURIComponent(appId)}`, patch);
  setUser = (id: string, patch: Record<string, unknown>) => this.call('PUT', `/users/${encodeURIComponent(id)}`, patch);
  addFault = (spec: SimFaultSpec) => this.call('POST', '/faults', spec);
  expireTokens = (filter: { platform?: string; appId?: string } = {}) => this.call('POST', '/tokens/expire', filter);
  setConfig = (patch: { tokenTtlSeconds?: number; callbackTimeoutMs?: number }) => this.call('PATCH', '/config', patch);
  inbox = (platform: string, user: string) =>
    this.call<(SimMessage & { view: unknown })[]>('GET', `/inbox?platform=${platform}&user=${user}`);
  requests = (filter: Record<string, string> = {}) =>
    this.call<SimRequestRecord[]>('GET', `/requests?${new URLSearchParams(filter).toString()}`);
  click = <T = unknown>(body: { platform: string; messageId: string; userId: string; action: string; mode?: string }) =>
    this.call<T>('POST', '/click', body);
}

export interface TestSimulator extends SimServer {
  control: SimControl;
  /** Base URL a Feishu / Lark / DingTalk client uses, e.g. `baseUrl('feishu')`. */
  baseUrl(prefix: string): string;
}

/** The simulator in-process on a free port (tests own one each; `close()` in `after`). */
export async function startTestSimulator(options: SimCoreOptions = {}): Promise<TestSimulator> {
  const server = await startSimServer({ ...options, port: 0 });
  return { ...server, control: new SimControl(server.url), baseUrl: (prefix) => `${server.url}/${prefix}` };
}
