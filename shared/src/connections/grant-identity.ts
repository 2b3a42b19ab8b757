import type { MicrosoftTokens } from '../microsoft/msal-client';

/** Who a grant belongs to: the Microsoft user (oid) in their home tenant (tid), and their mailbox address. */
export interface GrantIdentity {
  microsoftUserId: string;
  tenantId: string;
  mailbox: string;
  displayName: string;
}

export class GrantIdentityError extends Error {
  override name = 'GrantIdentityError';
}

/** Reads the mailbox identity from the id token, falling back to MSAL's `uid.utid` home account id. */
export function grantIdentity(grant: Pick<MicrosoftTokens, 'idTokenClaims' | 'homeAccountId'>): GrantIdentity {
  const [uid, utid] = (grant.homeAccountId ?? '').split('.');
  const microsoftUserId = grant.idTokenClaims.oid ?? uid ?? '';
  const tenantId = grant.idTokenClaims.tid ?? utid ?? '';
  const mailbox = (grant.idTokenClaims.preferred_username ?? '').trim().toLowerCase();
  if (!microsoftUserId || !tenantId || !mailbox) {
    throw new GrantIdentityError('the token response does not identify the mailbox (oid, tid or preferred_username missing)');
  }
  return { microsoftUserId, tenantId, mailbox, displayName: grant.idTokenClaims.name ?? '' };
}

const DEFAULT_REFRESH_LEAD_MS = 10 * 60_000;

/** Default schedule for the first refresh: ten minutes before the access token expires. */
export function defaultNextRefreshAt(expiresAt: Date): Date {
  return new Date(expiresAt.getTime() - DEFAULT_REFRESH_LEAD_MS);
}
