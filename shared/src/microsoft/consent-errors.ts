import { parseAadsts } from './classify-msal';
import { sanitizeMessage } from './failure';
import { remediationFor } from './remediation';
import { isOidcScope } from './scope-presets';

export type ConsentFailureCode =
  | 'consent_required'
  | 'admin_consent_required'
  | 'account_not_in_tenant'
  | 'account_mismatch'
  | 'user_declined'
  | 'user_cancelled'
  | 'user_disabled'
  | 'conditional_access'
  | 'interaction_required'
  | 'app_not_found'
  | 'app_single_tenant'
  | 'tenant_not_found'
  | 'client_secret_invalid'
  | 'client_secret_expired'
  | 'offline_access_missing'
  | 'scope_not_granted'
  | 'mailbox_not_enabled'
  | 'bad_request'
  | 'unknown';

export interface ConsentFailure {
  code: ConsentFailureCode;
  aadsts?: number;
  /** Microsoft's text (first line of error_description), for support; never for decisions. */
  message: string;
  remediation: string;
  /** Only for admin_consent_required, when the caller gave what is needed to build it. */
  adminConsentUrl?: string;
}

/** Query parameters of the authorize (or adminconsent) redirect when Microsoft reports an error. */
export interface ConsentCallbackError {
  error?: string | null;
  error_description?: string | null;
  error_subcode?: string | null;
}

export interface AdminConsentUrlInput {
  loginUrl: string;
  /** Tenant of the connect flow; `common`/`consumers`/empty become `organizations` (admin consent needs an org). */
  tenant?: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state?: string;
}

/** Every AADSTS code the authorize and adminconsent redirects are known to carry (error-code reference). */
const CONSENT_AADSTS: Readonly<Record<number, ConsentFailureCode>> = {
  65001: 'consent_required',
  65004: 'user_declined',
  90094: 'admin_consent_required',
  90095: 'admin_consent_required',
  900941: 'admin_consent_required',
  50020: 'account_not_in_tenant',
  50034: 'account_not_in_tenant',
  50057: 'user_disabled',
  53003: 'conditional_access',
  50058: 'interaction_required',
  700016: 'app_not_found',
  50194: 'app_single_tenant',
  9002332: 'app_single_tenant',
  90002: 'tenant_not_found',
  7000215: 'client_secret_invalid',
  7000222: 'client_secret_expired',
  // Our own request was malformed (a bug on our side, not the user's): response type, missing parameter, scope.
  700054: 'bad_request',
  900144: 'bad_request',
  70011: 'bad_request',
};

const CONSENT_OAUTH_ERRORS: Readonly<Record<string, ConsentFailureCode>> = {
  // RFC 6749: the resource owner (or the server) denied the request; cancel is Microsoft's subcode for it.
  access_denied: 'user_declined',
  consent_required: 'consent_required',
  interaction_required: 'consent_required',
  login_required: 'interaction_required',
  unauthorized_client: 'app_not_found',
  invalid_client: 'client_secret_invalid',
  invalid_request: 'bad_request',
  invalid_scope: 'bad_request',
  unsupported_response_type: 'bad_request',
};

/**
 * The leading `AADSTSnnnnn:` of error_description is the only place Microsoft puts the code on a redirect, so that
 * prefix (and only the prefix) is read as a structured field.
 */
export function aadstsFromDescription(description: string | null | undefined): number | undefined {
  const match = /^\s*AADSTS(\d+)\s*:/.exec(description ?? '');
  return match ? parseAadsts(match[1]) : undefined;
}

/**
 * A redirect error as a product reason. A bare `access_denied` + `error_subcode=cancel` (no AADSTS code: the user
 * left before choosing an account) is a cancel; an AADSTS code we have never seen stays `unknown`, never guessed
 * from the coarse OAuth `error`, so its number reaches the user.
 */
export function classifyConsentError(
  params: ConsentCallbackError,
  adminConsent?: AdminConsentUrlInput,
  appTenant?: string,
): ConsentFailure {
  const aadsts = aadstsFromDescription(params.error_description);
  const message = firstLine(params.error_description) || (params.error ?? '');
  if (aadsts !== undefined)
    return consentFailure(CONSENT_AADSTS[aadsts] ?? 'unknown', { aadsts, message, appTenant }, adminConsent);
  if (params.error_subcode === 'cancel')
    return consentFailure('user_cancelled', { message: message || 'access_denied (cancel)' });
  return consentFailure(CONSENT_OAUTH_ERRORS[params.error ?? ''] ?? 'unknown', { message }, adminConsent);
}

/** Builds a ConsentFailure for checks made after redeeming the code (offline_access_missing, scope_not_granted). */
export function consentFailure(
  code: ConsentFailureCode,
  details: { aadsts?: number; message?: string; appTenant?: string | undefined } = {},
  adminConsent?: AdminConsentUrlInput,
): ConsentFailure {
  const result: ConsentFailure = {
    code,
    message: sanitizeMessage(details.message ?? ''),
    remediation: remediationText(code, details),
  };
  if (details.aadsts !== undefined) result.aadsts = details.aadsts;
  if (code === 'admin_consent_required' && adminConsent) result.adminConsentUrl = adminConsentUrl(adminConsent);
  return result;
}

function remediationText(
  code: ConsentFailureCode,
  details: { aadsts?: number; appTenant?: string | undefined },
): string {
  if (code === 'app_single_tenant' && details.appTenant) {
    return `This app is single-tenant: use your tenant id (${details.appTenant}) instead of Common. ${remediationFor(code).replace(/^This app is single-tenant: use your tenant id\. /, '')}`;
  }
  // The raw code is the only lead support has for an answer we have never seen.
  if (code === 'unknown' && details.aadsts !== undefined)
    return `Microsoft refused the sign-in with AADSTS${details.aadsts}. ${remediationFor('unknown')}`;
  return remediationFor(code);
}

const GRAPH_RESOURCE = 'https://graph.microsoft.com/';

/** `${loginUrl}/${tenant|organizations}/v2.0/adminconsent?client_id=&scope=&redirect_uri=&state=` */
export function adminConsentUrl(input: AdminConsentUrlInput): string {
  const tenant =
    !input.tenant || ['common', 'consumers'].includes(input.tenant.toLowerCase()) ? 'organizations' : input.tenant;
  // adminconsent wants resource-qualified scopes; the resource id is Graph's even when loginUrl is the emulator.
  const scope = input.scopes
    .filter((s) => s.trim() !== '')
    .map((s) => (isOidcScope(s) || s.includes('/') ? s : `${GRAPH_RESOURCE}${s}`))
    .join(' ');
  const query = new URLSearchParams({ client_id: input.clientId, scope, redirect_uri: input.redirectUri });
  if (input.state) query.set('state', input.state);
  return `${input.loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/v2.0/adminconsent?${query.toString()}`;
}

function firstLine(text: string | null | undefined): string {
  return (text ?? '').split(/\r?\n/)[0]?.trim() ?? '';
}
