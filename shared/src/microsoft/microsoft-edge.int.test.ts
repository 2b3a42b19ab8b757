import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator } from '@outlook-connect/ms-emulator';
import { classifyMicrosoftError } from './classify';
import { createGraphClient } from './graph-client';
import {
  buildAuthorizeUrl,
  createMsalClient,
  redeemCode,
  refreshWithToken,
  type MicrosoftTokens,
  type MsalAppOptions,
} from './msal-client';
import { canReadMail, canSend, missingScopes, scopesForPreset } from './scope-presets';

// The real MSAL and Graph client against the in-process emulator (HTTPS with the dev CA: NODE_EXTRA_CA_CERTS).
const REDIRECT = 'https://crm.example.test/oauth/callback';
const scopes = scopesForPreset('full');

describe('Microsoft edge against the emulator', () => {
  let emu: Emulator;
  let msal: MsalAppOptions;
  let email: string;

  beforeAll(async () => {
    emu = await startEmulator({ interactive: false });
    const tenant = emu.control.createTenant();
    email = `adele-${randomBytes(4).toString('hex')}@${tenant.domain}`;
    emu.control.createUser({ tenantId: tenant.id, email, displayName: 'Adele Vance' });
    const app = emu.control.createApp({
      name: 'edge-test',
      homeTenantId: tenant.id,
      multiTenant: true,
      redirectUris: [REDIRECT],
      secrets: [{}],
    });
    msal = {
      loginUrl: emu.loginUrl,
      tenant: 'organizations',
      clientId: app.clientId,
      clientSecret: app.secrets[0]?.value ?? '',
    };
  });

  afterAll(async () => {
    await emu?.close();
  });

  async function connect(): Promise<MicrosoftTokens> {
    const state = randomBytes(16).toString('base64url');
    const auth = await buildAuthorizeUrl(msal, { redirectUri: REDIRECT, scopes, state, loginHint: email });
    const response = await fetch(auth.url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe(state);
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`no code: ${location.search}`);
    return redeemCode(msal, {
      code,
      codeVerifier: auth.codeVerifier,
      nonce: auth.nonce,
      state,
      redirectUri: REDIRECT,
      scopes,
    });
  }

  it('creates an MSAL client that trusts the emulator without instance discovery', async () => {
    const auth = await createMsalClient(msal).getAuthCodeUrl({ scopes, redirectUri: REDIRECT });
    expect(auth.startsWith(`${emu.loginUrl}/organizations/oauth2/v2.0/authorize?`)).toBe(true);
  });

  it('connects, refreshes with rotation, and calls Graph with the token', async () => {
    const connected = await connect();
    expect(connected.refreshToken).toEqual(expect.any(String));
    // The email scope is always requested: its claim is the mailbox address.
    expect(connected.idTokenClaims.email?.toLowerCase()).toBe(email.toLowerCase());
    expect(connected.idTokenClaims.oid).toEqual(expect.any(String));
    expect(connected.homeAccountId).toContain('.');
    expect(missingScopes(scopes, connected.grantedScopes)).toEqual([]);
    expect(canReadMail(connected.grantedScopes) && canSend(connected.grantedScopes)).toBe(true);

    const refreshed = await refreshWithToken(msal, { refreshToken: connected.refreshToken ?? '', scopes });
    expect(refreshed.accessToken).not.toBe(connected.accessToken);
    expect(refreshed.refreshToken).toEqual(expect.any(String));
    expect(refreshed.refreshToken).not.toBe(connected.refreshToken);

    const graph = createGraphClient({ graphUrl: emu.graphUrl, getAccessToken: async () => refreshed.accessToken });
    const inbox = (await graph.api('/me/mailFolders/inbox').get()) as { id: string };
    expect(inbox.id).toEqual(expect.any(String));
    // The mail presets do not include User.Read, so /me is refused: the product must not depend on it.
    expect(
      classifyMicrosoftError(
        await graph
          .api('/me')
          .get()
          .catch((e: unknown) => e),
      ),
    ).toMatchObject({ status: 403 });
  });

  it('takes the expiry from each answer (Microsoft varies it between 60 and 90 minutes)', async () => {
    const connected = await connect();
    const expiries: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = Date.now();
      const t = await refreshWithToken(msal, { refreshToken: connected.refreshToken ?? '', scopes });
      const lifetime = t.expiresAt.getTime() - before;
      expect(lifetime).toBeGreaterThan(3590_000);
      expect(lifetime).toBeLessThanOrEqual(5405_000);
      expiries.push(Math.round(lifetime / 1000));
    }
    expect(new Set(expiries).size).toBeGreaterThan(1);
  });

  it('a token endpoint 429 or 503 with Retry-After is transient and carries the wait', async () => {
    const connected = await connect();
    const throttle = emu.control.injectFault({
      method: 'POST',
      path: '/oauth2/v2.0/token$',
      status: 429,
      retryAfterSec: 7,
      times: 1,
    });
    const throttled = await refreshWithToken(msal, { refreshToken: connected.refreshToken ?? '', scopes }).catch(
      (e: unknown) => e,
    );
    emu.control.removeFault(throttle);
    expect(classifyMicrosoftError(throttled)).toMatchObject({
      kind: 'transient',
      code: 'throttled',
      status: 429,
      retryAfterMs: 7000,
    });
    const busy = emu.control.injectFault({
      method: 'POST',
      path: '/oauth2/v2.0/token$',
      status: 503,
      retryAfterSec: 2,
      times: 1,
    });
    const unavailable = await refreshWithToken(msal, { refreshToken: connected.refreshToken ?? '', scopes }).catch(
      (e: unknown) => e,
    );
    emu.control.removeFault(busy);
    expect(classifyMicrosoftError(unavailable)).toMatchObject({
      kind: 'transient',
      code: 'server_error',
      status: 503,
      retryAfterMs: 2000,
    });
    // The refresh token is untouched by a throttled attempt: the retry succeeds.
    await expect(refreshWithToken(msal, { refreshToken: connected.refreshToken ?? '', scopes })).resolves.toMatchObject(
      { accessToken: expect.any(String) },
    );
  });

  it('classifies a Graph 401 from a bad token', async () => {
    const graph = createGraphClient({ graphUrl: emu.graphUrl, getAccessToken: async () => 'not-a-token' });
    const err = await graph
      .api('/me')
      .get()
      .catch((e: unknown) => e);
    expect(classifyMicrosoftError(err)).toMatchObject({
      kind: 'reconnect_required',
      code: 'invalid_authentication_token',
      status: 401,
    });
  });

  it('sends a throttled POST once and reads Retry-After', async () => {
    const connected = await connect();
    const graph = createGraphClient({ graphUrl: emu.graphUrl, getAccessToken: async () => connected.accessToken });
    const before = emu.control.requestLog(email).filter((e) => e.path.endsWith('/sendMail')).length;
    const fault = emu.control.injectFault({
      method: 'POST',
      path: '/sendMail$',
      status: 429,
      code: 'ApplicationThrottled',
      retryAfterSec: 3,
      times: 5,
    });
    const err = await graph
      .api('/me/sendMail')
      .post({
        message: {
          subject: 'hi',
          body: { contentType: 'Text', content: 'x' },
          toRecipients: [{ emailAddress: { address: email } }],
        },
      })
      .catch((e: unknown) => e);
    emu.control.removeFault(fault);
    expect(classifyMicrosoftError(err)).toMatchObject({
      kind: 'transient',
      code: 'throttled',
      status: 429,
      retryAfterMs: 3000,
    });
    expect(emu.control.requestLog(email).filter((e) => e.path.endsWith('/sendMail')).length - before).toBe(1);
  });

  it('classifies revoked grants and an expired client secret from real token answers', async () => {
    const connected = await connect();
    emu.control.revokeGrants(email);
    const revoked = await refreshWithToken(msal, { refreshToken: connected.refreshToken ?? '', scopes }).catch(
      (e: unknown) => e,
    );
    expect(classifyMicrosoftError(revoked)).toMatchObject({
      kind: 'reconnect_required',
      code: 'grant_revoked',
      aadsts: 50173,
    });

    const again = await connect();
    emu.control.expireSecret(msal.clientId);
    const expired = await refreshWithToken(msal, { refreshToken: again.refreshToken ?? '', scopes }).catch(
      (e: unknown) => e,
    );
    expect(classifyMicrosoftError(expired)).toMatchObject({
      kind: 'app_credentials',
      code: 'client_secret_expired',
      aadsts: 7000222,
    });
  });
});
