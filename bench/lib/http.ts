import { Agent, request, type Dispatcher } from 'undici';

/** One pool for every call the bench driver makes (API and simulator), all on 127.0.0.1. */
const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });

export interface Answer<T> {
  status: number;
  body: T;
}

export async function callJson<T>(
  method: Dispatcher.HttpMethod,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const res = await request(url, {
    method,
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Like callJson, but anything other than `expected` is an error naming the call. */
export async function expectJson<T>(
  expected: number | number[],
  method: Dispatcher.HttpMethod,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const answer = await callJson<T>(method, url, body, headers);
  const ok = Array.isArray(expected) ? expected.includes(answer.status) : answer.status === expected;
  if (!ok) throw new Error(`${method} ${url}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

export function closeHttp(): Promise<void> {
  return agent.close();
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
  return out;
}
