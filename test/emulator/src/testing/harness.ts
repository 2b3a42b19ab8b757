// Shared setup for the emulator's integration tests: the real MSAL and Graph client against a started emulator.
import { randomBytes } from 'node:crypto';
import { ConfidentialClientApplication, CryptoProvider, type AuthenticationResult } from '@azure/msal-node';
import { Client, HTTPMessageHandler, AuthenticationHandler, type Middleware } from '@microsoft/microsoft-graph-client';
import type { AppInfo, TenantInfo, UserInfo } from '../control/types';
import { startEmulator, type Emulator } from '../emulator';
import type { StartOptions } from '../options';

export const REDIRECT = 'https://crm.example.test/oauth/callback';
export const FULL_SCOPES = ['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'];

export interface World {
  emu: Emulator;
  tenant: TenantInfo;
  user: UserInfo;
  app: AppInfo;
  secret: string;
}

if (!process.env.NODE_EXTRA_CA_CERTS) {
  throw new Error('set NODE_EXTRA_CA_CERTS to the dev CA (<repo>/.local/emulator-ca/ca.pem) before starting jest');
}

export const uniqueEmail = (domain: string, name = 'user'): string =>
  `${name}-${randomBytes(4).toString('hex')}@${domain}`;

export async function startWorld(opts: StartOptions = {}): Promise<World> {
  const emu = await startEmulator({ interactive: false, ...opts });
  const tenant = emu.control.createTenant({ name: 'Contoso' });
  const user = emu.control.createUser({
    tenantId: tenant.id,
    email: uniqueEmail(tenant.domain, 'adele'),
    displayName: 'Adele Vance',
  });
  const app = emu.control.createApp({ name: 'Emulator test app', homeTenantId: tenant.id, redirectUris: [REDIRECT] });
  return { emu, tenant, user, app, secret: app.secrets[0]?.value ?? '' };
}

export function msalFor(
  w: World,
  opts: { tenant?: string; clientId?: string; secret?: string } = {},
): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: opts.clientId ?? w.app.clientId,
      clientSecret: opts.secret ?? w.secret,
      authority: `${w.emu.loginUrl}/${opts.tenant ?? 'common'}/`,
      knownAuthorities: [w.emu.knownAuthority],
    },
  });
}

export interface AuthorizeOutcome {
  params: URLSearchParams;
  verifier: string;
  nonce: string;
  state: string;
  status: number;
  location: string | null;
  /** The page, when the emulator answered with one (interactive mode, error pages). */
  html?: string;
}

/** getAuthCodeUrl + a headless GET of it (redirect: manual): the emulator consents for login_hint at once. */
export async function authorize(
  msal: ConfidentialClientApplication,
  opts: { email?: string; scopes?: string[]; prompt?: string } = {},
): Promise<AuthorizeOutcome> {
  const crypto = new CryptoProvider();
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const nonce = crypto.createNewGuid();
  const state = randomBytes(12).toString('base64url');
  const url = await msal.getAuthCodeUrl({
    scopes: opts.scopes ?? FULL_SCOPES,
    redirectUri: REDIRECT,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    ...(opts.email ? { loginHint: opts.email } : {}),
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
  });
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  const params = location ? new URL(location).searchParams : new URLSearchParams();
  const html = location ? undefined : await response.text();
  return { params, verifier, nonce, state, status: response.status, location, ...(html !== undefined ? { html } : {}) };
}

export async function redeem(
  msal: ConfidentialClientApplication,
  a: AuthorizeOutcome,
  scopes = FULL_SCOPES,
): Promise<AuthenticationResult> {
  return msal.acquireTokenByCode(
    {
      code: a.params.get('code') ?? '',
      codeVerifier: a.verifier,
      nonce: a.nonce,
      state: a.state,
      redirectUri: REDIRECT,
      scopes,
    },
    { code: a.params.get('code') ?? '', state: a.params.get('state') ?? '' },
  );
}

/** MSAL keeps the refresh token in its cache only. */
export function refreshTokenOf(msal: ConfidentialClientApplication): string {
  const cache = JSON.parse(msal.getTokenCache().serialize()) as { RefreshToken?: Record<string, { secret: string }> };
  const entries = Object.values(cache.RefreshToken ?? {});
  return entries[entries.length - 1]?.secret ?? '';
}

export interface Connected {
  msal: ConfidentialClientApplication;
  result: AuthenticationResult;
  refreshToken: string;
}

export async function connect(
  w: World,
  opts: { email?: string; scopes?: string[]; tenant?: string } = {},
): Promise<Connected> {
  const msal = msalFor(w, { tenant: opts.tenant });
  const a = await authorize(msal, { email: opts.email ?? w.user.email, scopes: opts.scopes });
  if (!a.params.get('code'))
    throw new Error(`authorize failed: ${a.params.get('error')} ${a.params.get('error_description')}`);
  const result = await redeem(msal, a, opts.scopes);
  return { msal, result, refreshToken: refreshTokenOf(msal) };
}

/** The real Graph client pointed at the emulator (baseUrl = origin, defaultVersion v1.0, customHosts localhost). */
export function graphFor(w: World, token: string, opts: { retries?: boolean } = {}): Client {
  const authProvider = { getAccessToken: async () => token };
  const base = { baseUrl: w.emu.url, defaultVersion: 'v1.0', customHosts: new Set(['localhost']) };
  if (opts.retries) return Client.initWithMiddleware({ ...base, authProvider });
  const middleware: Middleware[] = [new AuthenticationHandler(authProvider), new HTTPMessageHandler()];
  return Client.initWithMiddleware({ ...base, middleware });
}

export const errorOf = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

/** Polls until `check` returns a truthy value (sends complete after the transport delay), then returns it. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
