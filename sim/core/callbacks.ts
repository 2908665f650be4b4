import { Agent, request } from 'undici';

export interface CallbackAnswer {
  /** HTTP status, or undefined when there was no answer (see `failure`). */
  status?: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
  failure?: 'timeout' | 'connect' | 'dns' | 'other';
}

/** POSTs a platform's callback to an app's URL the way the platform does: one try, no retry, hard timeout. */
export class CallbackPoster {
  // The sim owns one agent for all callbacks; closed with the server.
  // Platforms deliver many users' clicks at once: enough connections that a burst is not queued here.
  private readonly agent = new Agent({ connections: 256 });

  async post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<CallbackAnswer> {
    const started = Date.now();
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = String(v);
      return { status: res.statusCode, headers: flat, body: text, durationMs: Date.now() - started };
    } catch (err) {
      return { headers: {}, body: '', durationMs: Date.now() - started, failure: classify(err) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function classify(err: unknown): CallbackAnswer['failure'] {
  const e = err as { name?: string; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'dns';
  if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code === 'UND_ERR_SOCKET') return 'connect';
  return 'other';
}

/** Parse JSON when possible; otherwise keep the text. */
export function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
