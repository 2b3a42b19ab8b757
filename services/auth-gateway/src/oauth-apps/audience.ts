import { remediationFor, type OAuthAppAudience } from '@outlook-connect/shared';
import { isSpecificTenant } from '../connect/tenant';

export interface TenantRefusal {
  code: 'app_single_tenant' | 'app_not_for_personal_accounts';
  /** The reason, in the product's words, naming the tenant to use when we know it. */
  reason: string;
  remediation: string;
}

const PORTAL_TENANT = 'the Directory (tenant) ID in Azure Portal > App registrations > [your app] > Overview';

/** The tenant a single-tenant app must use, for the reason text: its default tenant when that is a specific one. */
export const appTenantOf = (defaultTenant: string | undefined): string | undefined =>
  defaultTenant && isSpecificTenant(defaultTenant) ? defaultTenant : undefined;

/**
 * Can an app registration with this sign-in audience sign users in through `tenant`? A single-tenant app only
 * through its own tenant (Microsoft refuses /common and /organizations with AADSTS50194); an app without personal
 * accounts not through /consumers. Null when allowed, or the audience is not known yet.
 */
export function tenantRefusal(
  audience: OAuthAppAudience | null | undefined,
  tenant: string,
  appTenant?: string,
): TenantRefusal | null {
  const lower = tenant.toLowerCase();
  if (audience === 'single_tenant' && !isSpecificTenant(lower)) {
    const use = appTenant ? `(${appTenant})` : `(${PORTAL_TENANT})`;
    return {
      code: 'app_single_tenant',
      reason: `this app is single-tenant: use your tenant id ${use} instead of ${lower}`,
      remediation: appTenant
        ? `This app is single-tenant: use your tenant id (${appTenant}) instead of Common.`
        : remediationFor('app_single_tenant'),
    };
  }
  if (audience === 'multi_tenant' && lower === 'consumers') {
    return {
      code: 'app_not_for_personal_accounts',
      reason: 'this app does not accept personal Microsoft accounts: use common, organizations or your tenant id',
      remediation:
        'Choose Common or your tenant id, or allow personal Microsoft accounts under Authentication > Supported account types in Azure Portal.',
    };
  }
  return null;
}
