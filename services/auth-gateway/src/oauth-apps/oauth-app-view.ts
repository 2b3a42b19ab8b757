import type { OAuthAppDoc } from '@outlook-connect/shared';

/** An OAuth app as the API shows it: the client secret is write-only. */
export function oauthAppView(a: OAuthAppDoc) {
  return {
    id: a._id,
    name: a.name,
    clientId: a.clientId,
    secretVersion: a.secretVersion,
    secretExpiresAt: a.secretExpiresAt ? new Date(a.secretExpiresAt).toISOString() : null,
    secretStatus: a.secretStatus,
    defaultTenant: a.defaultTenant,
    audience: a.audience ?? null,
    redirectUri: a.redirectUri,
    createdAt: new Date(a.createdAt).toISOString(),
    updatedAt: new Date(a.updatedAt).toISOString(),
  };
}
