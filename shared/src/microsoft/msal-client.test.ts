import { ConfidentialClientApplication } from '@azure/msal-node';
import pino from 'pino';
import { classifyMicrosoftError } from './classify';
import { FakeIdentityPlatform } from '../testing/fake-identity-platform';
import {
  authorityFor,
  buildAuthorizeUrl,
  createMsalClient,
  knownAuthoritiesFor,
  redeemCode,
  refreshTokenFromCache,
  refreshWithToken,
  type MicrosoftEdgeLogger,
  type MsalAppOptions,
} from './msal-client';
import { scopesForPreset } from './scope-presets';

const ORIGIN = 'https://login.example.test:5443';
const REDIRECT = 'https://crm.example/oauth/callback';

function setup(logger?: MicrosoftEdgeLogger) {
  const platform = new FakeIdentityPlatform(ORIGIN);
  const msal: MsalAppOptions = {
    loginUrl: ORIGIN,
    tenant: 'organizations',
    clientId: 'client-1',
    clientSecret: 'secret-1',
    networkClient: platform,
    ...(logger ? { logger } : {}),
  };
  return { platform, msal };
}

describe('authority helpers', () => {
  it('builds the authority with a trailing slash', () => {
    expect(authorityFor('https://login.microsoftonline.com/', 'common')).toBe(
      'https://login.microsoftonline.com/common/',
    );
    expect(authorityFor('https://localhost:5443', 'contoso.example')).toBe('https://localhost:5443/contoso.example/');
  });

  it('lists only non-Microsoft hosts (with port) as known authorities', () => {
    expect(knownAuthoritiesFor('https://login.microsoftonline.com')).toEqual([]);
    expect(knownAuthoritiesFor('https://LocalHost:5443')).toEqual(['localhost:5443']);
    expect(knownAuthoritiesFor('https://login.example.test')).toEqual(['login.example.test']);
  });

  it('creates a ConfidentialClientApplication', () => {
    expect(createMsalClient(setup().msal)).toBeInstanceOf(ConfidentialClientApplication);
  });
});

describe('connect flow against a fake identity platform', () => {
  const scopes = scopesForPreset('full');

  it('builds an authorize URL with PKCE, state, nonce, login_hint and prompt', async () => {
    const { platform, msal } = setup();
    const auth = await buildAuthorizeUrl(msal, {
      redirectUri: REDIRECT,
      scopes,
      state: 'state-1',
      loginHint: 'adele@contoso.example',
      prompt: 'consent',
    });
    const url = new URL(auth.url);
    expect(url.origin + url.pathname).toBe(`${ORIGIN}/organizations/oauth2/v2.0/authorize`);
    expect(url.searchParams.get('client_id')).toBe('client-1');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBe('state-1');
    expect(url.searchParams.get('nonce')).toBe(auth.nonce);
    expect(url.searchParams.get('login_hint')).toBe('adele@contoso.example');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['Mail.ReadWrite', 'Mail.Send', 'openid', 'profile', 'offline_access']),
    );
    expect(auth.codeVerifier).toMatch(/^[\w-]{43,128}$/);
    expect(auth.state).toBe('state-1');
    // MSAL only fetched the tenant's discovery document: no instance discovery on Microsoft's host
    expect(platform.requests.map((r) => r.url)).toEqual([
      `${ORIGIN}/organizations/v2.0/.well-known/openid-configuration`,
    ]);
  });

  it('drops login_hint with prompt=select_account (MSAL does; reconnects should use login or consent)', async () => {
    const { msal } = setup();
    const auth = await buildAuthorizeUrl(msal, {
      redirectUri: REDIRECT,
      scopes,
      state: 's',
      loginHint: 'adele@contoso.example',
      prompt: 'select_account',
    });
    expect(new URL(auth.url).searchParams.get('login_hint')).toBeNull();
    expect(new URL(auth.url).searchParams.get('prompt')).toBe('select_account');
  });

  it('redeems the code and reads the refresh token out of the cache', async () => {
    const { platform, msal } = setup();
    const auth = await buildAuthorizeUrl(msal, { redirectUri: REDIRECT, scopes, state: 's' });
    const code = platform.approve(auth.url);
    const tokens = await redeemCode(msal, {
      code,
      codeVerifier: auth.codeVerifier,
      nonce: auth.nonce,
      state: 's',
      redirectUri: REDIRECT,
      scopes,
    });
    expect(tokens).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      idTokenClaims: {
        oid: platform.userOid,
        tid: platform.tenantId,
        preferred_username: 'adele@contoso.example',
        name: 'Adele Vance',
      },
      homeAccountId: `${platform.userOid}.${platform.tenantId}`,
    });
    expect(tokens.grantedScopes).toEqual(expect.arrayContaining(['https://graph.microsoft.com/Mail.ReadWrite']));
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    const post = platform.requests.find((r) => r.method === 'POST');
    expect(post?.body?.get('code_verifier')).toBe(auth.codeVerifier);
    expect(post?.body?.get('client_secret')).toBe('secret-1');
  });

  it('rejects an id_token whose nonce differs (MSAL nonce_mismatch -> invalid_response)', async () => {
    const { platform, msal } = setup();
    const auth = await buildAuthorizeUrl(msal, { redirectUri: REDIRECT, scopes, state: 's' });
    const code = platform.approve(auth.url);
    const err = await redeemCode(msal, {
      code,
      codeVerifier: auth.codeVerifier,
      nonce: 'other',
      redirectUri: REDIRECT,
      scopes,
    }).catch((e: unknown) => e);
    expect(classifyMicrosoftError(err)).toMatchObject({ kind: 'permanent', code: 'invalid_response' });
  });

  it('returns refreshToken undefined when Microsoft issued none (offline_access missing)', async () => {
    const { platform, msal } = setup();
    platform.issueRefreshToken = false;
    const auth = await buildAuthorizeUrl(msal, { redirectUri: REDIRECT, scopes, state: 's' });
    const tokens = await redeemCode(msal, {
      code: platform.approve(auth.url),
      codeVerifier: auth.codeVerifier,
      nonce: auth.nonce,
      redirectUri: REDIRECT,
      scopes,
    });
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.accessToken).toBe('at-1');
  });

  it('refreshes with a stored refresh token and returns the rotated one', async () => {
    const { platform, msal } = setup();
    const tokens = await refreshWithToken(msal, { refreshToken: 'rt-old', scopes });
    expect(tokens).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(tokens.idTokenClaims.oid).toBe(platform.userOid);
    const post = platform.requests.find((r) => r.method === 'POST');
    expect(post?.body?.get('grant_type')).toBe('refresh_token');
    expect(post?.body?.get('refresh_token')).toBe('rt-old');
  });
});

