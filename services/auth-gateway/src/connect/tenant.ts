import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const MULTI_TENANT = ['common', 'organizations', 'consumers'];

/** `common`, `organizations`, `consumers`, a tenant GUID or a verified domain. */
export const tenantSchema = z
  .string()
  .trim()
  .refine(
    (v) => MULTI_TENANT.includes(v.toLowerCase()) || GUID.test(v) || DOMAIN.test(v),
    'must be common, a tenant GUID or a domain',
  )
  .transform((v) => (MULTI_TENANT.includes(v.toLowerCase()) ? v.toLowerCase() : v));

export function isSpecificTenant(tenant: string): boolean {
  return !MULTI_TENANT.includes(tenant.toLowerCase());
}

export function isTenantGuid(tenant: string): boolean {
  return GUID.test(tenant);
}
