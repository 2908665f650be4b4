import type { SchemaObject } from '@nestjs/swagger';
import { PutTenantSettingsRequest, TenantParam, TenantSettingsView } from '../tenants/tenants.schemas.js';
import { body, denied, error, json, jsonSchema, op, param } from './openapi-helpers.js';

/** A tenant's reader defaults (language, time zone) in the OpenAPI document. */
export const tenantPaths = {
  '/v1/tenants/{tenant}/settings': {
    get: op('tenants', 'dba, admin', {
      operationId: 'getTenantSettings',
      summary: "The tenant's default language and time zone for users who set none, and what applies",
      parameters: [param('tenant', TenantParam)],
      responses: { '200': json('TenantSettingsView', 'The settings'), '400': error('BadRequest'), ...denied },
    }),
    put: op('tenants', 'admin', {
      operationId: 'putTenantSettings',
      summary:
        "Replace the tenant's default language (zh-CN, en-US, ja-JP) and time zone (IANA); unset falls back to en-US / UTC",
      parameters: [param('tenant', TenantParam)],
      requestBody: body('PutTenantSettingsRequest'),
      responses: { '200': json('TenantSettingsView', 'The settings now'), '400': error('BadRequest'), ...denied },
    }),
  },
};

export const tenantSchemas: Record<string, SchemaObject> = {
  PutTenantSettingsRequest: jsonSchema(PutTenantSettingsRequest, 'input'),
  TenantSettingsView: jsonSchema(TenantSettingsView, 'output'),
};
