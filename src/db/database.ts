import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { rootLogger } from '../logging/index.js';
import { migrationProvider } from './migrations/index.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

export type Database = Kysely<DB>;

/** Where the data lives: PostgreSQL, or PGlite in this process (a folder, or memory only). */
export type DatabaseTarget =
  { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string } | { kind: 'memory'; name: string };

/**
 * `postgres://…` / `postgresql://…`: PostgreSQL. `memory://[name]`: a throw-away PGlite in this process (the same
 * name is the same database within the process). Unset: PGlite kept in `<dataDir>/pglite`.
 */
export function databaseTarget(url: string | undefined, dataDir: string): DatabaseTarget {
  if (url === undefined || url === '') return { kind: 'pglite', dataDir: join(dataDir, 'pglite') };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  const memory = /^memory:\/\/(.*)$/.exec(url);
  if (memory) return { kind: 'memory', name: memory[1] ?? '' };
  throw new Error('DATABASE_URL must be postgres://…, postgresql://… or memory://');
}

export interface DatabaseHandle {
  db: Database;
  target: DatabaseTarget;
  /** Gives this handle back; the connection closes when the last handle of the process is released. */
  release(): Promise<void>;
}

interface Shared {
  ready: Promise<Database>;
  refs: number;
  close: () => Promise<void>;
}

// The API and the worker may share a process (tests, one-process deployments): they share one connection, which
// an in-process PGlite needs (it is a single session that only one owner may open).
const open = new Map<string, Shared>();

function keyOf(target: DatabaseTarget): string {
  return target.kind === 'postgres'
    ? target.url
    : `${target.kind}:${target.kind === 'memory' ? target.name : target.dataDir}`;
}

/** Opens (or joins) the database and brings its schema up to date. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  const key = keyOf(target);
  let shared = open.get(key);
  if (!shared) {
    const created = connect(target);
    shared = { ready: created.then((c) => c.db), refs: 0, close: async () => (await created).close() };
    open.set(key, shared);
  }
  shared.refs++;
  const entry = shared;
  try {
    const db = await entry.ready;
    return { db, target, release: once(() => releaseShared(key, entry)) };
  } catch (err) {
    await releaseShared(key, entry);
    throw err;
  }
}

async function releaseShared(key: string, shared: Shared): Promise<void> {
  shared.refs--;
  if (shared.refs > 0) return;
  open.delete(key);
  await shared.close().catch(() => undefined);
}

async function connect(target: DatabaseTarget): Promise<{ db: Database; close: () => Promise<void> }> {
  if (target.kind === 'postgres') {
    // Small pool: the API and the worker each hold one; PostgreSQL's own limit is shared by every replica.
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // An idle connection the server ends (restart, failover, an administrator's terminate) emits 'error' on the
    // pool; unhandled, that would crash the process. The pool drops the connection and opens a new one on demand.
    pool.on('error', (err) => rootLogger().warn({ err }, 'an idle database connection was closed by the server'));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    await migrateOrClose(db, () => db.destroy());
    return { db, close: () => db.destroy() };
  }
  if (target.kind === 'pglite') await mkdir(target.dataDir, { recursive: true });
  const pglite = await PGlite.create(target.kind === 'pglite' ? { dataDir: target.dataDir } : {});
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  const close = async () => {
    await db.destroy();
    await pglite.close();
  };
  await migrateOrClose(db, close);
  return { db, close };
}

async function migrateOrClose(db: Database, close: () => Promise<void>): Promise<void> {
  try {
    await migrate(db);
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** Applies pending migrations; concurrent migrators (API and worker starting together) wait on one lock. */
export async function migrate(db: Database): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
