import { NetworkError, createNetworkError } from '@azure/msal-common';
import {
  AuthError,
  ClientAuthError,
  ClientConfigurationError,
  InteractionRequiredAuthError,
  ServerError,
} from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyMicrosoftError } from './classify';
import { GraphAccessTokenError, GraphTransportError, MicrosoftHttpError } from './errors';
import { FAILURE_KIND } from './failure';

const description = (n: number) =>
  `Error(s): ${n} - Timestamp: 2025-01-01 - Description: AADSTS${n}: something. Trace ID: t Correlation ID: c`;

/** What MSAL throws for a token endpoint error body `{error, error_codes:[n], suberror}`. */
function serverError(error: string, aadsts?: number, subError?: string, status?: number): ServerError {
  return new ServerError(error, 'corr', aadsts ? description(aadsts) : error, subError, aadsts?.toString(), status);
}

function interactionRequired(error: string, aadsts?: number, subError?: string): InteractionRequiredAuthError {
  return new InteractionRequiredAuthError(
    error,
    'corr',
    aadsts ? description(aadsts) : '',
    subError,
    '',
    '',
    '',
    aadsts?.toString(),
  );
}

function graphError(status: number, code: string | null, headers?: Record<string, string>): GraphError {
  const err = new GraphError(status, `Graph said ${code ?? 'nothing'}`);
  err.code = code;
  if (headers) err.headers = new Headers(headers);
  return err;
}

describe('classifyMicrosoftError: every AADSTS code in the platform table', () => {
  it.each([
    // token endpoint: ServerError / InteractionRequiredAuthError as MSAL builds them
    ['invalid_grant', 65001, 'consent_required', 'reconnect_required', 'consent_required'],
    ['invalid_client', 7000215, undefined, 'app_credentials', 'client_secret_invalid'],
    ['invalid_client', 7000222, undefined, 'app_credentials', 'client_secret_expired'],
    ['unauthorized_client', 700016, undefined, 'app_credentials', 'app_not_found'],
    ['invalid_grant', 700082, 'bad_token', 'reconnect_required', 'refresh_token_expired'],
    ['invalid_grant', 50173, undefined, 'reconnect_required', 'grant_revoked'],
    ['invalid_grant', 70008, undefined, 'reconnect_required', 'refresh_token_expired'],
    ['invalid_grant', 70000, undefined, 'reconnect_required', 'grant_invalid'],
    ['invalid_grant', 54005, undefined, 'reconnect_required', 'code_already_redeemed'],
    ['invalid_grant', 50076, 'basic_action', 'reconnect_required', 'mfa_required'],
    ['interaction_required', 50079, 'basic_action', 'reconnect_required', 'mfa_required'],
    ['interaction_required', 53003, 'message_only', 'reconnect_required', 'conditional_access'],
    ['invalid_grant', 50057, undefined, 'reconnect_required', 'user_disabled'],
  ] as const)('%s AADSTS%i (subError %s) -> %s / %s', (error, aadsts, subError, kind, code) => {
    const isInteraction = error === 'interaction_required' || subError !== undefined;
    const err = isInteraction
      ? interactionRequired(error, aadsts, subError)
      : serverError(error, aadsts, subError, 400);
    const f = classifyMicrosoftError(err);
    expect(f).toMatchObject({ kind, code, aadsts, graphCode: error });
    // the same answer as a plain ServerError (MSAL decides the class from error/suberror, we do not care)
    expect(classifyMicrosoftError(serverError(error, aadsts, subError))).toMatchObject({ kind, code, aadsts });
  });

  it('keeps Microsoft text as the message, never deciding on it', () => {
    const f = classifyMicrosoftError(serverError('invalid_grant', 50173));
    expect(f.message).toContain('AADSTS50173');
    // an AADSTS number only in the text does not count
    const textOnly = new ServerError('invalid_request', 'corr', 'AADSTS7000222: secret expired');
    expect(classifyMicrosoftError(textOnly)).toMatchObject({ kind: 'permanent', code: 'bad_request' });
  });
});

