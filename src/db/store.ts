import { readFile } from 'node:fs/promises';
import type { StoredChannel } from '../channels/registry.js';
import type { Env } from '../config/env.js';
import { sandboxChannels } from '../service/sandbox-channels.js';
import { DirectoryFile, PolicyFile } from '../store/file-stores.js';
import { ChannelRepository } from './channels.repo.js';
import { databaseTarget, openDatabase, type Database, type DatabaseTarget } from './database.js';
import { EventStateRepository } from './event-states.repo.js';
import { RuleRepository } from './rules.repo.js';
import { parseKeyList, SANDBOX_SECRET_KEY, SecretBox, type SecretKey } from './secret-box.js';
import { seedNoticeDefaults } from './notice-defaults.js';
import { TenantSettingsRepository } from './tenant-settings.repo.js';
import { RulesFile, seedOnce, type SeedData } from './seed.js';
import { TokenRepository } from './tokens.repo.js';
import { PlatformIdRepository, UserRepository } from './users.repo.js';

/** Everything stored, behind one handle: the repositories over one database, and the key ring for secrets. */
export interface Store {
  db: Database;
  target: DatabaseTarget;
  box: SecretBox;
  channels: ChannelRepository;
  users: UserRepository;
  platformIds: PlatformIdRepository;
  rules: RuleRepository;
  tokens: TokenRepository;
  eventStates: EventStateRepository;
  tenantSettings: TenantSettingsRepository;
  /** Gives the database back (closed when the process's last user releases it). */
  release(): Promise<void>;
}

/**
 * The key ring from the environment: SECRETS_MASTER_KEY (id SECRETS_KEY_ID) seals, SECRETS_PREVIOUS_KEYS still
 * open. Sandbox mode without a master key falls back to a fixed, publicly known key (it guards only simulator
 * credentials); outside sandbox mode a master key is required.
 */
export function secretBoxFromEnv(
  env: Pick<Env, 'SANDBOX' | 'SECRETS_MASTER_KEY' | 'SECRETS_KEY_ID' | 'SECRETS_PREVIOUS_KEYS'>,
): SecretBox {
  const keys: SecretKey[] = [];
  if (env.SECRETS_MASTER_KEY) keys.push({ id: env.SECRETS_KEY_ID, key: Buffer.from(env.SECRETS_MASTER_KEY, 'base64') });
  keys.push(...parseKeyList(env.SECRETS_PREVIOUS_KEYS));
  if (env.SANDBOX) keys.push(SANDBOX_SECRET_KEY);
  if (keys.length === 0)
    throw new Error('SECRETS_MASTER_KEY is required outside sandbox mode (base64 of 32 random bytes)');
  return new SecretBox(keys);
}

/** Repositories over an open database. */
export function storeOver(db: Database, target: DatabaseTarget, box: SecretBox, release: () => Promise<void>): Store {
  return {
    db,
    target,
    box,
    channels: new ChannelRepository(db, box),
    users: new UserRepository(db),
    platformIds: new PlatformIdRepository(db),
    rules: new RuleRepository(db),
    tokens: new TokenRepository(db),
    eventStates: new EventStateRepository(db),
    tenantSettings: new TenantSettingsRepository(db),
    release,
  };
}

export interface OpenStoreOptions {
  /** Sandbox channels to seed on first start; by default the simulator's (SIMULATOR_URL). */
  sandboxChannels?: StoredChannel[];
}

/** Opens the database of DATABASE_URL (migrated), and in sandbox mode seeds it on first start. */
export async function openStore(env: Env, options: OpenStoreOptions = {}): Promise<Store> {
  const box = secretBoxFromEnv(env);
  const target = databaseTarget(env.DATABASE_URL, env.DATA_DIR);
  const handle = await openDatabase(target);
  try {
    if (env.SANDBOX) {
      const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://${env.API_HOST}:${env.API_PORT}`;
      const channels =
        options.sandboxChannels ?? sandboxChannels(env.SIMULATOR_URL, publicBaseUrl, env.SANDBOX_CALLBACK_MODE);
      await seedOnce(handle.db, box, 'sandbox', await sandboxSeed(env, channels));
    }
    await seedNoticeDefaults(handle.db);
  } catch (err) {
    await handle.release();
    throw err;
  }
  return storeOver(handle.db, target, box, () => handle.release());
}

async function sandboxSeed(env: Env, channels: StoredChannel[]): Promise<SeedData> {
  const read = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as unknown;
  return {
    channels,
    users: DirectoryFile.parse(await read(env.DIRECTORY_FILE)).users,
    policies: PolicyFile.parse(await read(env.POLICIES_FILE)),
    rules: RulesFile.parse(await read(env.NOTICE_RULES_FILE)),
  };
}
