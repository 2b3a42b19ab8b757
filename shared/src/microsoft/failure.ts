/** The closed set every caller of MSAL or Graph switches on. */
export type MicrosoftFailureKind = 'transient' | 'reconnect_required' | 'app_credentials' | 'permanent';

/** Stable product reason codes; each belongs to exactly one kind (see FAILURE_KIND). */
export const FAILURE_KIND = {
  // transient: retry later (queues own the backoff)
  network: 'transient',
  server_error: 'transient',
  throttled: 'transient',
  send_quota_exceeded: 'transient',
  // reconnect_required: the user must go through the connect flow again
  refresh_token_expired: 'reconnect_required',
  grant_revoked: 'reconnect_required',
  grant_invalid: 'reconnect_required',
  code_already_redeemed: 'reconnect_required',
  consent_required: 'reconnect_required',
  mfa_required: 'reconnect_required',
  conditional_access: 'reconnect_required',
  user_disabled: 'reconnect_required',
  interaction_required: 'reconnect_required',
  invalid_authentication_token: 'reconnect_required',
  // app_credentials: the OAuth app (client id / secret) must be fixed in Settings > OAuth Apps
  client_secret_invalid: 'app_credentials',
  client_secret_expired: 'app_credentials',
  app_not_found: 'app_credentials',
  // A single-tenant app registration used through /common or /organizations (AADSTS50194).
  app_single_tenant: 'app_credentials',
  // permanent: this request will never succeed as is
  scope_missing: 'permanent',
  send_as_denied: 'permanent',
  invalid_recipient: 'permanent',
  message_too_large: 'permanent',
  sync_state_invalid: 'permanent',
  mailbox_not_enabled: 'permanent',
  not_found: 'permanent',
  bad_request: 'permanent',
  // The tenant in the authority does not exist (AADSTS90002) or its discovery document cannot be resolved.
  tenant_not_found: 'permanent',
  invalid_response: 'permanent',
  msal_configuration: 'permanent',
  unknown: 'permanent',
} as const satisfies Record<string, MicrosoftFailureKind>;

export type MicrosoftFailureCode = keyof typeof FAILURE_KIND;

export interface MicrosoftFailure {
  kind: MicrosoftFailureKind;
  code: MicrosoftFailureCode;
  /** AADSTS error number from the identity platform (MSAL `errorNo`). */
  aadsts?: number;
  /** HTTP status when Microsoft answered. */
  status?: number;
  retryAfterMs?: number;
  /** Graph `error.code` (e.g. ErrorAccessDenied) or the OAuth `error` (e.g. invalid_grant). */
  graphCode?: string;
  /** Microsoft's text, tokens redacted; for logs and support, never for decisions. */
  message: string;
}

export interface FailureDetails {
  aadsts?: number;
  status?: number;
  retryAfterMs?: number;
  graphCode?: string;
  message?: string;
}

export function failure(code: MicrosoftFailureCode, details: FailureDetails = {}): MicrosoftFailure {
  const result: MicrosoftFailure = { kind: FAILURE_KIND[code], code, message: sanitizeMessage(details.message) };
  if (details.aadsts !== undefined) result.aadsts = details.aadsts;
  if (details.status !== undefined) result.status = details.status;
  if (details.retryAfterMs !== undefined) result.retryAfterMs = details.retryAfterMs;
  if (details.graphCode) result.graphCode = details.graphCode;
  return result;
}

const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const BEARER = /(bearer\s+)[^\s"',]+/gi;
const SECRET_PARAM = /((?:refresh_token|access_token|id_token|client_secret|code|code_verifier)=)[^&\s"']+/gi;
const MAX_MESSAGE = 1000;

/** Microsoft's texts do not carry tokens, but a network error can echo a request; strip anything token-shaped. */
export function sanitizeMessage(message: unknown): string {
  if (typeof message !== 'string') return '';
  const cleaned = message
    .replace(JWT, '[redacted]')
    .replace(BEARER, '$1[redacted]')
    .replace(SECRET_PARAM, '$1[redacted]');
  return cleaned.length > MAX_MESSAGE ? `${cleaned.slice(0, MAX_MESSAGE)}...` : cleaned;
}