describe('classifyMicrosoftError: MSAL errors without a known AADSTS number', () => {
  it.each([
    [serverError('invalid_grant'), 'reconnect_required', 'grant_invalid'],
    [serverError('invalid_grant', 99999), 'reconnect_required', 'grant_invalid'],
    [serverError('invalid_client'), 'app_credentials', 'client_secret_invalid'],
    [serverError('unauthorized_client'), 'app_credentials', 'app_not_found'],
    [serverError('temporarily_unavailable', 50196), 'transient', 'server_error'],
    [serverError('server_error'), 'transient', 'server_error'],
    [serverError('invalid_scope'), 'permanent', 'bad_request'],
    [serverError('invalid_tenant', 90002), 'permanent', 'tenant_not_found'],
    [serverError('invalid_grant', 501481), 'reconnect_required', 'grant_invalid'],
    [serverError('something_new', undefined, undefined, 503), 'transient', 'server_error'],
    [serverError('something_new', undefined, undefined, 429), 'transient', 'throttled'],
    [interactionRequired('interaction_required'), 'reconnect_required', 'interaction_required'],
    [interactionRequired('login_required'), 'reconnect_required', 'interaction_required'],
    [interactionRequired('consent_required'), 'reconnect_required', 'consent_required'],
    [interactionRequired('bad_token'), 'reconnect_required', 'grant_invalid'],
    [interactionRequired('invalid_grant', undefined, 'consent_required'), 'reconnect_required', 'consent_required'],
    [interactionRequired('whatever_new', undefined, 'additional_action'), 'reconnect_required', 'interaction_required'],
  ] as const)('%#: %s -> %s / %s', (err, kind, code) => {
    expect(classifyMicrosoftError(err)).toMatchObject({ kind, code });
  });

  it('a 429 / 503 from the token endpoint is transient and carries the Retry-After our MSAL edge recorded', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const throttled = Object.assign(serverError('temporarily_unavailable', undefined, undefined, 429), {
      retryAfter: '7',
    });
    expect(classifyMicrosoftError(throttled, { now })).toMatchObject({
      kind: 'transient',
      code: 'throttled',
      retryAfterMs: 7000,
      status: 429,
    });
    const busy = Object.assign(serverError('temporarily_unavailable', undefined, undefined, 503), {
      retryAfter: 'Wed, 01 Jan 2025 00:00:30 GMT',
    });
    expect(classifyMicrosoftError(busy, { now })).toMatchObject({
      kind: 'transient',
      code: 'server_error',
      retryAfterMs: 30_000,
    });
  });

  it('several error_codes: the first (MSAL errorNo) decides only when known, else the OAuth error does', () => {
    // 70002 then 70000 on invalid_grant: a grant problem, not the app's credentials.
    expect(classifyMicrosoftError(serverError('invalid_grant', 70002))).toMatchObject({
      kind: 'reconnect_required',
      code: 'grant_invalid',
    });
  });

  it('treats MSAL throttle-cache replays (errorCode = joined error_codes, no errorNo) as throttled', () => {
    expect(classifyMicrosoftError(new ServerError('', 'corr', 'busy'))).toMatchObject({
      kind: 'transient',
      code: 'throttled',
    });
    expect(classifyMicrosoftError(new ServerError('50196 90033', 'corr', 'busy'))).toMatchObject({
      kind: 'transient',
      code: 'throttled',
    });
  });

  it.each([
    [new ClientAuthError('network_error', 'corr', 'Network request failed'), 'transient', 'network'],
    [new ClientAuthError('no_network_connectivity', 'corr'), 'transient', 'network'],
    [new ClientAuthError('openid_config_error', 'corr'), 'transient', 'network'],
    [new ClientAuthError('endpoints_resolution_error', 'corr'), 'transient', 'network'],
    [new ClientAuthError('token_parsing_error', 'corr'), 'transient', 'server_error'],
    [new ClientAuthError('nonce_mismatch', 'corr'), 'permanent', 'invalid_response'],
    [new ClientAuthError('state_mismatch', 'corr'), 'permanent', 'invalid_response'],
    [new ClientConfigurationError('untrusted_authority', 'corr'), 'permanent', 'msal_configuration'],
    [new ClientConfigurationError('authority_uri_insecure', 'corr'), 'permanent', 'msal_configuration'],
    [new AuthError('network_error', 'corr', 'Request timeout'), 'transient', 'network'],
    [new AuthError('brand_new_code', 'corr'), 'permanent', 'unknown'],
  ] as const)('%#: MSAL client error -> %s / %s', (err, kind, code) => {
    expect(classifyMicrosoftError(err)).toMatchObject({ kind, code });
  });

  it('recognises a NetworkError built by another copy of msal-common (by shape)', () => {
    const inner = new ClientAuthError('network_error', 'corr', 'Network request failed');
    const err = createNetworkError(inner, undefined, undefined, new TypeError('fetch failed'));
    expect(err).toBeInstanceOf(NetworkError);
    expect(classifyMicrosoftError(err)).toMatchObject({ kind: 'transient', code: 'network' });
  });
});

