import { clientSecretContext, type MsalAppOptions, type OAuthAppDoc, type SecretBox } from '@outlook-connect/shared';

/** MSAL options for one operation with this app; the secret is decrypted only here, for the call. */
export function msalOptionsFor(app: OAuthAppDoc, box: SecretBox, loginUrl: string, tenant: string): MsalAppOptions {
  return {
    loginUrl,
    tenant,
    clientId: app.clientId,
    clientSecret: box.decrypt(app.clientSecretEnc, clientSecretContext(app._id)),
  };
}