describe('MSAL errors from real token endpoint answers are classified on their fields', () => {
  const scopes = scopesForPreset('read_only');
  const tokenError = (status: number, error: string, aadsts: number, suberror?: string) => ({
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: description. Trace ID: t Correlation ID: c Timestamp: 2025-01-01`,
      error_codes: [aadsts],
      timestamp: '2025-01-01 00:00:00Z',
      trace_id: 't',
      correlation_id: 'c',
      ...(suberror ? { suberror } : {}),
    },
  });

  it.each([
    [tokenError(400, 'invalid_grant', 700082, 'bad_token'), 'reconnect_required', 'refresh_token_expired'],
    [tokenError(400, 'invalid_grant', 50173), 'reconnect_required', 'grant_revoked'],
    [tokenError(400, 'invalid_grant', 65001, 'consent_required'), 'reconnect_required', 'consent_required'],
    [tokenError(400, 'interaction_required', 53003, 'message_only'), 'reconnect_required', 'conditional_access'],
    [tokenError(401, 'invalid_client', 7000222), 'app_credentials', 'client_secret_expired'],
    [tokenError(401, 'invalid_client', 7000215), 'app_credentials', 'client_secret_invalid'],
    [tokenError(400, 'unauthorized_client', 700016), 'app_credentials', 'app_not_found'],
    [tokenError(503, 'temporarily_unavailable', 50196), 'transient', 'server_error'],
  ] as const)('%#: %j -> %s / %s', async (answer, kind, code) => {
    const { platform, msal } = setup();
    platform.nextTokenError = answer;
    const err = await refreshWithToken(msal, { refreshToken: 'rt', scopes }).catch((e: unknown) => e);
    const f = classifyMicrosoftError(err);
    expect(f).toMatchObject({ kind, code, aadsts: answer.body.error_codes[0] });
    expect(f.message).toContain(`AADSTS${answer.body.error_codes[0]}`);
    expect(f.message).not.toContain('rt');
  });
});

describe('MSAL logging', () => {
  it('accepts a pino logger', () => {
    const logger: MicrosoftEdgeLogger = pino({ enabled: false });
    expect(createMsalClient(setup(logger).msal)).toBeInstanceOf(ConfidentialClientApplication);
  });

  it('forwards warnings and errors without PII, drops info', () => {
    const logger = { warn: jest.fn(), error: jest.fn() };
    const msalLogger = createMsalClient(setup(logger).msal).getLogger();
    msalLogger.info('info line', '');
    msalLogger.warning('warning line', '');
    msalLogger.error('error line', '');
    msalLogger.errorPii('adele@contoso.example', '');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[1]).toContain('warning line');
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logger.error.mock.calls)).not.toContain('adele');
  });
});

describe('refreshTokenFromCache', () => {
  const cache = (entries: Record<string, { home_account_id: string; secret: string }>) =>
    JSON.stringify({ Account: {}, RefreshToken: entries });

  it('picks the entry of the account', () => {
    const json = cache({ a: { home_account_id: 'x.y', secret: 'one' }, b: { home_account_id: 'p.q', secret: 'two' } });
    expect(refreshTokenFromCache(json, 'p.q')).toBe('two');
  });

  it('falls back to the only entry, and refuses to guess between several', () => {
    expect(refreshTokenFromCache(cache({ a: { home_account_id: 'x.y', secret: 'one' } }), undefined)).toBe('one');
    const two = cache({ a: { home_account_id: 'x.y', secret: 'one' }, b: { home_account_id: 'p.q', secret: 'two' } });
    expect(refreshTokenFromCache(two, 'other')).toBeUndefined();
    expect(refreshTokenFromCache('{}', 'x.y')).toBeUndefined();
  });
});