describe('classifyMicrosoftError: Graph errors', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');

  it.each([
    [401, 'InvalidAuthenticationToken', 'reconnect_required', 'invalid_authentication_token'],
    [401, null, 'reconnect_required', 'invalid_authentication_token'],
    [403, 'ErrorAccessDenied', 'permanent', 'scope_missing'],
    [403, 'Authorization_RequestDenied', 'permanent', 'scope_missing'],
    [403, null, 'permanent', 'scope_missing'],
    [403, 'ErrorSendAsDenied', 'permanent', 'send_as_denied'],
    [400, 'ErrorInvalidRecipients', 'permanent', 'invalid_recipient'],
    [413, null, 'permanent', 'message_too_large'],
    [400, 'ErrorMessageSizeExceeded', 'permanent', 'message_too_large'],
    [410, null, 'permanent', 'sync_state_invalid'],
    [400, 'syncStateNotFound', 'permanent', 'sync_state_invalid'],
    [400, 'resyncRequired', 'permanent', 'sync_state_invalid'],
    [404, 'MailboxNotEnabledForRESTAPI', 'permanent', 'mailbox_not_enabled'],
    [401, 'MailboxNotEnabledForRESTAPI', 'permanent', 'mailbox_not_enabled'],
    [404, 'ErrorItemNotFound', 'permanent', 'not_found'],
    [400, 'ErrorInvalidIdMalformed', 'permanent', 'bad_request'],
    [400, null, 'permanent', 'bad_request'],
    [409, 'ErrorIrresolvableConflict', 'permanent', 'bad_request'],
    [408, null, 'transient', 'network'],
    [429, 'ApplicationThrottled', 'transient', 'throttled'],
    [500, 'generalException', 'transient', 'server_error'],
    [502, null, 'transient', 'server_error'],
    [503, 'ServiceNotAvailable', 'transient', 'server_error'],
    [504, 'UnknownError', 'transient', 'server_error'],
    // The basic codes of "Microsoft Graph error responses", in their documented casing.
    [503, 'serviceNotAvailable', 'transient', 'server_error'],
    [504, 'serviceNotAvailable', 'transient', 'server_error'],
    [429, 'activityLimitReached', 'transient', 'throttled'],
    [500, 'generalException', 'transient', 'server_error'],
    [400, 'invalidRequest', 'permanent', 'bad_request'],
    [404, 'itemNotFound', 'permanent', 'not_found'],
    [403, 'accessDenied', 'permanent', 'scope_missing'],
    [401, 'unauthenticated', 'reconnect_required', 'invalid_authentication_token'],
  ] as const)('%i %s -> %s / %s', (status, code, kind, reason) => {
    const f = classifyMicrosoftError(graphError(status, code), { now });
    expect(f).toMatchObject({ kind, code: reason, status });
    if (code) expect(f.graphCode).toBe(code);
  });

  it('compares Graph codes case-insensitively', () => {
    expect(classifyMicrosoftError(graphError(403, 'errorsendasdenied'))).toMatchObject({ code: 'send_as_denied' });
  });

  it('reads Retry-After in seconds', () => {
    const f = classifyMicrosoftError(graphError(429, 'ApplicationThrottled', { 'Retry-After': '7' }), { now });
    expect(f).toMatchObject({ kind: 'transient', code: 'throttled', retryAfterMs: 7000 });
  });

  it('Retry-After on a 503 and a 504 as on a 429 (the mailbox gate pauses on it)', () => {
    for (const status of [503, 504]) {
      const f = classifyMicrosoftError(graphError(status, 'serviceNotAvailable', { 'Retry-After': '4' }), { now });
      expect(f).toMatchObject({ kind: 'transient', code: 'server_error', status, retryAfterMs: 4000 });
    }
  });

  it('MailboxConcurrency (429 ApplicationThrottled, the body Outlook sends) is a transient retry', () => {
    const err = graphError(429, 'ApplicationThrottled', { 'Retry-After': '1' });
    err.message = 'Application is over its MailboxConcurrency limit.';
    expect(classifyMicrosoftError(err, { now })).toMatchObject({
      kind: 'transient',
      code: 'throttled',
      status: 429,
      retryAfterMs: 1000,
      graphCode: 'ApplicationThrottled',
    });
  });

  it('reads Retry-After as an HTTP date', () => {
    const headers = { 'Retry-After': new Date(now + 90_000).toUTCString() };
    expect(classifyMicrosoftError(graphError(503, null, headers), { now })).toMatchObject({ retryAfterMs: 90_000 });
    const past = { 'Retry-After': new Date(now - 5_000).toUTCString() };
    expect(classifyMicrosoftError(graphError(503, null, past), { now })).toMatchObject({ retryAfterMs: 0 });
  });

  it('ignores an unparseable Retry-After', () => {
    expect(
      classifyMicrosoftError(graphError(429, null, { 'Retry-After': 'soon' }), { now }).retryAfterMs,
    ).toBeUndefined();
  });

  it('classifies our MicrosoftHttpError like a GraphError', () => {
    const err = new MicrosoftHttpError({ status: 429, code: 'TooManyRequests', retryAfter: '3' });
    expect(classifyMicrosoftError(err)).toMatchObject({
      kind: 'transient',
      code: 'throttled',
      retryAfterMs: 3000,
      status: 429,
    });
    expect(classifyMicrosoftError(new MicrosoftHttpError({ status: 403, code: 'ErrorSendAsDenied' }))).toMatchObject({
      kind: 'permanent',
      code: 'send_as_denied',
    });
  });

  it('a GraphError without an answer (status -1) and nothing else is unknown', () => {
    const err = new GraphError(-1, 'fetch failed');
    err.code = 'TypeError';
    expect(classifyMicrosoftError(err)).toMatchObject({ kind: 'permanent', code: 'unknown', graphCode: 'TypeError' });
  });
});

