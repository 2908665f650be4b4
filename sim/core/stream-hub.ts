import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { TicketBook } from './tickets.js';
import { SimInputError, type SimClock, type SimPlatform } from './types.js';

/** One open long connection (DingTalk Stream mode, Feishu/Lark 长连接), as `GET /_sim/streams` lists it. */
export interface StreamConnection {
  id: string;
  platform: SimPlatform;
  appId: string;
  openedAt: number;
  /** DingTalk: server pings the client echoed; Feishu / Lark: client pings the server answered with a pong. */
  pingsAnswered: number;
  /** Every frame the client sent on this connection. */
  framesReceived: number;
  /** Gateway-specific state from the ticket (DingTalk subscriptions, Feishu service_id). */
  meta: Record<string, unknown>;
}

export interface StreamFrame {
  data: Buffer;
  isBinary: boolean;
}

/** A platform's gateway: what it does with its connections. The hub owns sockets, tickets and waiting. */
export interface StreamGateway {
  platform: SimPlatform;
  opened?(conn: StreamConnection): void;
  /** Frames no delivery was waiting for (pings, echoes, junk). */
  received?(conn: StreamConnection, frame: StreamFrame): void;
  closed?(conn: StreamConnection): void;
  /** `POST /_sim/streams/drop` with `mode: "disconnect"`: the platform's polite way to move a client. */
  goodbye?(conn: StreamConnection): void;
}

export interface StreamFilter {
  platform?: SimPlatform;
  appId?: string;
}

interface Live {
  conn: StreamConnection;
  socket: WebSocket;
  gateway: StreamGateway;
  waiters: Set<(frame: StreamFrame | undefined) => boolean>;
}

/** The WebSocket side of the simulator: routes upgrades to gateways by path and keeps the open connections. */
export class StreamHub {
  readonly tickets: TicketBook;
  /** `host:port` the server listens on; endpoint URLs use it when a request has no Host header. */
  address = '127.0.0.1:3900';
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly gateways = new Map<string, StreamGateway>();
  private readonly live = new Map<string, Live>();

  constructor(private readonly clock: SimClock) {
    this.tickets = new TicketBook(clock);
  }

  /** `host:port` for an endpoint URL: the request's Host header, else the server's own address. */
  hostFor(hostHeader: string | undefined): string {
    return hostHeader?.trim() ? hostHeader.trim() : this.address;
  }

  /** Gateways register the path (without query) their clients connect to, e.g. `/feishu/ws`. */
  register(path: string, gateway: StreamGateway): void {
    this.gateways.set(path, gateway);
  }

  /** The HTTP server's `upgrade` event: a known path and a valid ticket, or the upgrade is refused. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const gateway = this.gateways.get(url.pathname.replace(/\/+$/, ''));
    if (!gateway) return refuse(socket, 404);
    const ticket = this.tickets.take(gateway.platform, url.searchParams.get('ticket'));
    if (!ticket) return refuse(socket, 401);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: StreamConnection = {
        id: randomUUID(),
        platform: ticket.platform,
        appId: ticket.appId,
        openedAt: this.clock.now(),
        pingsAnswered: 0,
        framesReceived: 0,
        meta: ticket.meta,
      };
      this.adopt({ conn, socket: ws, gateway, waiters: new Set() });
    });
  }

  list(filter: StreamFilter = {}): StreamConnection[] {
    return [...this.live.values()]
      .map((l) => l.conn)
      .filter(
        (c) => (!filter.platform || c.platform === filter.platform) && (!filter.appId || c.appId === filter.appId),
      );
  }

  /** False when the connection is gone (the frame is lost, as on a real network). */
  send(conn: StreamConnection, data: string | Buffer): boolean {
    const live = this.live.get(conn.id);
    if (!live || live.socket.readyState !== WebSocket.OPEN) return false;
    live.socket.send(data);
    return true;
  }

  /**
   * The first frame from `conn` that `match` accepts (it is then not passed to the gateway), or undefined after
   * `timeoutMs` or when the connection closes first.
   */
  waitFor<T>(conn: StreamConnection, match: (frame: StreamFrame) => T | undefined, timeoutMs: number) {
    return new Promise<T | undefined>((resolve) => {
      const live = this.live.get(conn.id);
      if (!live) return resolve(undefined);
      const waiter = (frame: StreamFrame | undefined): boolean => {
        const matched = frame === undefined ? undefined : match(frame);
        if (frame !== undefined && matched === undefined) return false;
        clearTimeout(timer);
        live.waiters.delete(waiter);
        resolve(matched);
        return true;
      };
      const timer = setTimeout(() => waiter(undefined), timeoutMs);
      live.waiters.add(waiter);
    });
  }

  /** `terminate` = a network drop; `disconnect` = the gateway's goodbye (DingTalk only). Answers how many. */
  drop(filter: StreamFilter, mode: 'terminate' | 'disconnect' = 'terminate'): number {
    const gateways = [...this.gateways.values()].filter((g) => !filter.platform || g.platform === filter.platform);
    if (mode === 'disconnect' && gateways.some((g) => !g.goodbye))
      throw new SimInputError(`mode "disconnect" is only simulated for DingTalk Stream connections`);
    const matching = this.list(filter).flatMap((c) => this.live.get(c.id) ?? []);
    for (const l of matching) {
      if (mode === 'disconnect') l.gateway.goodbye?.(l.conn);
      else this.terminate(l);
    }
    return matching.length;
  }

  /** Close a connection the polite way (WebSocket close frame). */
  close(conn: StreamConnection, code = 1000, reason = ''): void {
    this.live.get(conn.id)?.socket.close(code, reason);
  }

  /** Terminate every socket and forget every ticket (`/_sim/reset`, server shutdown). */
  clear(): void {
    for (const l of [...this.live.values()]) this.terminate(l);
    this.tickets.clear();
  }

  /** Gone at once (not when the close event comes round): a reset or drop is never followed by a stale listing. */
  private terminate(live: Live): void {
    live.socket.terminate();
    this.forget(live);
  }

  private forget(live: Live): void {
    if (this.live.get(live.conn.id) !== live) return;
    this.live.delete(live.conn.id);
    for (const waiter of live.waiters) waiter(undefined);
    live.gateway.closed?.(live.conn);
  }

  private adopt(live: Live): void {
    const { conn, socket, gateway } = live;
    this.live.set(conn.id, live);
    socket.on('error', () => socket.terminate());
    socket.on('message', (raw: RawData, isBinary: boolean) => {
      conn.framesReceived++;
      const frame = { data: toBuffer(raw), isBinary };
      for (const waiter of live.waiters) if (waiter(frame)) return;
      gateway.received?.(conn, frame);
    });
    socket.on('close', () => this.forget(live));
    gateway.opened?.(conn);
  }
}

function toBuffer(raw: RawData): Buffer {
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
}

/** Refuse an upgrade with a bare HTTP status, the way `ws` itself aborts a handshake. */
function refuse(socket: Duplex, status: number): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** "Each callback goes to one randomly chosen connection." */
export function pickRandom<T>(items: T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}
