import type { MicrosoftFailureCode } from './failure';

/** Codes that only the connect flow produces (consent redirect, or checks after redeeming the code). */
export type ConsentOnlyCode =
  | 'admin_consent_required'
  | 'account_not_in_tenant'
  | 'user_declined'
  | 'offline_access_missing'
  | 'scope_not_granted'
  | 'user_cancelled'
  | 'account_mismatch';

export type RemediationCode = MicrosoftFailureCode | ConsentOnlyCode;

const RECONNECT = 'Reconnect the mailbox: open the connection and choose Reconnect, then sign in with Microsoft again.';
const NEW_SECRET =
  'Create a new secret in Azure Portal > App registrations > [your app] > Certificates & secrets, then update it in Settings > OAuth Apps.';
const RETRY_LATER = 'Nothing to do: this is retried automatically.';

/** User-facing next step for each reason code; wording follows the user guide's troubleshooting section. */
const REMEDIATION: Readonly<Record<RemediationCode, string>> = {
  network: `Microsoft could not be reached. ${RETRY_LATER}`,
  server_error: `Microsoft is temporarily unavailable. ${RETRY_LATER}`,
  throttled: `Microsoft asked us to slow down for this mailbox. ${RETRY_LATER}`,
  send_quota_exceeded: `The mailbox reached Exchange Online's sending limit. Sending resumes automatically once the limit resets.`,
  refresh_token_expired: `The connection was unused for too long and Microsoft expired its sign-in. ${RECONNECT}`,
  grant_revoked: `Microsoft revoked this connection's sign-in (password reset or sessions revoked by an admin). ${RECONNECT}`,
  grant_invalid: `Microsoft no longer accepts this connection's sign-in. ${RECONNECT}`,
  code_already_redeemed:
    'This sign-in link was already used. Start the connection again from the Email Connections page.',
  consent_required:
    "Either the user hasn't consented yet, or admin consent is required and hasn't been granted. Retry the flow — the user sees a consent prompt. If consent is gated to admin-only, your Microsoft 365 admin must grant it in Azure Portal first.",
  mfa_required: `The organization now requires multi-factor authentication for this account. ${RECONNECT}`,
  conditional_access: `A Conditional Access policy in the organization blocked access. Ask your Microsoft 365 admin to allow the app, then reconnect.`,
  user_disabled: 'The Microsoft account is disabled. Ask your Microsoft 365 admin to enable it, then reconnect.',
  interaction_required: `Microsoft needs the user to sign in again. ${RECONNECT}`,
  invalid_authentication_token: `Microsoft refused this connection's access token. ${RECONNECT}`,
  client_secret_invalid: `The client secret is wrong (a common mistake is pasting the secret ID instead of its value). ${NEW_SECRET}`,
  client_secret_expired: `Your Azure client secret expired. ${NEW_SECRET} Existing connections may need to reconnect once.`,
  app_not_found:
    "Microsoft can't find this app. Check that the client ID in Settings > OAuth Apps is the Application (client) ID from Azure Portal > App registrations, and that the app allows accounts from this tenant.",
  scope_missing:
    'Microsoft denied access for a missing permission. If a mail or calendar scope is missing, confirm the permission is added in your Azure app under API permissions, then reconnect.',
  send_as_denied:
    'The mailbox is not allowed to send as this address. Send from the connected address or ask your admin for Send As rights.',
  invalid_recipient: 'Microsoft rejected one or more recipients. Check the addresses and send again.',
  message_too_large: 'The message is larger than Exchange Online accepts. Remove or shrink attachments and send again.',
  sync_state_invalid: `The inbox sync position expired; a full resync starts automatically. ${RETRY_LATER}`,
  mailbox_not_enabled:
    'This account has no Exchange Online mailbox (no license, inactive, or hosted on-premises). Connect an account with an Outlook / Microsoft 365 mailbox.',
  not_found: 'The item no longer exists in the mailbox (it may have been moved or deleted).',
  bad_request: 'Microsoft rejected the request. Contact support with the reason code if it keeps happening.',
  invalid_response: 'The sign-in response could not be verified. Start the connection again.',
  msal_configuration: 'The Microsoft sign-in endpoint is misconfigured on the server. Contact support.',
  unknown: 'An unexpected error occurred. Contact support with the reason code if it keeps happening.',
  app_single_tenant:
    'This app is single-tenant: use your tenant id. The Azure app only accepts accounts from its own Microsoft 365 tenant, so choose that tenant (Directory (tenant) ID in Azure Portal > App registrations > [your app] > Overview) instead of Common, or make the app multi-tenant under Authentication > Supported account types.',
  tenant_not_found:
    'Microsoft does not know this tenant. Check the tenant ID (Azure Portal > Microsoft Entra ID > Overview > Tenant ID) or use a verified domain of the organization, or choose Common.',
  user_cancelled:
    'You cancelled the Microsoft sign-in. Start the connection again when you are ready, and sign in to finish it.',
  account_mismatch:
    "The Microsoft account that signed in is not this connection's mailbox, so nothing was changed. Reconnect signing in with the connection's own account, or connect the other account as a new connection.",
  admin_consent_required:
    'Some scopes (like Mail.ReadWrite in certain tenants) require admin pre-approval. Your Microsoft 365 admin should go to Azure Portal > App registrations > [your app] > API permissions > Grant admin consent for [tenant].',
  account_not_in_tenant:
    "The account isn't in the Microsoft 365 tenant this connection is restricted to. Sign in with an account from that tenant, or choose Common as the tenant to allow any Microsoft account.",
  user_declined: 'The consent screen was declined. Start the connection again and click Accept to allow access.',
  offline_access_missing:
    "Microsoft didn't issue a refresh token, so the connection would expire within an hour. offline_access must be listed on the consent screen; re-check your scope selection and your Azure app's API permissions, then connect again.",
  scope_not_granted:
    'The consent screen did not grant every scope requested. Confirm each mail or calendar permission is added in your Azure app under API permissions, then connect again.',
};

export function remediationFor(code: RemediationCode): string {
  return REMEDIATION[code];
}
