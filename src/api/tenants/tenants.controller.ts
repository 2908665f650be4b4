import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { STORE } from '../../db/database.module.js';
import type { Store } from '../../db/store.js';
import { readerOf, type TenantSettings } from '../../i18n/reader.js';
import { Roles } from '../auth/auth.decorators.js';
import { storeCall } from '../common/store-errors.js';
import { PutTenantSettingsRequest, TenantParam, type TenantSettingsView } from './tenants.schemas.js';

/**
 * A tenant's reader defaults: the language and time zone of every card, answer and notice for users who set none
 * of their own (`locale` / `timeZone` on the user). New cards use them at once; cards already out keep theirs.
 */
@Controller('v1/tenants/:tenant/settings')
export class TenantsController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get()
  @Roles('dba')
  async get(@Param('tenant', { schema: TenantParam }) tenant: string): Promise<TenantSettingsView> {
    return view(tenant, await storeCall(() => this.store.tenantSettings.get(tenant)));
  }

  @Put()
  @Roles('admin')
  async put(
    @Param('tenant', { schema: TenantParam }) tenant: string,
    @Body({ schema: PutTenantSettingsRequest }) body: PutTenantSettingsRequest,
  ): Promise<TenantSettingsView> {
    return view(tenant, await storeCall(() => this.store.tenantSettings.put(tenant, body)));
  }
}

type PutTenantSettingsRequest = TenantSettings;

function view(tenant: string, settings: TenantSettings & { updatedAt?: Date }): TenantSettingsView {
  const { locale, timeZone } = readerOf({}, settings);
  return {
    tenant,
    ...(settings.locale !== undefined && { locale: settings.locale }),
    ...(settings.timeZone !== undefined && { timeZone: settings.timeZone }),
    effective: { locale, timeZone },
    ...(settings.updatedAt !== undefined && { updatedAt: settings.updatedAt.toISOString() }),
  };
}
