import { AuthError } from '@azure/msal-node';
import { failure, type MicrosoftFailure, type MicrosoftFailureCode } from './failure';
import { parseRetryAfter } from './retry-after';

/** AADSTS numbers (MSAL `errorNo`) we act on; checked before the OAuth `error`, which is coarser. */
export const AADSTS_CODES: Readonly<Record<number, MicrosoftFailureCode>> = {
  7000215: 'client_secret_invalid',
  7000222: 'client_secret_expired',
  700016: 'app_not_found',
  700082: 'refresh_token_expired',
  70008: 'refresh_token_expired',
  50173: 'grant_revoked',
  70000: 'grant_invalid',
  54005: 'code_already_redeemed',
  65001: 'consent_required',
  50076: 'mfa_required',
  50079: 'mfa_required',
  53003: 'conditional_access',
  50057: 'user_disabled',
  50194: 'app_single_tenant',
  90002: 'tenant_not_found',
};

/** OAuth `error` values (MSAL `errorCode`) when the AADSTS number is absent or not in the table above. */
const OAUTH_ERROR_CODES: Readonly<Record<string, MicrosoftFailureCode>> = {
  invalid_client: 'client_secret_invalid',
  unauthorized_client: 'app_not_found',
  invalid_grant: 'grant_invalid',
  bad_token: 'grant_invalid',
  interaction_required: 'interaction_required',
  login_required: 'interaction_required',
  consent_required: 'consent_required',
  ui_not_allowed: 'interaction_required',
  interrupted_user: 'interaction_required',
  temporarily_unavailable: 'server_error',
  server_error: 'server_error',
  invalid_request: 'bad_request',
  invalid_scope: 'bad_request',
  invalid_tenant: 'bad_request',
  unsupported_grant_type: 'bad_request',
  unsupported_response_type: 'bad_request',
};

/** MSAL's own (client-side) error codes. */
const MSAL_CLIENT_CODES: Readonly<Record<string, MicrosoftFailureCode>> = {
  network_error: 'network',
  no_network_connectivity: 'network',
  // Discovery document unreachable (or the tenant unknown): MSAL swallows the cause, so retry a bounded number of times.
  openid_config_error: 'network',
  endpoints_resolution_error: 'network',
  // The token endpoint answered with something that is not JSON: a gateway error page in practice.
  token_parsing_error: 'server_error',
  nonce_mismatch: 'invalid_response',
  state_mismatch: 'invalid_response',
  invalid_state: 'invalid_response',
  client_info_decoding_error: 'invalid_response',
  client_info_empty_error: 'invalid_response',
  null_or_empty_token: 'invalid_response',
};

/** MSAL subError values that narrow a generic interaction/grant error. */
const SUB_ERROR_CODES: Readonly<Record<string, MicrosoftFailureCode>> = {
  consent_required: 'consent_required',
};

const MSAL_ERROR_NAMES = new Set([
  'AuthError',
  'ServerError',
  'InteractionRequiredAuthError',
  'ClientAuthError',
  'ClientConfigurationError',
  'NetworkError',
  'CacheError',
]);

interface MsalErrorShape {
  name: string;
  errorCode: string;
  errorMessage?: unknown;
  subError?: unknown;
  errorNo?: unknown;
  status?: unknown;
  /** Set by our MSAL edge (msal-network.ts): the Retry-After of the failed answer. */
  retryAfter?: unknown;
}

/** instanceof for our msal-node copy, plus the shape for errors built by another copy of msal-common. */
export function isMsalError(err: unknown): err is MsalErrorShape {
  if (err instanceof AuthError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const { name, errorCode } = err as { name?: unknown; errorCode?: unknown };
  return typeof name === 'string' && MSAL_ERROR_NAMES.has(name) && typeof errorCode === 'string';
}

/** `errorNo` is a string in MSAL (first of the token response's `error_codes`). */
export function parseAadsts(errorNo: unknown): number | undefined {
  if (typeof errorNo === 'number' && Number.isInteger(errorNo) && errorNo > 0) return errorNo;
  if (typeof errorNo === 'string' && /^\d+$/.test(errorNo.trim())) return Number(errorNo.trim());
  return undefined;
}

export function classifyMsalError(err: unknown, now: number = Date.now()): MicrosoftFailure | undefined {
  if (!isMsalError(err)) return undefined;
  const retryAfterMs = typeof err.retryAfter === 'string' ? parseRetryAfter(err.retryAfter, now) : undefined;
  const aadsts = parseAadsts(err.errorNo);
  const status = typeof err.status === 'number' ? err.status : undefined;
  const errorCode = err.errorCode;
  const subError = typeof err.subError === 'string' ? err.subError : '';
  const details = {
    aadsts,
    status,
    retryAfterMs,
    graphCode: errorCode || undefined,
    message: typeof err.errorMessage === 'string' && err.errorMessage ? err.errorMessage : errorMessageOf(err),
  };

  if (aadsts !== undefined) {
    const byNumber = AADSTS_CODES[aadsts];
    if (byNumber) return failure(byNumber, details);
  }

  // MSAL's throttle cache replays a 429/5xx as a ServerError whose errorCode is the joined error_codes (or empty).
  if (err.name === 'ServerError' && aadsts === undefined && status === undefined && /^(\d+( \d+)*)?$/.test(errorCode)) {
    return failure('throttled', details);
  }

  // The token endpoint's 429 says temporarily_unavailable like a 503 does; the status is the sharper signal.
  if (status === 429) return failure('throttled', details);

  const bySub = SUB_ERROR_CODES[subError];
  if (bySub) return failure(bySub, details);

  const byOauth = OAUTH_ERROR_CODES[errorCode];
  if (byOauth) return failure(byOauth, details);

  const byClient = MSAL_CLIENT_CODES[errorCode];
  if (byClient) return failure(byClient, details);

  if (status !== undefined && (status === 429 || status >= 500)) {
    return failure(status === 429 ? 'throttled' : 'server_error', details);
  }
  if (err.name === 'InteractionRequiredAuthError') return failure('interaction_required', details);
  if (err.name === 'ClientConfigurationError') return failure('msal_configuration', details);
  if (err.name === 'NetworkError') return failure('network', details);
  return failure('unknown', details);
}

function errorMessageOf(err: unknown): string {
  return err instanceof Error ? err.message : '';
}
