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

/** The mailbox address of a grant: the id token's `email` claim (primary email address), never preferred_username. */
export function mailboxAddressOf(grant: Pick<MicrosoftTokens, 'idTokenClaims'>): string | undefined {
  const address = (grant.idTokenClaims.email ?? '').trim().toLowerCase();
  return address.includes('@') ? address : undefined;
}

/**
 * Who the grant belongs to: oid + tid (stable, Microsoft's documented user key), falling back to MSAL's `uid.utid`
 * home account id. preferred_username is mutable and may be a UPN or a phone number, so it is not the mailbox.
 */
export function grantIdentity(grant: Pick<MicrosoftTokens, 'idTokenClaims' | 'homeAccountId'>): GrantIdentity {
  const [uid, utid] = (grant.homeAccountId ?? '').split('.');
  const microsoftUserId = grant.idTokenClaims.oid ?? uid ?? '';
  const tenantId = grant.idTokenClaims.tid ?? utid ?? '';
  const mailbox = mailboxAddressOf(grant);
  if (!microsoftUserId || !tenantId || !mailbox) {
    throw new GrantIdentityError(
      'the token response does not identify the mailbox (oid, tid or the email claim missing)',
    );
  }
  return { microsoftUserId, tenantId, mailbox, displayName: grant.idTokenClaims.name ?? '' };
}

const DEFAULT_REFRESH_LEAD_MS = 10 * 60_000;

/** Default schedule for the first refresh: ten minutes before the access token expires. */
export function defaultNextRefreshAt(expiresAt: Date): Date {
  return new Date(expiresAt.getTime() - DEFAULT_REFRESH_LEAD_MS);
}
