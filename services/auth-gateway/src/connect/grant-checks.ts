import {
  consentFailure,
  mailboxAddressOf,
  missingScopes,
  type ConsentFailure,
  type MicrosoftTokens,
} from '@outlook-connect/shared';
import { isSpecificTenant, isTenantGuid } from './tenant';

export interface GrantCheckInput {
  /** Graph scopes requested for the preset. */
  requestedScopes: readonly string[];
  grant: Pick<MicrosoftTokens, 'refreshToken' | 'grantedScopes' | 'idTokenClaims'>;
  /** The tenant the flow was restricted to (`common` or a specific one). */
  tenant: string;
  /** The tenant GUID a specific domain tenant resolves to, when the tenant is a domain. */
  resolvedTenantId?: string;
}

/** What Microsoft granted must be what the connection needs; the first problem found, or null. */
export function checkGrant(input: GrantCheckInput): ConsentFailure | null {
  if (!input.grant.refreshToken)
    return consentFailure('offline_access_missing', {
      message: 'Microsoft issued no refresh token (offline_access not granted).',
    });
  const missing = missingScopes(input.requestedScopes, input.grant.grantedScopes);
  if (missing.length) {
    const failure = consentFailure('scope_not_granted', { message: `Microsoft did not grant: ${missing.join(', ')}` });
    return { ...failure, remediation: `Missing: ${missing.join(', ')}. ${failure.remediation}` };
  }
  // The mailbox address is the email claim (the primary SMTP address); an account without one has no mailbox to use.
  if (!mailboxAddressOf(input.grant)) {
    return consentFailure('mailbox_not_enabled', {
      message: 'Microsoft sent no email address for this account (no email claim).',
    });
  }
  if (isSpecificTenant(input.tenant)) {
    const expected = isTenantGuid(input.tenant) ? input.tenant : input.resolvedTenantId;
    const tid = input.grant.idTokenClaims.tid;
    if (!expected || !tid || expected.toLowerCase() !== tid.toLowerCase()) {
      return consentFailure('account_not_in_tenant', {
        message: `The account's tenant ${tid ?? '(unknown)'} is not ${input.tenant}.`,
      });
    }
  }
  return null;
}
