import { createHash, randomBytes } from 'node:crypto';
import { AuthorizeProtocol, InteractionRequiredAuthError } from '@azure/msal-common/node';
import { REDIRECT, authorize, msalFor, redeem, startWorld, uniqueEmail, type World } from '../testing/harness';

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

// Interactive mode: the sign-in + consent page a person (or Playwright) drives.
describe('interactive sign-in page', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld({ interactive: true });
  });
  afterAll(async () => {
    await w.emu.close();
  });

  const pageOf = (html: string | undefined): { pending: string; action: string } => ({
    pending: /name="pending" value="([^"]+)"/.exec(html ?? '')?.[1] ?? '',
    action: /<form method="POST" action="([^"]+)"/.exec(html ?? '')?.[1] ?? '',
  });

  it('shows the app, the scopes and the Playwright hooks (#email, #accept, #cancel)', async () => {
    const a = await authorize(msalFor(w), { email: w.user.email });
    expect(a.status).toBe(200);
    const html = a.html ?? '';
    const { pending } = pageOf(html);
    expect(html).toContain('id="email"');
    expect(html).toContain(`value="${w.user.email}"`);
    expect(html).toContain('id="accept"');
    expect(html).toContain('id="cancel"');
    expect(html).toContain('Emulator test app');
    expect(html).toContain('Send mail as you');
    expect(pending).not.toBe('');
  });

  it('Accept redirects with a code MSAL redeems', async () => {
    const msal = msalFor(w);
    const a = await authorize(msal, { email: w.user.email });
    const { pending, action } = pageOf(a.html);
    expect(action).toBe('/common/oauth2/v2.0/authorize');
    const res = await fetch(`${w.emu.url}${action}`, form({ pending, email: w.user.email, action: 'accept' }));
    expect(res.status).toBe(302);
    const params = new URL(res.headers.get('location') ?? '').searchParams;
    expect(params.get('state')).toBe(a.state);
    const result = await redeem(msal, { ...a, params });
    expect(result.account?.username).toBe(w.user.email);
  });

  it('Cancel redirects with AADSTS65004, and a used page cannot be posted twice', async () => {
    const { pending, action } = pageOf((await authorize(msalFor(w), { email: w.user.email })).html);
    const res = await fetch(`${w.emu.url}${action}`, form({ pending, email: w.user.email, action: 'cancel' }));
    const params = new URL(res.headers.get('location') ?? '').searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toMatch(/^AADSTS65004:/);
    const again = await fetch(`${w.emu.url}${action}`, form({ pending, email: w.user.email, action: 'accept' }));
    expect(again.status).toBe(400);
  });

  it('a login_hint user with autoConsent skips the page', async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: uniqueEmail(w.tenant.domain, 'auto'),
      autoConsent: true,
    }).email;
    const a = await authorize(msalFor(w), { email });
    expect(a.status).toBe(302);
    expect(a.params.get('code')).toEqual(expect.any(String));
  });

  it('prompt=none never shows the page: an unconsented user gets consent_required (65001)', async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: uniqueEmail(w.tenant.domain, 'silent'),
    }).email;
    const a = await authorize(msalFor(w), { email, prompt: 'none' });
    expect(a.status).toBe(302);
    expect(a.params.get('error')).toBe('consent_required');
    let err: unknown;
    try {
      AuthorizeProtocol.getAuthorizationCodePayload(Object.fromEntries(a.params), a.state, 'corr');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InteractionRequiredAuthError);
    expect(err).toMatchObject({ errorCode: 'consent_required', errorNo: '65001' });
  });

  it('admin consent page: an admin of the tenant accepts for the organization', async () => {
    const tenant = w.emu.control.createTenant({ name: 'Locked Down' });
    const admin = w.emu.control.createUser({
      tenantId: tenant.id,
      email: uniqueEmail(tenant.domain, 'admin'),
      admin: true,
    }).email;
    w.emu.control.setConsentPolicy(tenant.id, 'admin_required');
    const start = await fetch(
      `${w.emu.url}/organizations/v2.0/adminconsent?client_id=${w.app.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=ac&scope=${encodeURIComponent('https://graph.microsoft.com/.default')}`,
    );
    const { pending, action } = pageOf(await start.text());
    expect(action).toBe('/organizations/v2.0/adminconsent');
    const res = await fetch(`${w.emu.url}${action}`, form({ pending, email: admin, action: 'accept' }));
    expect(Object.fromEntries(new URL(res.headers.get('location') ?? '').searchParams)).toMatchObject({
      admin_consent: 'True',
      tenant: tenant.id,
      state: 'ac',
    });
    const user = w.emu.control.createUser({
      tenantId: tenant.id,
      email: uniqueEmail(tenant.domain),
      autoConsent: true,
    }).email;
    expect((await authorize(msalFor(w), { email: user })).params.get('code')).toEqual(expect.any(String));
  });

  it('answers response_mode=form_post with an auto-submitting form', async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: uniqueEmail(w.tenant.domain, 'formpost'),
      autoConsent: true,
    }).email;
    const url = `${w.emu.url}/common/oauth2/v2.0/authorize?client_id=${w.app.clientId}&response_type=code&response_mode=form_post&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=openid%20Mail.Read&state=st&login_hint=${encodeURIComponent(email)}`;
    const html = await (await fetch(url)).text();
    expect(html).toContain(`action="${REDIRECT}"`);
    expect(html).toMatch(/name="code" value="[^"]+"/);
    expect(html).toContain('name="state" value="st"');
  });

  it('accepts client credentials by HTTP Basic on the token endpoint', async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: uniqueEmail(w.tenant.domain, 'basic'),
      autoConsent: true,
    }).email;
    const verifier = randomBytes(32).toString('base64url');
    const url = `${w.emu.url}/common/oauth2/v2.0/authorize?client_id=${w.app.clientId}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=openid%20offline_access%20Mail.Read&code_challenge=${await challengeOf(verifier)}&code_challenge_method=S256&login_hint=${encodeURIComponent(email)}`;
    const code =
      new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '').searchParams.get('code') ?? '';
    const basic = Buffer.from(`${encodeURIComponent(w.app.clientId)}:${encodeURIComponent(w.secret)}`).toString(
      'base64',
    );
    const res = await fetch(`${w.emu.url}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      }).toString(),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'Mail.Read openid', expires_in: expect.any(Number) });
    expect(body.refresh_token).toEqual(expect.any(String));
  });
});

const challengeOf = async (verifier: string): Promise<string> =>
  createHash('sha256').update(verifier).digest('base64url');
