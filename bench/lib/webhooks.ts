import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in for the ticket system: receives the outcome webhooks (`callbackUrl`) and tells waiters when a
 * ticket's outcome has arrived. Answers 204 to everything, at once.
 */
export class WebhookReceiver {
  private readonly arrived = new Map<string, number>();
  private readonly waiters = new Map<string, (at: number) => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const ready: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(204).end();
        ready.receiver?.receive(Buffer.concat(chunks).toString('utf8'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ready.receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/outcomes`);
    return ready.receiver;
  }

  private receive(body: string): void {
    const at = Date.now();
    let ticket: string | undefined;
    try {
      ticket = (JSON.parse(body) as { approval?: { ticketId?: string } }).approval?.ticketId;
    } catch {
      return;
    }
    if (!ticket || this.arrived.has(ticket)) return;
    this.arrived.set(ticket, at);
    this.waiters.get(ticket)?.(at);
    this.waiters.delete(ticket);
  }

  /** Resolves with the arrival time of the ticket's outcome; rejects after `timeoutMs`. */
  waitFor(ticketId: string, timeoutMs: number): Promise<number> {
    const at = this.arrived.get(ticketId);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(ticketId);
        reject(new Error(`no outcome webhook for ${ticketId} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(ticketId, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
