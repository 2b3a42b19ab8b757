import type { Directory } from '../state/directory';
import type { App, Tenant, User } from '../state/model';

/** What the `{tenant}` path segment names. */
export type TenantTarget =
  | { kind: 'common' | 'organizations' | 'consumers'; segment: string }
  | { kind: 'tenant'; segment: string; tenant: Tenant }
  | { kind: 'unknown'; segment: string };

export function resolveTenant(directory: Directory, segment: string): TenantTarget {
  const lower = segment.toLowerCase();
  if (lower === 'common' || lower === 'organizations' || lower === 'consumers') return { kind: lower, segment: lower };
  const tenant = directory.findTenant(segment);
  return tenant ? { kind: 'tenant', segment, tenant } : { kind: 'unknown', segment };
}

/** Display name of the target for error texts. */
export const targetName = (t: TenantTarget): string => (t.kind === 'tenant' ? t.tenant.name : t.segment);

/** Is this app usable in `tenant` (multi-tenant, or registered there)? */
export const appVisibleIn = (app: App, tenantId: string): boolean =>
  app.signInAudience !== 'AzureADMyOrg' || app.homeTenantId === tenantId;

/**
 * The AADSTS code for an app used through an endpoint its sign-in audience does not allow, if any: a single-tenant
 * app on /common or /organizations is AADSTS50194; an app without personal accounts on /consumers is AADSTS9002332.
 */
export function audienceRefusal(app: App, target: TenantTarget): 50194 | 9002332 | undefined {
  if ((target.kind === 'common' || target.kind === 'organizations') && app.signInAudience === 'AzureADMyOrg')
    return 50194;
  if (target.kind === 'consumers' && app.signInAudience !== 'AzureADandPersonalMicrosoftAccount') return 9002332;
  return undefined;
}

/** Can `user` sign in through this target? */
export const userFitsTarget = (target: TenantTarget, user: User): boolean =>
  target.kind !== 'tenant' || target.tenant.id === user.tenantId;
