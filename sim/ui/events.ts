import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Inbox } from '../core/inbox.js';

/** How often the inbox is compared with its last state while a page is listening. */
const CHECK_EVERY_MS = 150;
/** A comment line now and then keeps idle proxies and browsers from closing the stream. */
const KEEPALIVE_EVERY_MS = 15_000;

export const EVENTS_PATH = '/_sim/events';

/**
 * `GET /_sim/events`: a Server-Sent Events stream with one `inbox` event whenever a message is delivered, updated
 * or clicked (and after a reset). The inbox keeps no listeners of its own, so the stream compares a cheap
 * fingerprint of it (ids, revision and click counts) on a short timer, and only while a page is connected.
 */
export class InboxEvents {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private fingerprint = '';
  private version = 0;

  constructor(private readonly inbox: Inbox) {}

  /** Serves the stream when the request is for it; false leaves the request to the other routes. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== EVENTS_PATH) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(`retry: 1000\nevent: inbox\ndata: ${JSON.stringify({ version: this.version })}\n\n`);
    this.clients.add(res);
    res.on('close', () => this.drop(res));
    this.startTimers();
    return true;
  }

  private startTimers(): void {
    if (this.timer) return;
    this.fingerprint = this.currentFingerprint();
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS).unref();
    this.keepalive = setInterval(() => this.broadcast(': keepalive\n\n'), KEEPALIVE_EVERY_MS).unref();
  }

  private drop(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size > 0) return;
    clearInterval(this.timer);
    clearInterval(this.keepalive);
    this.timer = this.keepalive = undefined;
  }

  private check(): void {
    const now = this.currentFingerprint();
    if (now === this.fingerprint) return;
    this.fingerprint = now;
    this.version += 1;
    this.broadcast(`event: inbox\ndata: ${JSON.stringify({ version: this.version })}\n\n`);
  }

  private currentFingerprint(): string {
    return this.inbox
      .list()
      .map((m) => `${m.platform}/${m.id}/${m.history.length}/${m.clicks.length}`)
      .join('|');
  }

  private broadcast(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }

  /** Ends every open stream (the server is closing). */
  close(): void {
    for (const res of [...this.clients]) {
      res.end();
      this.drop(res);
    }
  }
}
