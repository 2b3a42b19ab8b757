import { ServerError } from '@azure/msal-node';
import {
  FULL_SCOPES,
  REDIRECT,
  authorize,
  connect,
  errorOf,
  msalFor,
  startWorld,
  uniqueEmail,
  type World,
} from '../testing/harness';

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const pendingOf = (html: string): string => /name="pending" value="([^"]+)"/.exec(html)?.[1] ?? '';
const query = (res: Response): Record<string, string> =>
  Object.fromEntries(new URL(res.headers.get('location') ?? 'https://x.invalid').searchParams);

// Behaviours where Microsoft is less forgiving than a naive emulator would be (see the fidelity table in README.md).
describe('identity platform fidelity (headless)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w.emu.close());

  it('AADSTS50194: a single-tenant app on /common or /organizations, at /authorize and at /token', async () => {
    const single = w.emu.control.createApp({
      name: 'Single',
      homeTenantId: w.tenant.id,
      signInAudience: 'AzureADMyOrg',
      redirectUris: [REDIRECT],
    });
    const secret = single.secrets[0]!.value;
    for (const tenant of ['common', 'organizations']) {
      const a = await authorize(msalFor(w, { tenant, clientId: single.clientId, secret }), { email: w.user.email });
      expect(a.params.get('error')).toBe('invalid_request');
      expect(a.params.get('error_description')).toMatch(
        /^AADSTS50194: Application '.+'\(Single\) is not configured as a multi-tenant application/,
      );
      expect(a.params.get('state')).toBe(a.state);
    }
    const ok = await authorize(msalFor(w, { tenant: w.tenant.id, clientId: single.clientId, secret }), {
      email: w.user.email,
    });
    expect(ok.params.get('code')).toEqual(expect.any(String));
    const c = await connect(w);
    const err = await errorOf(
      msalFor(w, { clientId: single.clientId, secret }).acquireTokenByRefreshToken({
        refreshToken: c.refreshToken,
        scopes: FULL_SCOPES,
      }),
    );
    expect(err).toMatchObject({ errorCode: 'invalid_request', errorNo: 50194 });
  });

  it('AADSTS9002332: an organizations-only app on /consumers', async () => {
    const a = await authorize(msalFor(w, { tenant: 'consumers' }), { email: w.user.email });
    expect(a.params.get('error_description')).toMatch(/^AADSTS9002332: /);
  });

  it('AADSTS90002: unknown tenant on discovery is a 400 JSON error, which MSAL turns into endpoints_resolution_error', async () => {
    const res = await fetch(`${w.emu.url}/nosuch.example/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    const err = await errorOf(
      msalFor(w, { tenant: 'nosuch.example' }).getAuthCodeUrl({ scopes: FULL_SCOPES, redirectUri: REDIRECT }),
    );
    expect(err).toMatchObject({ errorCode: 'endpoints_resolution_error' });
  });

  it('a refresh token the client cannot use answers two error codes, 70002 then 70000', async () => {
    const other = w.emu.control.createApp({ name: 'Other', redirectUris: [REDIRECT] });
    const c = await connect(w);
    const res = await fetch(`${w.emu.loginUrl}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: c.refreshToken,
        client_id: other.clientId,
        client_secret: other.secrets[0]!.value,
        scope: 'Mail.Send',
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant', error_codes: [70002, 70000] });
    const err = await errorOf(
      msalFor(w, { clientId: other.clientId, secret: other.secrets[0]!.value }).acquireTokenByRefreshToken({
        refreshToken: c.refreshToken,
        scopes: FULL_SCOPES,
      }),
    );
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorNo: 70002 });
  });

  it('OpenID configuration: a domain resolves to the tenant GUID; common keeps {tenantid}', async () => {
    const byDomain = (await (
      await fetch(`${w.emu.url}/${w.tenant.domain}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(byDomain.issuer).toBe(`${w.emu.url}/${w.tenant.id}/v2.0`);
    expect(byDomain.token_endpoint).toBe(`${w.emu.url}/${w.tenant.id}/oauth2/v2.0/token`);
    const common = (await (await fetch(`${w.emu.url}/common/v2.0/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(common.issuer).toBe(`${w.emu.url}/{tenantid}/v2.0`);
  });

  it('the Graph access token names the UPN in upn / unique_name, with scp, oid, tid and appid', async () => {
    const u = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: uniqueEmail(w.tenant.domain, 'mailbox'),
      upn: uniqueEmail(w.tenant.domain, 'upn'),
    });
    const c = await connect(w, { email: u.upn });
    const claims = JSON.parse(Buffer.from(c.result.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      upn: u.upn,
      unique_name: u.upn,
      oid: u.id,
      tid: w.tenant.id,
      appid: w.app.clientId,
      scp: expect.stringContaining('Mail.Send'),
    });
  });

  it('publishes signing keys with x5c and issuer', async () => {
    const keys = (await (await fetch(`${w.emu.url}/${w.tenant.id}/discovery/v2.0/keys`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(keys.keys[0]).toMatchObject({
      kty: 'RSA',
      use: 'sig',
      x5c: [expect.any(String)],
      issuer: `${w.emu.url}/${w.tenant.id}/v2.0`,
    });
    const common = (await (await fetch(`${w.emu.url}/common/discovery/v2.0/keys`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(common.keys[0]?.issuer).toBe(`${w.emu.url}/{tenantid}/v2.0`);
  });

  describe('/{tenant}/v2.0/adminconsent', () => {
    const url = (tenant: string, extra = '') =>
      `${w.emu.url}/${tenant}/v2.0/adminconsent?client_id=${w.app.clientId}&scope=${encodeURIComponent('https://graph.microsoft.com/Mail.Send')}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=st${extra}`;

    it('refuses /common (and /consumers): personal accounts cannot consent for an organization', async () => {
      for (const t of ['common', 'consumers']) {
        const res = await fetch(url(t), { redirect: 'manual' });
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('AADSTS90130');
      }
    });

    it('refuses a user who is not an administrator, with admin_consent=True on the error', async () => {
      const t = w.emu.control.createTenant({});
      const plain = w.emu.control.createUser({ tenantId: t.id, email: uniqueEmail(t.domain) }).email;
      const back = query(await fetch(url(t.id, `&login_hint=${encodeURIComponent(plain)}`), { redirect: 'manual' }));
      expect(back).toMatchObject({ admin_consent: 'True', error: 'access_denied', state: 'st' });
      expect(back.error_description).toMatch(/^AADSTS90094: /);
    });

    it('succeeds for an admin with admin_consent=True&tenant&scope&state', async () => {
      const t = w.emu.control.createTenant({});
      w.emu.control.createUser({ tenantId: t.id, email: uniqueEmail(t.domain, 'admin'), admin: true });
      expect(query(await fetch(url(t.id), { redirect: 'manual' }))).toEqual({
        admin_consent: 'True',
        tenant: t.id,
        scope: 'https://graph.microsoft.com/Mail.Send',
        state: 'st',
      });
    });
  });
});

describe('identity platform fidelity (interactive pages)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ interactive: true });
  });
  afterAll(async () => w.emu.close());

  it('Cancel before choosing an account: access_denied + error_subcode=cancel, no error_description', async () => {
    const a = await authorize(msalFor(w));
    const res = await fetch(
      `${w.emu.url}/common/oauth2/v2.0/authorize`,
      form({ pending: pendingOf(a.html ?? ''), email: '', action: 'cancel' }),
    );
    expect(query(res)).toEqual({ error: 'access_denied', error_subcode: 'cancel', state: a.state });
  });

  it('admin-only permissions: "Need admin approval" first; going back gives the app access_denied AADSTS90094', async () => {
    const t = w.emu.control.createTenant({});
    const email = w.emu.control.createUser({ tenantId: t.id, email: uniqueEmail(t.domain) }).email;
    w.emu.control.setConsentPolicy(t.id, 'user', ['Mail.ReadWrite']);
    const a = await authorize(msalFor(w), { email });
    const page = await fetch(
      `${w.emu.url}/common/oauth2/v2.0/authorize`,
      form({ pending: pendingOf(a.html ?? ''), email, action: 'accept' }),
    );
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Need admin approval');
    expect(html).toContain('id="admin-sign-in"');
    const back = /id="return-to-app" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const res = await fetch(`${w.emu.url}${back}`, { redirect: 'manual' });
    expect(query(res)).toMatchObject({ error: 'access_denied', state: a.state });
    expect(query(res).error_description).toMatch(/^AADSTS90094: /);
    expect((await fetch(`${w.emu.url}${back}`, { redirect: 'manual' })).status).toBe(400);
  });

  it('with the admin consent workflow on: the request form, then AADSTS90095', async () => {
    const t = w.emu.control.createTenant({});
    const email = w.emu.control.createUser({ tenantId: t.id, email: uniqueEmail(t.domain) }).email;
    w.emu.control.setConsentPolicy(t.id, 'admin_required', undefined, true);
    const a = await authorize(msalFor(w), { email });
    const html = await (
      await fetch(
        `${w.emu.url}/common/oauth2/v2.0/authorize`,
        form({ pending: pendingOf(a.html ?? ''), email, action: 'accept' }),
      )
    ).text();
    expect(html).toContain('id="request-approval"');
    const sent = await (
      await fetch(
        `${w.emu.url}/common/oauth2/v2.0/authorize/request-approval`,
        form({ pending: pendingOf(html), justification: 'CRM' }),
      )
    ).text();
    expect(sent).toContain('id="request-sent"');
    const back = /id="return-to-app" href="([^"]+)"/.exec(sent)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(query(await fetch(`${w.emu.url}${back}`, { redirect: 'manual' })).error_description).toMatch(
      /^AADSTS90095: /,
    );
  });

  it('adminconsent Cancel comes back as documented: admin_consent=True&error=consent_required (AADSTS65004)', async () => {
    const t = w.emu.control.createTenant({});
    const start = await fetch(
      `${w.emu.url}/${t.id}/v2.0/adminconsent?client_id=${w.app.clientId}&scope=${encodeURIComponent('https://graph.microsoft.com/.default')}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=c1`,
    );
    const res = await fetch(
      `${w.emu.url}/${t.id}/v2.0/adminconsent`,
      form({ pending: pendingOf(await start.text()), email: '', action: 'cancel' }),
    );
    const back = query(res);
    expect(back).toMatchObject({ admin_consent: 'True', error: 'consent_required', state: 'c1' });
    expect(back.error_description).toMatch(
      /^AADSTS65004: The resource owner or authorization server denied the request\./,
    );
  });
});
