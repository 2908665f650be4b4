import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/**
 * Who holds PGlite's one session. A client keeps it from its first message until it is between transactions at a
 * Sync or simple Query, so one client's extended-protocol round (Parse/Bind/Execute/Sync) or transaction never
 * interleaves with another's — the multiplexing PGlite itself can't do.
 */
class SessionOwner {
  private owner?: Socket;
  private readonly waiting: { socket: Socket; grant: () => void }[] = [];

  async acquire(socket: Socket): Promise<void> {
    if (this.owner === socket) return;
    if (!this.owner) {
      this.owner = socket;
      return;
    }
    await new Promise<void>((grant) => this.waiting.push({ socket, grant }));
  }

  release(socket: Socket): void {
    if (this.owner !== socket) return;
    const next = this.waiting.shift();
    this.owner = next?.socket;
    next?.grant();
  }

  forget(socket: Socket): void {
    const i = this.waiting.findIndex((w) => w.socket === socket);
    if (i >= 0) this.waiting.splice(i, 1);
  }
}

interface Batch {
  batch?: Buffer;
  /** sync: Sync or simple Query (the server answers ReadyForQuery); flush: Flush; terminate: the client leaves. */
  ends: 'sync' | 'flush' | 'terminate' | 'none';
  untyped?: number;
}

/** Splits a client's byte stream into batches that end where the server answers ReadyForQuery. */
class Framer {
  private buffer = Buffer.alloc(0);
  private started = false;

  /** Whole messages up to the last batch boundary; `untyped` for the startup phase's special requests. */
  push(data: Buffer): Batch[] {
    this.buffer = Buffer.concat([this.buffer, data]);
    const out: Batch[] = [];
    let start = 0;
    let at = 0;
    while (true) {
      if (!this.started) {
        if (this.buffer.length - at < 8) break;
        const length = this.buffer.readInt32BE(at);
        if (this.buffer.length - at < length) break;
        const code = this.buffer.readInt32BE(at + 4);
        const message = this.buffer.subarray(at, at + length);
        at += length;
        start = at;
        if (code === SSL_REQUEST || code === GSSENC_REQUEST || code === CANCEL_REQUEST)
          out.push({ ends: 'none', untyped: code });
        else {
          this.started = true;
          out.push({ batch: message, ends: 'sync' });
        }
        continue;
      }
      if (this.buffer.length - at < 5) break;
      const type = String.fromCharCode(this.buffer[at] ?? 0);
      const length = this.buffer.readInt32BE(at + 1) + 1;
      if (this.buffer.length - at < length) break;
      at += length;
      const ends =
        type === 'S' || type === 'Q' ? 'sync' : type === 'H' ? 'flush' : type === 'X' ? 'terminate' : undefined;
      if (ends) {
        out.push({ batch: this.buffer.subarray(start, type === 'X' ? at - length : at), ends });
        start = at;
      }
    }
    this.buffer = this.buffer.subarray(start);
    return out;
  }
}

/**
 * Serves one PGlite over the PostgreSQL wire protocol (no TLS, no password: bind it to loopback), so separate
 * processes — the API and the worker of `npm start` — share one embedded, file-backed database.
 */
export function servePGlite(pglite: PGlite, port: number, host = '127.0.0.1'): Promise<Server> {
  const owner = new SessionOwner();
  const server = createServer((socket) => handle(pglite, owner, socket));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function handle(pglite: PGlite, owner: SessionOwner, socket: Socket): void {
  const framer = new Framer();
  let chain = Promise.resolve();
  const end = async () => {
    owner.forget(socket);
    await owner.acquire(socket);
    // A client gone mid-transaction must not leave it open for the next one (unless the database is gone too).
    if (!pglite.closed && pglite.isInTransaction()) await pglite.exec('rollback').catch(() => undefined);
    owner.release(socket);
  };
  socket.setNoDelay(true);
  socket.on('data', (data) => {
    const batches = framer.push(data);
    chain = chain
      .then(async () => {
        for (const b of batches) {
          if (b.untyped !== undefined) {
            if (b.untyped === CANCEL_REQUEST) socket.end();
            else socket.write('N'); // no TLS / GSS: the client carries on in plain text
            continue;
          }
          if (b.ends === 'terminate') {
            socket.end();
            continue;
          }
          await owner.acquire(socket);
          if (b.batch && b.batch.length > 0) socket.write(await pglite.execProtocolRaw(new Uint8Array(b.batch)));
          if (b.ends === 'sync' && !pglite.isInTransaction()) owner.release(socket);
        }
      })
      .catch(() => {
        socket.destroy();
      });
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    chain = chain.then(end, end);
  });
}
