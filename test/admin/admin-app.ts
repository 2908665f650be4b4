import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApi } from '../../src/api/main.js';
import { loadEnv } from '../../src/config/env.js';

export const ADMIN = 'admin-token-for-admin-api-tests-0123456789';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface AdminApp {
  app: NestExpressApplication;
  url: string;
  /** Every response body, to check no secret was ever sent back. */
  transcript: string[];
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: { token?: string | null; json?: unknown; headers?: Record<string, string> },
  ): Promise<Answer<T>>;
  tokenFor(role: 'dba' | 'ticket-system' | 'approver' | 'admin', userId?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real Nest app over HTTP on a database of the test's choosing, outside sandbox mode (nothing seeded). The
 * admin endpoints never call Temporal, so no server is started: the app's client connects lazily and never does.
 */
export async function startAdminApp(env: Record<string, string>): Promise<AdminApp> {
  const app = await createApi({
    env: loadEnv({ ADMIN_TOKEN: ADMIN, SANDBOX: 'false', PUBLIC_BASE_URL: 'https://approvals.example.test', ...env }),
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const transcript: string[] = [];
  const call: AdminApp['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? ADMIN : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
    });
    const text = await res.text();
    transcript.push(text);
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as never };
  };
  const tokenFor: AdminApp['tokenFor'] = async (role, userId = `${role}-user`) => {
    const res = await call<{ token: string }>('POST', '/v1/tokens', { json: { role, userId } });
    if (res.status !== 201) throw new Error(`minting a ${role} token: HTTP ${res.status}`);
    return res.body.token;
  };
  return { app, url, transcript, call, tokenFor, close: () => app.close() };
}
