import {
  AuthError,
  ConfidentialClientApplication,
  CryptoProvider,
  LogLevel,
  type AuthenticationResult,
  type INetworkModule,
  type NodeSystemOptions,
} from '@azure/msal-node';
import { RetryAfterRecorder, withRetryAfter } from './msal-network';

/**
 * The OIDC scope whose `email` claim is the user's primary email address (scopes-oidc, "email"): the mailbox
 * address, readable with every preset. MSAL adds openid, profile and offline_access itself, never email.
 */
export const MAILBOX_ADDRESS_SCOPE = 'email';

/** The slice of a pino logger the Microsoft edge writes to. */
export interface MicrosoftEdgeLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface MsalAppOptions {
  /** `https://login.microsoftonline.com` in production, the emulator's origin in tests. */
  loginUrl: string;
  /** `common`, `organizations`, a tenant id or a verified domain. */
  tenant: string;
  clientId: string;
  clientSecret: string;
  logger?: MicrosoftEdgeLogger;
  /** MSAL's HTTP module; default is MSAL's fetch client (tests pass a fake). */
  networkClient?: INetworkModule;
}

/** Hosts MSAL knows through its own cloud discovery; anything else must be listed in knownAuthorities. */
const MICROSOFT_LOGIN_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

/** `${loginUrl}/${tenant}/` as MSAL wants it (trailing slash, https). */
export function authorityFor(loginUrl: string, tenant: string): string {
  return `${loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/`;
}

/** `host:port` for a non-Microsoft login host (emulator), so MSAL trusts it without calling instance discovery. */
export function knownAuthoritiesFor(loginUrl: string): string[] {
  const url = new URL(loginUrl);
  if (MICROSOFT_LOGIN_HOSTS.has(url.hostname.toLowerCase())) return [];
  return [url.host.toLowerCase()];
}

type MsalLoggerOptions = NonNullable<NodeSystemOptions['loggerOptions']>;

function loggerOptions(logger: MicrosoftEdgeLogger | undefined): MsalLoggerOptions {
  return {
    piiLoggingEnabled: false,
    logLevel: LogLevel.Warning,
    loggerCallback: (level, message, containsPii) => {
      if (!logger || containsPii) return;
      if (level === LogLevel.Error) logger.error({ source: 'msal' }, message);
      else if (level === LogLevel.Warning) logger.warn({ source: 'msal' }, message);
    },
  };
}

/**
 * A fresh MSAL app for one operation (one connect or one refresh). Never keep one long-lived app holding every
 * connection's tokens: MSAL's in-memory cache degrades past a few hundred tokens, and we read the refresh token
 * back out of the cache, which must then hold exactly this operation's tokens.
 */
export function createMsalClient(options: MsalAppOptions, network?: INetworkModule): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: authorityFor(options.loginUrl, options.tenant),
      knownAuthorities: knownAuthoritiesFor(options.loginUrl),
    },
    system: {
      loggerOptions: loggerOptions(options.logger),
      ...((network ?? options.networkClient) ? { networkClient: network ?? options.networkClient } : {}),
    },
  });
}

export type AuthorizePrompt = 'select_account' | 'login' | 'consent' | 'none';

export interface AuthorizeUrlRequest {
  redirectUri: string;
  /** Graph scopes (see scopesForPreset); MSAL adds openid, profile and offline_access. */
  scopes: readonly string[];
  /** Opaque value the caller stores with the pending connect and looks up on the callback (CSRF check). */
  state: string;
  /** Generated when absent; must be given back to redeemCode. */
  nonce?: string;
  loginHint?: string;
  /** MSAL drops loginHint when prompt is select_account. */
  prompt?: AuthorizePrompt;
}

export interface AuthorizeUrl {
  url: string;
  /** PKCE verifier: store with the pending connect, give to redeemCode. Secret. */
  codeVerifier: string;
  nonce: string;
  state: string;
}

export async function buildAuthorizeUrl(msal: MsalAppOptions, request: AuthorizeUrlRequest): Promise<AuthorizeUrl> {
  const crypto = new CryptoProvider();
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const nonce = request.nonce ?? crypto.createNewGuid();
  const url = await createMsalClient(msal).getAuthCodeUrl({
    scopes: [...request.scopes, MAILBOX_ADDRESS_SCOPE],
    redirectUri: request.redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state: request.state,
    nonce,
    ...(request.loginHint ? { loginHint: request.loginHint } : {}),
    ...(request.prompt ? { prompt: request.prompt } : {}),
  });
  return { url, codeVerifier: verifier, nonce, state: request.state };
}

