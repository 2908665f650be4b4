/**
 * A bare WebSocket client for the simulator's long-connection gateways: every frame it gets is queued so a test can
 * wait for the next one matching a predicate. Deliberately independent of src/ (it checks the sim, not the client).
 */
import WebSocket from 'ws';

export interface Received {
  data: Buffer;
  isBinary: boolean;
}

export class RawSocket {
  readonly frames: Received[] = [];
  readonly closed: Promise<number>;
  private readonly waiting = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.frames.push({ data, isBinary });
      for (const wake of this.waiting) wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code: number) => resolve(code)));
  }

  /** Connect, or reject with the HTTP status the server refused the upgrade with. */
  static open(url: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const raw = new RawSocket(socket);
      socket.once('open', () => resolve(raw));
      socket.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode }));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** The first queued-or-future frame `match` accepts (removed from the queue), or a rejection after `timeoutMs`. */
  next<T>(match: (frame: Received) => T | undefined, timeoutMs = 2_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (const [i, frame] of this.frames.entries()) {
          const value = match(frame);
          if (value === undefined) continue;
          this.frames.splice(i, 1);
          clearTimeout(timer);
          this.waiting.delete(wake);
          resolve(value);
          return true;
        }
        return false;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiting.delete(wake);
        reject(new Error('no matching frame in time'));
      }, timeoutMs);
      if (!check()) this.waiting.add(wake);
    });
  }

  /** The next text frame parsed as JSON that `match` accepts. */
  nextJson<T = Record<string, unknown>>(match: (frame: T) => boolean = () => true, timeoutMs?: number): Promise<T> {
    return this.next((f) => {
      if (f.isBinary) return undefined;
      let parsed: T;
      try {
        parsed = JSON.parse(f.data.toString('utf8')) as T;
      } catch {
        return undefined;
      }
      return match(parsed) ? parsed : undefined;
    }, timeoutMs);
  }

  send(data: string | Buffer): void {
    this.socket.send(data);
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Open-and-refused: the HTTP status of the refusal (fails the test when the upgrade succeeds). */
export async function refusedStatus(url: string): Promise<number> {
  try {
    const raw = await RawSocket.open(url);
    raw.close();
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
  throw new Error(`upgrade to ${url} was accepted`);
}
