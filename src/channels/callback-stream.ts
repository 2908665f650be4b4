import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The platform-neutral side of DingTalk Stream mode and Feishu / Lark long connections: the API dials out to the
 * platform's gateway and card callbacks arrive over that WebSocket. Each platform module opens one session
 * (`StreamOpener`); `StreamSupervisor` keeps one open, with backoff between attempts, and says how it is doing.
 */

/** A click's JSON payload as the platform sent it over the connection, and how to answer it. */
export interface StreamCallback {
  payload: unknown;
  /** Called once the answer has been handed to the socket (Feishu: the clicker's card counts as shown then). */
  onAnswered(listener: () => void): void;
}

/** Handles one callback: the answer the platform shows the clicker, or undefined for "nothing to change". */
export type StreamCallbackHandler = (callback: StreamCallback) => Promise<Record<string, unknown> | undefined>;

/** One open connection. `closed` resolves with why it ended (dropped, asked to reconnect, stopped). */
export interface StreamSession {
  closed: Promise<string>;
  close(): void;
}

export interface StreamEvents {
  /** A frame we did not act on: not ours, malformed, or refused by the decision path. Never a secret. */
  ignored(reason: string): void;
  /** A callback frame arrived (counted before it is handled). */
  received(): void;
}

/** Opens one session: gateway handshake, then the WebSocket; rejects when either fails. */
export type StreamOpener = (handler: StreamCallbackHandler, events: StreamEvents) => Promise<StreamSession>;

export type StreamState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface StreamStatus {
  state: StreamState;
  /** When the current connection opened (ISO 8601). */
  connectedAt?: string;
  /** Connections opened again after the first one (drops, platform-requested reconnects, failed attempts). */
  reconnects: number;
  callbacksReceived: number;
  /** Why the last attempt failed or the last connection ended; names no secret. */
  lastError?: string;
}

/** Told about every change, for logs and metrics: the frames' events and the connection's. */
export interface StreamObserver extends StreamEvents {
  connected(status: StreamStatus): void;
  disconnected(reason: string, retryInMs: number): void;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** 1 s, 2 s, 4 s … up to a minute, each with up to a second of jitter so replicas do not reconnect in step. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random): number {
  const exponential = options.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 16);
  return Math.min(exponential + random() * options.baseMs, options.maxMs);
}

/** Keeps one session of `open` alive until `stop()`: reconnects after every drop or failed attempt. */
export class StreamSupervisor {
  private readonly abort = new AbortController();
  private session: StreamSession | undefined;
  private loop: Promise<void> | undefined;
  private current: StreamStatus = { state: 'connecting', reconnects: 0, callbacksReceived: 0 };

  constructor(
    private readonly open: StreamOpener,
    private readonly handler: StreamCallbackHandler,
    private readonly observer: StreamObserver,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  status(): StreamStatus {
    return { ...this.current };
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.session?.close();
    await this.loop;
    this.current = { ...this.current, state: 'stopped' };
    delete this.current.connectedAt;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let everConnected = false;
    const events: StreamEvents = {
      ignored: (reason) => this.observer.ignored(reason),
      received: () => {
        this.current.callbacksReceived += 1;
        this.observer.received();
      },
    };
    while (!this.abort.signal.aborted) {
      let reason: string;
      try {
        this.session = await this.open(this.handler, events);
        if (this.abort.signal.aborted) this.session.close();
        if (everConnected) this.current.reconnects += 1;
        everConnected = true;
        attempt = 0;
        this.current = { ...this.current, state: 'connected', connectedAt: new Date().toISOString() };
        delete this.current.lastError;
        this.observer.connected(this.status());
        reason = await this.session.closed;
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
      this.session = undefined;
      if (this.abort.signal.aborted) return;
      attempt += 1;
      const delay = backoffDelay(attempt, this.backoff);
      this.current = { ...this.current, state: everConnected ? 'reconnecting' : 'connecting', lastError: reason };
      delete this.current.connectedAt;
      this.observer.disconnected(reason, delay);
      await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }
}