export interface MicrosoftIdTokenClaims {
  oid?: string;
  tid?: string;
  /** Mutable, and may be a UPN or a phone number: for display only, never the mailbox. */
  preferred_username?: string;
  /** The primary email address (the `email` scope); absent when the account has none. */
  email?: string;
  name?: string;
}

export interface MicrosoftTokens {
  accessToken: string;
  /** Undefined when Microsoft issued none (no offline_access: map to offline_access_missing on connect;
   *  on refresh keep the previous one). */
  refreshToken: string | undefined;
  expiresAt: Date;
  grantedScopes: string[];
  idTokenClaims: MicrosoftIdTokenClaims;
  /** MSAL's `uid.utid` from client_info. */
  homeAccountId: string;
}

export interface RedeemCodeRequest {
  code: string;
  codeVerifier: string;
  nonce: string;
  /** The state of the callback; the CSRF check is the caller's lookup of the pending connect by it. */
  state?: string;
  redirectUri: string;
  scopes: readonly string[];
}

/** Redeems the authorization code (PKCE + nonce checked by MSAL). Errors: classify with classifyMicrosoftError. */
export async function redeemCode(msal: MsalAppOptions, request: RedeemCodeRequest): Promise<MicrosoftTokens> {
  const network = new RetryAfterRecorder(msal.networkClient);
  const app = createMsalClient(msal, network);
  try {
    const result = await app.acquireTokenByCode({
      code: request.code,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
      redirectUri: request.redirectUri,
      scopes: [...request.scopes, MAILBOX_ADDRESS_SCOPE],
      ...(request.state ? { state: request.state } : {}),
    });
    return toTokens(app, result);
  } catch (err) {
    throw withRetryAfter(err, network);
  }
}

export interface RefreshRequest {
  refreshToken: string;
  scopes: readonly string[];
}

/**
 * Redeems a stored refresh token for new tokens, including the rotated refresh token. forceCache makes MSAL store
 * the response although this fresh app has no account cached; that is where the rotated refresh token is read from.
 */
export async function refreshWithToken(msal: MsalAppOptions, request: RefreshRequest): Promise<MicrosoftTokens> {
  const network = new RetryAfterRecorder(msal.networkClient);
  const app = createMsalClient(msal, network);
  let result: AuthenticationResult | null;
  try {
    result = await app.acquireTokenByRefreshToken({
      refreshToken: request.refreshToken,
      scopes: [...request.scopes],
      forceCache: true,
    });
  } catch (err) {
    throw withRetryAfter(err, network);
  }
  if (!result) throw new AuthError('empty_token_response', '', 'MSAL returned no result for the refresh token grant');
  return toTokens(app, result);
}

interface SerializedRefreshToken {
  home_account_id?: string;
  secret?: string;
}

/** MSAL never hands out the refresh token; its serialized cache holds it under RefreshToken[*].secret. */
export function refreshTokenFromCache(serializedCache: string, homeAccountId: string | undefined): string | undefined {
  const parsed = JSON.parse(serializedCache) as { RefreshToken?: Record<string, SerializedRefreshToken> };
  const entries = Object.values(parsed.RefreshToken ?? {}).filter((e) => typeof e.secret === 'string' && e.secret);
  const mine = entries.find((e) => homeAccountId !== undefined && e.home_account_id === homeAccountId);
  return (mine ?? (entries.length === 1 ? entries[0] : undefined))?.secret;
}

function pickClaims(claims: object | undefined): MicrosoftIdTokenClaims {
  const source = (claims ?? {}) as Record<string, unknown>;
  const picked: MicrosoftIdTokenClaims = {};
  for (const key of ['oid', 'tid', 'preferred_username', 'email', 'name'] as const) {
    const value = source[key];
    if (typeof value === 'string') picked[key] = value;
  }
  return picked;
}

function toTokens(app: ConfidentialClientApplication, result: AuthenticationResult): MicrosoftTokens {
  const homeAccountId = result.account?.homeAccountId ?? '';
  return {
    accessToken: result.accessToken,
    refreshToken: refreshTokenFromCache(app.getTokenCache().serialize(), homeAccountId || undefined),
    // No expiry means we cannot trust the token for long: treat it as already due for refresh.
    expiresAt: result.expiresOn ?? new Date(),
    grantedScopes: [...result.scopes],
    idTokenClaims: pickClaims(result.idTokenClaims),
    homeAccountId,
  };
}
