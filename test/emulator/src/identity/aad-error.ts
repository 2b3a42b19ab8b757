import { guid } from '../util/ids';

/** An identity-platform error as Microsoft produces it (token JSON body, redirect query or error page). */
export interface AadError {
  status: number;
  error: string;
  code: number;
  /** Further codes after `code` in `error_codes` (Microsoft sends several for some failures, e.g. 70002 then 70000). */
  moreCodes?: number[];
  suberror?: string;
  claims?: string;
  description: string; // "AADSTSnnn: text\r\nTrace ID: ...\r\nCorrelation ID: ...\r\nTimestamp: ..."
  traceId: string;
  correlationId: string;
  timestamp: string;
  errorUri: string;
}

interface Spec {
  error: string;
  status: number;
  suberror?: string;
  text: string;
}

// Texts follow Microsoft's wording; `{x}` placeholders are filled from the context.
const CATALOG: Record<number, Spec> = {
  50011: {
    error: 'invalid_request',
    status: 400,
    text: "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
  },
  50020: {
    error: 'access_denied',
    status: 400,
    text: "User account '{email}' from identity provider 'https://sts.windows.net/{userTenantId}/' does not exist in tenant '{tenantName}' and cannot access the application '{clientId}'({appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.",
  },
  50034: {
    error: 'access_denied',
    status: 400,
    text: "The user account {EmailHidden} does not exist in the '{tenant}' directory. To sign into this application, the account must be added to the directory.",
  },
  50194: {
    error: 'invalid_request',
    status: 400,
    text: "Application '{clientId}'({appName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.",
  },
  50057: { error: 'invalid_grant', status: 400, text: 'The user account is disabled.' },
  50058: { error: 'login_required', status: 400, text: 'A silent sign-in request was sent but no user is signed in.' },
  50076: {
    error: 'invalid_grant',
    status: 400,
    suberror: 'basic_action',
    text: "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
  },
  50173: {
    error: 'invalid_grant',
    status: 400,
    text: "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{issuedAt}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{validFrom}'.",
  },
  53003: {
    error: 'interaction_required',
    status: 400,
    suberror: 'message_only',
    text: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  },
  54005: {
    error: 'invalid_grant',
    status: 400,
    text: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  },
  65001: {
    error: 'invalid_grant',
    status: 400,
    suberror: 'consent_required',
    text: "The user or administrator has not consented to use the application with ID '{clientId}' named '{appName}'. Send an interactive authorization request for this user and resource.",
  },
  65004: { error: 'access_denied', status: 400, text: 'User declined to consent to access the app.' },
  70000: {
    error: 'invalid_grant',
    status: 400,
    text: 'The provided value for the input parameter is not valid: {detail}',
  },
  70002: { error: 'invalid_grant', status: 400, text: 'Error validating credentials.' },
  70003: {
    error: 'unsupported_grant_type',
    status: 400,
    text: "The app requested an unsupported grant type '{grantType}'.",
  },
  70008: {
    error: 'invalid_grant',
    status: 400,
    text: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  },
  70011: {
    error: 'invalid_scope',
    status: 400,
    text: "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid.",
  },
  90002: {
    error: 'invalid_tenant',
    status: 400,
    text: "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
  },
  90094: { error: 'access_denied', status: 400, text: 'The grant requires admin permission.' },
  90095: {
    error: 'access_denied',
    status: 400,
    text: 'Admin consent is required for the permissions requested by this application. An admin consent request may be submitted.',
  },
  90130: {
    error: 'invalid_request',
    status: 400,
    text: "Application '{clientId}'({appName}) is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
  },
  9002332: {
    error: 'invalid_request',
    status: 400,
    text: "Application '{clientId}'({appName}) is configured for use by Azure Active Directory users only. Please do not use the /consumers endpoint to serve this request.",
  },
  700016: {
    error: 'unauthorized_client',
    status: 400,
    text: "Application with identifier '{clientId}' was not found in the directory '{tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  },
  700054: {
    error: 'unsupported_response_type',
    status: 400,
    text: "response_type '{responseType}' is not enabled for the application.",
  },
  700082: {
    error: 'invalid_grant',
    status: 400,
    suberror: 'bad_token',
    text: 'The refresh token has expired due to inactivity. The token was issued on {issuedAt} and was inactive for {inactiveFor}.',
  },
  900144: {
    error: 'invalid_request',
    status: 400,
    text: "The request body must contain the following parameter: '{param}'.",
  },
  9002313: { error: 'invalid_grant', status: 400, text: 'Invalid request. Request is malformed or invalid.' },
  501481: {
    error: 'invalid_grant',
    status: 400,
    text: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  },
  7000215: {
    error: 'invalid_client',
    status: 401,
    text: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.",
  },
  7000218: {
    error: 'invalid_client',
    status: 401,
    text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  7000222: {
    error: 'invalid_client',
    status: 401,
    text: "The provided client secret keys for app '{clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
  },
};

export type AadContext = Record<string, string | undefined>;

/** "2024-05-01 10:11:12Z", the timestamp format of AAD errors. */
export const aadTimestamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

export interface AadErrorOptions {
  baseUrl: string;
  nowMs: number;
  correlationId?: string;
  /** Override the OAuth `error` (e.g. a redirect uses access_denied where the token endpoint uses invalid_grant). */
  error?: string;
  /** Override or drop (null) the suberror. */
  suberror?: string | null;
  claims?: string;
  /** Replace the catalog text (the same code is worded differently on some endpoints, e.g. 65004 on adminconsent). */
  text?: string;
  moreCodes?: number[];
}

export function aadError(code: number, ctx: AadContext, opts: AadErrorOptions): AadError {
  const spec = CATALOG[code];
  if (!spec) throw new Error(`AADSTS${code} is not in the emulator catalog`);
  const text = (opts.text ?? spec.text).replace(
    /\{(\w+)\}/g,
    (_m, key: string) => ctx[key] ?? (key === 'EmailHidden' ? '{EmailHidden}' : ''),
  );
  const traceId = guid();
  const correlationId = opts.correlationId || guid();
  const timestamp = aadTimestamp(opts.nowMs);
  const suberror = opts.suberror === null ? undefined : (opts.suberror ?? spec.suberror);
  return {
    status: spec.status,
    error: opts.error ?? spec.error,
    code,
    ...(opts.moreCodes?.length ? { moreCodes: opts.moreCodes } : {}),
    ...(suberror ? { suberror } : {}),
    ...(opts.claims ? { claims: opts.claims } : {}),
    description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    traceId,
    correlationId,
    timestamp,
    errorUri: `${opts.baseUrl}/error?code=${code}`,
  };
}

/** JSON body of a token-endpoint error. */
export function tokenErrorBody(e: AadError): Record<string, unknown> {
  return {
    error: e.error,
    error_description: e.description,
    error_codes: [e.code, ...(e.moreCodes ?? [])],
    timestamp: e.timestamp,
    trace_id: e.traceId,
    correlation_id: e.correlationId,
    error_uri: e.errorUri,
    ...(e.suberror ? { suberror: e.suberror } : {}),
    ...(e.claims ? { claims: e.claims } : {}),
  };
}

/** Query parameters of an error redirect to the app. */
export function redirectErrorParams(e: AadError, extra: Record<string, string> = {}): Record<string, string> {
  return {
    error: e.error,
    error_description: e.description,
    error_uri: e.errorUri,
    ...(e.suberror ? { suberror: e.suberror } : {}),
    ...extra,
  };
}
