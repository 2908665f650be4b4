import { z } from 'zod';
import { StartApprovalRequest } from '../../domain/approval.js';
import { TenantSettings } from '../../i18n/reader.js';

export const TenantParam = StartApprovalRequest.shape.tenant
  .unwrap()
  .meta({ description: 'The tenant, as approvals name it' });

/** Body of PUT /v1/tenants/:tenant/settings: a field left out is cleared (then en-US / UTC apply). */
export const PutTenantSettingsRequest = TenantSettings;

export const TenantSettingsView = TenantSettings.extend({
  tenant: z.string(),
  effective: z
    .object({ locale: z.string(), timeZone: z.string() })
    .meta({ description: 'What a user without settings of their own reads: these, else en-US / UTC' }),
  updatedAt: z.iso.datetime().optional(),
});
export type TenantSettingsView = z.infer<typeof TenantSettingsView>;
