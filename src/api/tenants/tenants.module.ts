import { Module } from '@nestjs/common';
import { TenantsController } from './tenants.controller.js';

/** /v1/tenants/:tenant/settings: a tenant's default language and time zone. */
@Module({ controllers: [TenantsController] })
export class TenantsModule {}
