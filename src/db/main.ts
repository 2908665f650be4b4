/**
 * `npm start`'s embedded database: PGlite kept in DATA_DIR/pglite, served on 127.0.0.1:DB_PORT to the API and the
 * worker (separate processes; PGlite is one in-process session). No database server to install. Production uses
 * PostgreSQL through DATABASE_URL instead.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';
import { loadEnv } from '../config/env.js';
import { servePGlite } from './pglite-server.js';

const env = loadEnv();
const port = z.coerce
  .number()
  .int()
  .min(1)
  .max(65535)
  .parse(process.argv[2] ?? '5433');
const dataDir = join(env.DATA_DIR, 'pglite');
await mkdir(dataDir, { recursive: true });
const pglite = await PGlite.create({ dataDir });
const server = await servePGlite(pglite, port);
console.log(`PGlite (${dataDir}) serving postgres://postgres@127.0.0.1:${port}/postgres`);

const stop = () => {
  server.close();
  // Closing flushes PGlite's files; the socket server stops taking connections first.
  pglite.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
