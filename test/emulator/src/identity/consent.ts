import type { Tenant, User } from '../state/model';
import { containsScope, missingScopes } from './scopes';

/** Does an admin consent for the tenant cover these Graph permissions? */
export function adminConsentCovers(tenant: Tenant, clientId: string, scopes: readonly string[]): boolean {
  if (!tenant.adminConsents.has(clientId)) return false;
  const granted = tenant.adminConsents.get(clientId);
  return granted === undefined || missingScopes(scopes, granted).length === 0;
}

/** Graph permissions not yet consented for this user and app (by the user or by an admin). */
export function unconsentedScopes(tenant: Tenant, user: User, clientId: string, scopes: readonly string[]): string[] {
  if (adminConsentCovers(tenant, clientId, scopes)) return [];
  const admin = tenant.adminConsents.get(clientId) ?? [];
  const mine = user.consents.get(clientId) ?? [];
  return scopes.filter((s) => !containsScope(mine, s) && !containsScope(admin, s));
}

/** Scopes that need an admin in this tenant (policy admin_required, or admin-only permissions). */
export function scopesNeedingAdmin(tenant: Tenant, scopes: readonly string[]): string[] {
  if (tenant.consentPolicy === 'admin_required') return [...scopes];
  return scopes.filter((s) => containsScope(tenant.adminOnlyScopes, s));
}

export function recordUserConsent(user: User, clientId: string, scopes: readonly string[]): void {
  const current = user.consents.get(clientId) ?? [];
  user.consents.set(clientId, [...current, ...missingScopes(scopes, current)]);
}

export function recordAdminConsent(tenant: Tenant, clientId: string, scopes: string[] | undefined): void {
  if (scopes === undefined) {
    tenant.adminConsents.set(clientId, undefined);
    return;
  }
  const current = tenant.adminConsents.get(clientId);
  if (tenant.adminConsents.has(clientId) && current === undefined) return;
  const list = current ?? [];
  tenant.adminConsents.set(clientId, [...list, ...missingScopes(scopes, list)]);
}
