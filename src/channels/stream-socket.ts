import WebSocket from 'ws';
import type { StreamSession } from './callback-stream.js';

/** A gateway that accepted the upgrade answers within this, or the attempt counts as failed. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** A WebSocket ping this often; no pong by the next one means the path is dead (NAT, proxy) though no FIN came. */
const KEEPALIVE_MS = 20_000;

/** Opens the WebSocket; rejects on refusal (e.g. a used ticket: HTTP 401) or timeout, with no secret in the message. */
export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    const fail = (why: string) => {
      socket.removeAllListeners();
      socket.terminate();
      reject(new Error(why));
    };
    socket.once('open', () => {
      socket.removeAllListeners();
      resolve(socket);
    });
    socket.once('unexpected-response', (_req, res) =>
      fail(`the gateway refused the WebSocket (HTTP ${res.statusCode})`),
    );
    socket.once('error', (err) => fail(`WebSocket failed: ${err.message.replace(/ticket=[^&\s]+/g, 'ticket=…')}`));
  });
}

/** The session of an open socket: keeps it alive with pings and resolves `closed` once, with the reason. */
export function socketSession(socket: WebSocket): StreamSession & { end(reason: string): void } {
  let ended: ((reason: string) => void) | undefined;
  const closed = new Promise<string>((resolve) => (ended = resolve));
  let reason: string | undefined;
  const end = (why: string) => {
    reason ??= why;
    clearInterval(keepalive);
    socket.terminate();
  };
  let alive = true;
  socket.on('pong', () => (alive = true));
  const keepalive = setInterval(() => {
    if (!alive) return end('no pong within the keepalive interval');
    alive = false;
    socket.ping();
  }, KEEPALIVE_MS);
  keepalive.unref();
  socket.on('error', (err) => (reason ??= `WebSocket error: ${err.message}`));
  socket.once('close', (code) => {
    clearInterval(keepalive);
    ended?.(reason ?? `the gateway closed the connection (code ${code})`);
  });
  return { closed, close: () => end('stopped'), end };
}