describe('classifyMicrosoftError: network errors', () => {
  function errnoError(code: string): NodeJS.ErrnoException {
    const err: NodeJS.ErrnoException = new Error(`connect ${code} 127.0.0.1:443`);
    err.code = code;
    return err;
  }

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'])('%s is transient', (code) => {
    expect(classifyMicrosoftError(errnoError(code))).toMatchObject({
      kind: 'transient',
      code: 'network',
      graphCode: code,
    });
  });

  it('reads the code from the cause of `fetch failed` (undici)', () => {
    const undici = Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
    const err = new TypeError('fetch failed', { cause: undici });
    expect(classifyMicrosoftError(err)).toMatchObject({
      kind: 'transient',
      code: 'network',
      graphCode: 'UND_ERR_CONNECT_TIMEOUT',
    });
    expect(classifyMicrosoftError(new TypeError('fetch failed', { cause: errnoError('ECONNRESET') }))).toMatchObject({
      code: 'network',
    });
  });

  it('treats aborts and timeouts (by error name) as transient', () => {
    expect(classifyMicrosoftError(new DOMException('The operation timed out.', 'TimeoutError'))).toMatchObject({
      code: 'network',
    });
    expect(classifyMicrosoftError(new DOMException('aborted', 'AbortError'))).toMatchObject({ code: 'network' });
  });

  it('treats any failure before a Graph answer as network, even without a known errno', () => {
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const err = new GraphTransportError(new TypeError('fetch failed', { cause: tls }));
    expect(classifyMicrosoftError(err)).toMatchObject({ kind: 'transient', code: 'network' });
  });

  it('does not call a `fetch failed` without a structured cause a network error', () => {
    expect(classifyMicrosoftError(new TypeError('fetch failed'))).toMatchObject({ kind: 'permanent', code: 'unknown' });
  });
});

describe('classifyMicrosoftError: wrappers and defaults', () => {
  it('classifies the cause of a token failure seen through the Graph client', () => {
    const err = new GraphAccessTokenError(serverError('invalid_client', 7000222, undefined, 401));
    expect(classifyMicrosoftError(err)).toMatchObject({
      kind: 'app_credentials',
      code: 'client_secret_expired',
      aadsts: 7000222,
    });
  });

  it('classifies the cause of an unknown wrapper', () => {
    const err = new Error('refresh failed', { cause: serverError('invalid_grant', 700082) });
    expect(classifyMicrosoftError(err)).toMatchObject({ code: 'refresh_token_expired' });
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string', 'invalid_grant'],
    ['undefined', undefined],
    ['null', null],
    ['an object with a code we do not know', { code: 'EWHATEVER', message: 'hm' }],
  ])('%s -> permanent / unknown', (_label, err) => {
    expect(classifyMicrosoftError(err)).toEqual(classifyMicrosoftError(err));
    expect(classifyMicrosoftError(err)).toMatchObject({ kind: 'permanent', code: 'unknown' });
  });

  it('survives a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyMicrosoftError(a)).toMatchObject({ code: 'unknown' });
  });

  it('never puts tokens into the message', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const f = classifyMicrosoftError(new Error(`failed with Bearer ${jwt} and refresh_token=0.AAAA-secret&x=1`));
    expect(f.message).not.toContain(jwt);
    expect(f.message).not.toContain('0.AAAA-secret');
  });

  it('gives every code exactly one kind', () => {
    for (const [code, kind] of Object.entries(FAILURE_KIND)) {
      expect(['transient', 'reconnect_required', 'app_credentials', 'permanent']).toContain(kind);
      expect(code).toMatch(/^[a-z_]+$/);
    }
  });
});

describe('edge error classes', () => {
  it('keep their own class and name despite GraphClientError pinning its prototype', () => {
    const transport = new GraphTransportError(new Error('x'));
    const token = new GraphAccessTokenError(new Error('y'));
    expect(transport).toBeInstanceOf(GraphTransportError);
    expect(token).toBeInstanceOf(GraphAccessTokenError);
    expect([transport.name, token.name]).toEqual(['GraphTransportError', 'GraphAccessTokenError']);
  });
});
