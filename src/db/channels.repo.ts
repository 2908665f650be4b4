import type { z } from 'zod';
import { CHANNEL_CONFIG_SCHEMAS, SECRET_FIELDS } from '../channels/channel-config.js';
import type { StoredChannel } from '../channels/registry.js';
import { CHANNEL_KINDS, type ChannelKind } from '../domain/channel.js';
import type { Database } from './database.js';
import { inTransaction } from './transaction.js';
import type { ChannelRow, SealedSecret } from './schema.js';
import { isMask, maskSecret, type SecretBox } from './secret-box.js';
import { StoreError } from './store-error.js';

/** A channel as the API shows it: secrets masked, with the key id each is sealed under. */
export interface ChannelRecord {
  kind: ChannelKind;
  enabled: boolean;
  config: Record<string, unknown>;
  secrets: Record<string, { masked: string; keyId: string }>;
  version: number;
  updatedAt: Date;
}

type Config = Record<string, unknown>;

const secretContext = (kind: ChannelKind, field: string) => `channel:${kind}:${field}`;
const secretFields = (kind: ChannelKind): readonly string[] => SECRET_FIELDS[kind];

/** Channel configs, secrets sealed field by field; every change bumps `version` so workers rebuild providers. */
export class ChannelRepository {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  async list(): Promise<ChannelRecord[]> {
    const rows = await this.db.selectFrom('channels').selectAll().execute();
    return rows
      .map((row) => this.record(row))
      .sort((a, b) => CHANNEL_KINDS.indexOf(a.kind) - CHANNEL_KINDS.indexOf(b.kind));
  }

  async get(kind: ChannelKind): Promise<ChannelRecord | undefined> {
    const row = await this.db.selectFrom('channels').selectAll().where('kind', '=', kind).executeTakeFirst();
    return row ? this.record(row) : undefined;
  }

  /** The full config with secrets opened, for providers only (never for an API answer). */
  async load(kind: ChannelKind): Promise<StoredChannel | undefined> {
    const row = await this.db.selectFrom('channels').selectAll().where('kind', '=', kind).executeTakeFirst();
    if (!row) return undefined;
    const config: Config = { ...row.config };
    for (const [field, sealed] of Object.entries(row.secrets))
      config[field] = this.box.open(sealed, secretContext(kind, field));
    return { kind, enabled: row.enabled, config, version: String(row.version) };
  }

  /**
   * Creates or replaces a kind's config. Secrets left out (or sent back masked) keep their stored value; the merged
   * config must satisfy the kind's schema. A new channel starts disabled unless `enabled` says otherwise.
   */
  async put(kind: ChannelKind, input: Config, enabled?: boolean): Promise<{ record: ChannelRecord; created: boolean }> {
    return inTransaction(this.db, async (trx) => {
      const existing = await trx
        .selectFrom('channels')
        .selectAll()
        .where('kind', '=', kind)
        .forUpdate()
        .executeTakeFirst();
      const secrets = this.mergeSecrets(kind, input, existing?.secrets ?? {});
      const plain = Object.fromEntries(Object.entries(input).filter(([k]) => !secretFields(kind).includes(k)));
      this.validate(kind, plain, secrets);
      const row = {
        kind,
        enabled: enabled ?? existing?.enabled ?? false,
        config: JSON.stringify(plain),
        secrets: JSON.stringify(secrets),
        version: (existing?.version ?? 0) + 1,
        updated_at: new Date(),
      };
      const saved = existing
        ? await trx.updateTable('channels').set(row).where('kind', '=', kind).returningAll().executeTakeFirstOrThrow()
        : await trx.insertInto('channels').values(row).returningAll().executeTakeFirstOrThrow();
      return { record: this.record(saved), created: !existing };
    });
  }

  async setEnabled(kind: ChannelKind, enabled: boolean): Promise<ChannelRecord> {
    const row = await this.db
      .updateTable('channels')
      .set((eb) => ({ enabled, version: eb('version', '+', 1), updated_at: new Date() }))
      .where('kind', '=', kind)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new StoreError('NOT_FOUND', `channel ${kind} is not configured`);
    return this.record(row);
  }

  /** Seals every secret still under an older key with the active key, in one transaction; returns how many. */
  async rotateSecrets(): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      let count = 0;
      for (const row of await trx.selectFrom('channels').selectAll().forUpdate().execute()) {
        const kind = row.kind as ChannelKind;
        const next: Record<string, SealedSecret> = {};
        for (const [field, sealed] of Object.entries(row.secrets)) {
          const stale = this.box.isStale(sealed);
          next[field] = stale
            ? this.box.seal(this.box.open(sealed, secretContext(kind, field)), secretContext(kind, field))
            : sealed;
          if (stale) count++;
        }
        await trx
          .updateTable('channels')
          .set({ secrets: JSON.stringify(next) })
          .where('kind', '=', kind)
          .execute();
      }
      return count;
    });
  }

  private mergeSecrets(
    kind: ChannelKind,
    input: Config,
    stored: Record<string, SealedSecret>,
  ): Record<string, SealedSecret> {
    const out: Record<string, SealedSecret> = {};
    for (const field of secretFields(kind)) {
      const value = input[field];
      if (typeof value === 'string' && value !== '' && !isMask(value))
        out[field] = this.box.seal(value, secretContext(kind, field));
      else if (value === null)
        continue; // an explicit null removes an optional secret
      else if (stored[field]) out[field] = stored[field];
    }
    return out;
  }

  /** Checks the merged config with the kind's schema; secrets stand in as placeholders, so no value is echoed. */
  private validate(kind: ChannelKind, plain: Config, secrets: Record<string, SealedSecret>): void {
    const candidate: Config = { ...plain };
    for (const field of Object.keys(secrets)) candidate[field] = 'sealed';
    const parsed = (CHANNEL_CONFIG_SCHEMAS[kind] as z.ZodType).safeParse(candidate);
    if (parsed.success) return;
    const issues = parsed.error.issues.map((i) => ({ path: ['config', ...i.path].join('.'), message: i.message }));
    throw new StoreError('INVALID', `the ${kind} config is incomplete or invalid`, issues);
  }

  private record(row: ChannelRow): ChannelRecord {
    const kind = row.kind as ChannelKind;
    const secrets: ChannelRecord['secrets'] = {};
    for (const [field, sealed] of Object.entries(row.secrets)) {
      let masked = '••••';
      try {
        masked = maskSecret(this.box.open(sealed, secretContext(kind, field)));
      } catch {
        // Sealed under a key we no longer hold: still show that a secret is set.
      }
      secrets[field] = { masked, keyId: sealed.kid };
    }
    return {
      kind,
      enabled: row.enabled,
      config: row.config,
      secrets,
      version: row.version,
      updatedAt: new Date(row.updated_at),
    };
  }
}
