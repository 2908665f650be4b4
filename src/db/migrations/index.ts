import type { Migration, MigrationProvider } from 'kysely/migration';
import * as initial from './001-initial.js';
import * as platformUsage from './002-platform-usage.js';
import * as notices from './003-notices.js';
import * as readers from './004-readers.js';

/**
 * Every migration, in order. Listed here rather than read from a folder so the same code runs from TypeScript
 * sources and from the built package. Never edit a released migration: add the next one.
 */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-platform-usage': platformUsage,
  '003-notices': notices,
  '004-readers': readers,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
