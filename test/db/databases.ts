import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseTarget, openDatabase } from '../../src/db/database.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  kind: DatabaseKind;
  /** DATABASE_URL for it: `memory://<name>` or a fresh PostgreSQL database. */
  url: string;
  drop(): Promise<void>;
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL names a server (scripts/test.sh starts one in CI). */
export function databaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A database of its own for one suite: nothing leaks between suites, and PostgreSQL ones are dropped after. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const name = `ab_test_${randomBytes(6).toString('hex')}`;
  if (kind === 'pglite') {
    // Held open for the suite: an in-memory PGlite lives as long as someone holds it, so apps can restart on it.
    const url = `memory://${name}`;
    const held = await openDatabase(databaseTarget(url, 'unused'));
    return { kind, url, drop: () => held.release() };
  }
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set');
  await withClient(admin, (c) => c.query(`create database ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    drop: () => withClient(admin, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
