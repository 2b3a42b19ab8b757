import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { AuthorizeProtocol, ServerError as CommonServerError } from '@azure/msal-common/node';
import {
  FULL_SCOPES,
  REDIRECT,
  authorize,
  connect,
  errorOf,
  msalFor,
  redeem,
  startWorld,
  uniqueEmail,
  type World,
} from '../testing/harness';

// Each error as Microsoft produces it, and as the real MSAL surfaces it (class, errorCode, errorNo, subError).
describe('identity platform errors', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.emu.close();
  });

  const newUser = (name: string): string =>
    w.emu.control.createUser({ tenantId: w.tenant.id, email: uniqueEmail(w.tenant.domain, name) }).email;

  /** The redirect's error, run through MSAL's own authorization-response validation. */
  const redirectError = (params: URLSearchParams, state: string): unknown => {
    expect(params.get('code')).toBeNull();
    try {
      AuthorizeProtocol.getAuthorizationCodePayload(Object.fromEntries(params), state, 'corr');
    } catch (e) {
      return e;
    }
    throw new Error('expected an error redirect');
  };

  const refreshError = (
    connected: { refreshToken: string },
    opts: { secret?: string; clientId?: string } = {},
  ): Promise<unknown> =>
    errorOf(msalFor(w, opts).acquireTokenByRefreshToken({ refreshToken: connected.refreshToken, scopes: FULL_SCOPES }));

  it('65004: the user declines consent -> access_denied redirect', async () => {
    const email = newUser('decliner');
    w.emu.control.setUserBehavior(email, { declineConsent: true });
    const a = await authorize(msalFor(w), { email });
    expect(a.params.get('error')).toBe('access_denied');
    expect(a.params.get('error_subcode')).toBe('cancel');
    expect(a.params.get('error_description')).toMatch(
      /^AADSTS65004: User declined to consent to access the app\.\r\nTrace ID: .+\r\nCorrelation ID: .+\r\nTimestamp: .+Z$/,
    );
    const err = redirectError(a.params, a.state);
    expect(err).toBeInstanceOf(CommonServerError);
    expect(err).toMatchObject({ errorCode: 'access_denied', errorNo: '65004' });
  });

  it('90094: admin consent required by tenant policy, then granted by an admin', async () => {
    const tenant = w.emu.control.createTenant({ name: 'Strict Corp' });
    const email = w.emu.control.createUser({ tenantId: tenant.id, email: uniqueEmail(tenant.domain) }).email;
    w.emu.control.setConsentPolicy(tenant.id, 'admin_required');
    const a = await authorize(msalFor(w), { email });
    expect(a.params.get('error')).toBe('access_denied');
    expect(redirectError(a.params, a.state)).toMatchObject({ errorCode: 'access_denied', errorNo: '90094' });
    w.emu.control.createUser({ tenantId: tenant.id, email: uniqueEmail(tenant.domain, 'admin'), admin: true });

    const consent = await fetch(
      `${w.emu.url}/${tenant.id}/v2.0/adminconsent?client_id=${w.app.clientId}&scope=${encodeURIComponent('https://graph.microsoft.com/.default')}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s1`,
      { redirect: 'manual' },
    );
    const back = new URL(consent.headers.get('location') ?? '').searchParams;
    expect(Object.fromEntries(back)).toEqual({
      admin_consent: 'True',
      tenant: tenant.id,
      scope: 'https://graph.microsoft.com/.default',
      state: 's1',
    });
    await expect(connect(w, { email })).resolves.toBeTruthy();
  });

  it('90094: an admin-only scope in a user-consent tenant', async () => {
    const tenant = w.emu.control.createTenant();
    const email = w.emu.control.createUser({ tenantId: tenant.id, email: uniqueEmail(tenant.domain) }).email;
    w.emu.control.setConsentPolicy(tenant.id, 'user', ['Calendars.ReadWrite']);
    const a = await authorize(msalFor(w), { email });
    expect(redirectError(a.params, a.state)).toMatchObject({ errorNo: '90094' });
    await expect(connect(w, { email, scopes: ['Mail.Read'] })).resolves.toBeTruthy();
  });

  it('50020: a user from another tenant signs in through a tenant-specific authority', async () => {
    const other = w.emu.control.createTenant();
    const email = w.emu.control.createUser({ tenantId: other.id, email: uniqueEmail(other.domain) }).email;
    const a = await authorize(msalFor(w, { tenant: w.tenant.id }), { email });
    expect(a.params.get('error_description')).toContain(`AADSTS50020: User account '${email}'`);
    expect(redirectError(a.params, a.state)).toMatchObject({ errorCode: 'access_denied', errorNo: '50020' });
  });

  it('700016: unknown client on /authorize is an error page, on /token unauthorized_client', async () => {
    const page = await fetch(
      `${w.emu.url}/common/oauth2/v2.0/authorize?client_id=00000000-1111-2222-3333-444444444444&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=openid`,
      { redirect: 'manual' },
    );
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('AADSTS700016');

    const app = w.emu.control.createApp({ name: 'soon deleted', redirectUris: [REDIRECT] });
    const gone = await connect({ ...w, app, secret: app.secrets[0]?.value ?? '' });
    w.emu.control.deleteApp(app.clientId);
    const err = await refreshError(gone, { clientId: app.clientId, secret: app.secrets[0]?.value });
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ errorCode: 'unauthorized_client', errorNo: 700016 });
  });

  it('50011: an unregistered redirect_uri gets an error page, never a redirect', async () => {
    const res = await fetch(
      `${w.emu.url}/common/oauth2/v2.0/authorize?client_id=${w.app.clientId}&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&scope=openid`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('AADSTS50011');
  });

  it('7000215: wrong client secret -> 401 invalid_client', async () => {
    const c = await connect(w);
    const err = await refreshError(c, { secret: w.app.secrets[0]?.id });
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ errorCode: 'invalid_client', errorNo: 7000215 });
    expect((err as ServerError).errorMessage).toContain('AADSTS7000215');
  });

  it('7000222: expired client secret -> 401 invalid_client; a new secret works', async () => {
    const app = w.emu.control.createApp({ name: 'expiring', redirectUris: [REDIRECT] });
    const world = { ...w, app, secret: app.secrets[0]?.value ?? '' };
    const c = await connect(world);
    w.emu.control.expireSecret(app.clientId);
    const err = await errorOf(
      msalFor(world).acquireTokenByRefreshToken({ refreshToken: c.refreshToken, scopes: FULL_SCOPES }),
    );
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ errorCode: 'invalid_client', errorNo: 7000222 });
    const fresh = w.emu.control.addSecret(app.clientId);
    await expect(
      msalFor(world, { secret: fresh.value }).acquireTokenByRefreshToken({
        refreshToken: c.refreshToken,
        scopes: FULL_SCOPES,
      }),
    ).resolves.toBeTruthy();
  });

  it('700082: refresh token expired (control, and by inactivity on the clock)', async () => {
    const email = newUser('inactive');
    const c = await connect(w, { email });
    w.emu.control.expireRefreshTokens(email);
    const err = await refreshError(c);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 700082, subError: 'bad_token' });

    const later = await connect(w, { email });
    w.emu.control.advanceClock(91 * 24 * 3600_000);
    try {
      expect(await refreshError(later)).toMatchObject({ errorNo: 700082 });
    } finally {
      w.emu.control.advanceClock(-91 * 24 * 3600_000);
    }
  });

  it('50173: grants revoked (password reset) -> invalid_grant; a new sign-in works', async () => {
    const email = newUser('revoked');
    const c = await connect(w, { email });
    w.emu.control.revokeGrants(email);
    const err = await refreshError(c);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).not.toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50173 });
    const again = await connect(w, { email });
    await expect(
      msalFor(w).acquireTokenByRefreshToken({ refreshToken: again.refreshToken, scopes: FULL_SCOPES }),
    ).resolves.toBeTruthy();
  });

  it('70008: an expired authorization code', async () => {
    const msal = msalFor(w);
    const a = await authorize(msal, { email: w.user.email });
    w.emu.control.advanceClock(11 * 60_000);
    try {
      const err = await errorOf(redeem(msal, a));
      expect(err).toBeInstanceOf(ServerError);
      expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 70008 });
    } finally {
      w.emu.control.advanceClock(-11 * 60_000);
    }
  });

  it('54005: an authorization code redeemed twice', async () => {
    const msal = msalFor(w);
    const a = await authorize(msal, { email: w.user.email });
    await redeem(msal, a);
    const err = await errorOf(redeem(msalFor(w), a));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 54005 });
  });

  it('501481: PKCE verifier mismatch', async () => {
    const msal = msalFor(w);
    const a = await authorize(msal, { email: w.user.email });
    const err = await errorOf(redeem(msal, { ...a, verifier: `${a.verifier.slice(0, -2)}xx` }));
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 501481 });
  });

  it('50076: MFA now required -> invalid_grant basic_action (interaction required); signing in again satisfies it', async () => {
    const email = newUser('mfa');
    const c = await connect(w, { email });
    w.emu.control.setUserBehavior(email, { requireMfa: true });
    const err = await refreshError(c);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50076, subError: 'basic_action' });
    expect((err as InteractionRequiredAuthError).claims).toContain('capolids');
    const again = await connect(w, { email });
    await expect(
      msalFor(w).acquireTokenByRefreshToken({ refreshToken: again.refreshToken, scopes: FULL_SCOPES }),
    ).resolves.toBeTruthy();
  });

  it('53003: blocked by Conditional Access -> interaction_required message_only', async () => {
    const email = newUser('ca');
    const c = await connect(w, { email });
    w.emu.control.setUserBehavior(email, { conditionalAccessBlock: true });
    const err = await refreshError(c);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'interaction_required', errorNo: 53003, subError: 'message_only' });
    const a = await authorize(msalFor(w), { email });
    expect(redirectError(a.params, a.state)).toMatchObject({ errorNo: '53003' });
  });

  it('50057: user disabled -> invalid_grant', async () => {
    const email = newUser('disabled');
    const c = await connect(w, { email });
    w.emu.control.setUserBehavior(email, { disabled: true });
    const err = await refreshError(c);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).not.toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 50057 });
  });

  it('65001: consent revoked -> invalid_grant consent_required (interaction required)', async () => {
    const email = newUser('unconsented');
    const c = await connect(w, { email });
    w.emu.control.revokeConsent(email, w.app.clientId);
    const err = await refreshError(c);
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 65001, subError: 'consent_required' });
  });

  it('65001: asking a refresh for a scope never consented', async () => {
    const email = newUser('narrow');
    const c = await connect(w, { email, scopes: ['Mail.Read'] });
    const err = await errorOf(
      msalFor(w).acquireTokenByRefreshToken({ refreshToken: c.refreshToken, scopes: ['Mail.Send'] }),
    );
    expect(err).toMatchObject({ errorNo: 65001, subError: 'consent_required' });
  });
});
