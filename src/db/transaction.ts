import type { Transaction } from 'kysely';
import type { Database } from './database.js';
import type { DB } from './schema.js';

/** Runs `fn` in a transaction, or inside the caller's when `db` already is one (seeding composes repositories). */
export function inTransaction<T>(db: Database, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn);
}
