import type { SimResponse } from './route.js';

/** Body marker: the server destroys the socket instead of answering (simulates a connection reset). */
export const DROP_CONNECTION = Symbol('sim.dropConnection');

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers };
}

export function dropConnection(): SimResponse {
  return { status: 0, body: DROP_CONNECTION };
}

/** Parse a JSON request body; undefined when it is empty or not JSON. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The `Authorization: Bearer <token>` value, if present. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}
