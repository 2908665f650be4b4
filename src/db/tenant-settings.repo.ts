import { TenantSettings } from '../i18n/reader.js';
import type { Database } from './database.js';

/** Each tenant's reader defaults (language, time zone), for users who chose none. */
export class TenantSettingsRepository {
  constructor(private readonly db: Database) {}

  async get(tenant: string): Promise<TenantSettings & { updatedAt?: Date }> {
    const row = await this.db.selectFrom('tenant_settings').selectAll().where('tenant', '=', tenant).executeTakeFirst();
    if (!row) return {};
    const settings = TenantSettings.parse({ locale: row.locale ?? undefined, timeZone: row.time_zone ?? undefined });
    return { ...settings, updatedAt: new Date(row.updated_at) };
  }

  /** Replaces the tenant's defaults (a field left out is cleared). */
  async put(tenant: string, settings: TenantSettings): Promise<TenantSettings & { updatedAt: Date }> {
    const values = { locale: settings.locale ?? null, time_zone: settings.timeZone ?? null, updated_at: new Date() };
    await this.db
      .insertInto('tenant_settings')
      .values({ tenant, ...values })
      .onConflict((c) => c.column('tenant').doUpdateSet(values))
      .execute();
    return { ...settings, updatedAt: values.updated_at };
  }
}
