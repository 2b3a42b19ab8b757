import { eventsOnQueue } from '@outlook-connect/queues';
import { connectThroughApi, createApp, followAuthorize, getJson, startConnect } from '../testing/browser-flow';
import { RETURN_URL, startGatewayHarness, type GatewayHarness } from '../testing/harness';
import { call } from '../testing/http';

interface Attempt {
  status: string;
  outcome: {
    errorCode?: string;
    remediation?: string;
    aadsts?: number;
    message?: string;
    adminConsentUrl?: string;
    connectionId?: string;
    created?: boolean;
  };
}
interface ErrorAnswer {
  error: string;
  message: string;
  remediation?: string;
  issues?: Array<{ field: string; reason: string }>;
}

// Microsoft's identity platform as it really behaves (issue 21), end to end: real MSAL, the gateway, the emulator.
describe('connect flow against Microsoft identity as it really behaves', () => {
  let h: GatewayHarness;
  let home: { id: string; domain: string };
  let other: { id: string; domain: string };
  let app: Awaited<ReturnType<typeof createApp>>;
  let n = 0;
  const newUser = (
    tenantId = home.id,
    extra: { upn?: string; mail?: string | null; preferredUsername?: string } = {},
  ) =>
    h.emulator.control.createUser({
      tenantId,
      email: `id${++n}@${tenantId === home.id ? home.domain : other.domain}`,
      ...extra,
    });
  const attempt = async (id: string) => (await getJson<Attempt>(h, `/v1/connect/attempts/${id}`)).body;
  const connectApi = (body: Record<string, unknown>) =>
    call<ErrorAnswer>(h, 'POST', '/v1/connect', {
      headers: h.auth,
      body: { returnUrl: RETURN_URL, scopePreset: 'read_only', ...body },
    });
  const events = async () =>
    (await eventsOnQueue(h.deps.queues.queue('events'), ['waiting', 'delayed', 'prioritized'])).map(
      (e) => e as { type: string; connectionId: string },
    );

  beforeAll(async () => {
    h = await startGatewayHarness('gwidentity');
    home = h.emulator.control.createTenant({ domain: 'identity.test' });
    other = h.emulator.control.createTenant({ domain: 'elsewhere.test' });
    app = await createApp(h);
  });
  afterAll(async () => h.close());

  describe('1. single-tenant app registrations', () => {
    it('an app declared single-tenant needs its tenant, and is never sent to /common', async () => {
      const reg = h.emulator.control.createApp({
        name: 'Declared single',
        homeTenantId: home.id,
        signInAudience: 'AzureADMyOrg',
        redirectUris: [`${h.deps.env.PUBLIC_URL}/oauth/callback`],
      });
      const base = {
        name: reg.name,
        clientId: reg.clientId,
        clientSecret: reg.secrets[0]!.value,
        audience: 'single_tenant',
      };
      const refused = await call<ErrorAnswer>(h, 'POST', '/v1/oauth-apps', { headers: h.auth, body: base });
      expect(refused.status).toBe(400);
      expect(refused.body.issues).toEqual([
        { field: 'body.defaultTenant', reason: expect.stringContaining('single-tenant app needs its tenant id') },
      ]);
      const created = await call<{ id: string; audience: string; defaultTenant: string }>(h, 'POST', '/v1/oauth-apps', {
        headers: h.auth,
        body: { ...base, defaultTenant: home.id },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ audience: 'single_tenant', defaultTenant: home.id });
      const onCommon = await connectApi({ appId: created.body.id, tenant: 'common' });
      expect(onCommon.status).toBe(400);
      expect(onCommon.body).toMatchObject({
        error: 'app_single_tenant',
        issues: [
          {
            field: 'body.tenant',
            reason: `this app is single-tenant: use your tenant id (${home.id}) instead of common`,
          },
        ],
      });
      const patched = await call<ErrorAnswer>(h, 'PATCH', `/v1/oauth-apps/${created.body.id}`, {
        headers: h.auth,
        body: { defaultTenant: 'common' },
      });
      expect(patched.status).toBe(400);
      const email = newUser().email;
      expect(
        (await connectThroughApi(h, { appId: created.body.id, scopePreset: 'read_only', loginHint: email })).status,
      ).toBe('connected');
    });

    it('an app of unknown audience that Microsoft refuses on /common (AADSTS50194): the reason, and the app learns it', async () => {
      const single = await createApp(h, { multiTenant: false, homeTenantId: home.id });
      const result = await connectThroughApi(h, {
        appId: single.appId,
        scopePreset: 'read_only',
        loginHint: newUser().email,
      });
      expect(result).toMatchObject({ status: 'error', code: 'app_single_tenant' });
      const a = await attempt(result.attemptId);
      expect(a.outcome).toMatchObject({ errorCode: 'app_single_tenant', aadsts: 50194 });
      expect(a.outcome.remediation).toMatch(/^This app is single-tenant: use your tenant id\./);
      expect((await getJson<{ audience: string }>(h, `/v1/oauth-apps/${single.appId}`)).body.audience).toBe(
        'single_tenant',
      );
      // Learned: the next connect on common is refused before the user is sent anywhere; the tenant id works.
      const again = await connectApi({ appId: single.appId });
      expect(again).toMatchObject({
        status: 400,
        body: { error: 'app_single_tenant', issues: [{ field: 'body.tenant' }] },
      });
      expect(
        (
          await connectThroughApi(h, {
            appId: single.appId,
            scopePreset: 'read_only',
            loginHint: newUser().email,
            tenant: home.id,
          })
        ).status,
      ).toBe('connected');
    });
  });

  describe('2. bad input and unknown tenants at POST /v1/connect', () => {
    it.each([
      ['an unknown domain tenant', { tenant: 'no-such-tenant.example' }, 'tenant_not_found', 'body.tenant'],
      ['an unknown tenant GUID', { tenant: '0b5c2c52-1111-4222-8333-944444444444' }, 'tenant_not_found', 'body.tenant'],
      ['a tenant with spaces', { tenant: 'contoso corp' }, 'invalid_request', 'body.tenant'],
      ['a 1 MB login hint', { loginHint: 'a'.repeat(1_000_000) }, 'invalid_request', 'body.loginHint'],
      [
        'invalid unicode in the login hint',
        { loginHint: 'ana\ud800@identity.test' },
        'invalid_request',
        'body.loginHint',
      ],
      [
        'invalid unicode in the return URL',
        { returnUrl: `${RETURN_URL}?x=\udc00` },
        'invalid_request',
        'body.returnUrl',
      ],
    ])('%s answers 400 naming the field', async (_label, body, error, field) => {
      const res = await connectApi({ appId: app.appId, ...body });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(error);
      expect(res.body.issues?.map((i) => i.field)).toContain(field);
      if (error === 'tenant_not_found') expect(res.body.remediation).toContain('tenant');
    });

    it('raw invalid UTF-8 bytes in the body are a 4xx, never a 500', async () => {
      const res = await fetch(`${h.baseUrl}/v1/connect`, {
        method: 'POST',
        headers: { ...h.auth, 'content-type': 'application/json' },
        body: Buffer.concat([
          Buffer.from(`{"appId":"${app.appId}","scopePreset":"read_only","returnUrl":"${RETURN_URL}","loginHint":"`),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('"}'),
        ]),
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('3. every redirect error is a named reason', () => {
    it.each([
      [
        'AADSTS65004 declined',
        (e: string) => h.emulator.control.setUserBehavior(e, { declineConsent: true }),
        'user_declined',
        65004,
      ],
      [
        'AADSTS50057 disabled',
        (e: string) => h.emulator.control.setUserBehavior(e, { disabled: true }),
        'user_disabled',
        50057,
      ],
      [
        'AADSTS53003 conditional access',
        (e: string) => h.emulator.control.setUserBehavior(e, { conditionalAccessBlock: true }),
        'conditional_access',
        53003,
      ],
    ] as const)('%s', async (_label, breakIt, code, aadsts) => {
      const email = newUser().email;
      breakIt(email);
      const result = await connectThroughApi(h, { appId: app.appId, scopePreset: 'read_only', loginHint: email });
      expect(result).toMatchObject({ status: 'error', code });
      expect((await attempt(result.attemptId)).outcome).toMatchObject({ errorCode: code, aadsts });
    });

    it('AADSTS50034 (no such account) and AADSTS50058 (nobody signed in) are named too', async () => {
      const unknown = await connectThroughApi(h, {
        appId: app.appId,
        scopePreset: 'read_only',
        loginHint: 'nobody@identity.test',
      });
      expect(unknown).toMatchObject({ status: 'error', code: 'account_not_in_tenant' });
      const nobody = await connectThroughApi(h, { appId: app.appId, scopePreset: 'read_only' });
      expect(nobody).toMatchObject({ status: 'error', code: 'interaction_required' });
    });
  });

  describe('4. admin consent, both halves', () => {
    it('the admin-consent URL carries a state our callback accepts; the admin lands on "granted"; the retry connects', async () => {
      const strict = h.emulator.control.createTenant({ domain: 'strict-identity.test' });
      h.emulator.control.setConsentPolicy(strict.id, 'admin_required');
      h.emulator.control.createUser({ tenantId: strict.id, email: 'admin@strict-identity.test', admin: true });
      const email = h.emulator.control.createUser({ tenantId: strict.id, email: 'worker@strict-identity.test' }).email;
      const failed = await connectThroughApi(h, {
        appId: app.appId,
        scopePreset: 'full',
        loginHint: email,
        tenant: strict.id,
      });
      expect(failed).toMatchObject({ status: 'error', code: 'admin_consent_required' });
      const url = new URL((await attempt(failed.attemptId)).outcome.adminConsentUrl!);
      expect(url.pathname).toBe(`/${strict.id}/v2.0/adminconsent`);
      expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
      // The admin follows it (headless: the tenant's admin consents) and comes back to our callback.
      const ms = await fetch(url, { redirect: 'manual' });
      const back = new URL(ms.headers.get('location') ?? '');
      expect(back.searchParams.get('admin_consent')).toBe('True');
      const returned = await call(h, 'GET', `${back.pathname}${back.search}`);
      expect(returned.status).toBe(302);
      const landed = await call(h, 'GET', returned.headers.get('location')!);
      expect(landed.status).toBe(200);
      expect(landed.text).toContain('Admin consent granted');
      // Single use: the same return again is refused.
      expect((await call(h, 'GET', `${back.pathname}${back.search}`)).status).toBe(400);
      const retry = await connectThroughApi(h, {
        appId: app.appId,
        scopePreset: 'full',
        loginHint: email,
        tenant: strict.id,
      });
      expect(retry.status).toBe('connected');
    });

    it('an admin who is refused lands on a page with the reason', async () => {
      const strict = h.emulator.control.createTenant({ domain: 'strict-two.test' });
      h.emulator.control.setConsentPolicy(strict.id, 'admin_required');
      const email = h.emulator.control.createUser({ tenantId: strict.id, email: 'plain@strict-two.test' }).email;
      const failed = await connectThroughApi(h, {
        appId: app.appId,
        scopePreset: 'read_only',
        loginHint: email,
        tenant: strict.id,
      });
      const url = new URL((await attempt(failed.attemptId)).outcome.adminConsentUrl!);
      url.searchParams.set('login_hint', email); // not an administrator
      const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
      const returned = await call(h, 'GET', `${back.pathname}${back.search}`);
      const landed = await call(h, 'GET', returned.headers.get('location')!);
      expect(landed.status).toBe(400);
      expect(landed.text).toContain('Admin consent was not granted');
      expect(landed.text).toContain('admin_consent_required');
    });
  });

  describe('5. the mailbox address is the email claim, the connection key oid + tid', () => {
    it.each(['read_only', 'send_only', 'full', 'full_calendar'] as const)(
      '%s: UPN and preferred_username differ from the mailbox',
      async (preset) => {
        const u = newUser(home.id, {
          upn: `u${n + 1}.upn@identity.test`,
          mail: `first.last${n + 1}@identity.test`,
          preferredUsername: '+1 425 555 0100',
        });
        const result = await connectThroughApi(h, { appId: app.appId, scopePreset: preset, loginHint: u.upn });
        expect(result.status).toBe('connected');
        const conn = await h.deps.models.Connection.findById(result.connectionId).lean();
        expect(conn).toMatchObject({ mailbox: u.mail, microsoftUserId: u.id, tenantId: home.id });
        expect((await getJson<{ mailbox: string }>(h, `/v1/connections/${result.connectionId}`)).body.mailbox).toBe(
          u.mail,
        );
      },
    );

    it('an account without a mailbox address fails with a reason instead of storing a made-up mailbox', async () => {
      const u = newUser(home.id, { mail: null });
      const result = await connectThroughApi(h, { appId: app.appId, scopePreset: 'read_only', loginHint: u.email });
      expect(result).toMatchObject({ status: 'error', code: 'mailbox_not_enabled' });
      expect(await h.deps.models.Connection.countDocuments({ microsoftUserId: u.id })).toBe(0);
    });
  });

  describe('6. a reconnect is bound to its connection', () => {
    it('another account consenting changes nothing; the right account keeps the id; no connectionId also updates in place', async () => {
      const ana = newUser().email;
      const bo = newUser().email;
      const first = await connectThroughApi(h, { appId: app.appId, scopePreset: 'read_only', loginHint: ana });
      const before = await h.deps.models.Connection.findById(first.connectionId).lean();
      const wrong = await connectThroughApi(h, {
        appId: app.appId,
        scopePreset: 'read_only',
        loginHint: bo,
        connectionId: first.connectionId!,
      });
      expect(wrong).toMatchObject({ status: 'error', code: 'account_mismatch' });
      expect((await attempt(wrong.attemptId)).outcome.message).toContain(bo);
      expect(await h.deps.models.Connection.findById(first.connectionId).lean()).toEqual(before);
      expect(await h.deps.models.Connection.countDocuments({ mailbox: bo })).toBe(0);

      await h.deps.models.Connection.updateOne({ _id: first.connectionId }, { $set: { status: 'needs_reconnect' } });
      const right = await connectThroughApi(h, {
        appId: app.appId,
        scopePreset: 'full',
        loginHint: ana,
        connectionId: first.connectionId!,
      });
      expect(right).toMatchObject({ status: 'connected', connectionId: first.connectionId });
      expect(await h.deps.models.Connection.findById(first.connectionId).lean()).toMatchObject({
        status: 'active',
        scopePreset: 'full',
      });
      expect(
        (await events()).filter((e) => e.type === 'connection.reconnected' && e.connectionId === first.connectionId),
      ).toHaveLength(1);

      const plain = await connectThroughApi(h, { appId: app.appId, scopePreset: 'full', loginHint: ana });
      expect(plain.connectionId).toBe(first.connectionId);
      expect(await h.deps.models.Connection.countDocuments({ mailbox: ana })).toBe(1);
    });

    it('a reconnect through another OAuth app is refused at POST /v1/connect', async () => {
      const first = await connectThroughApi(h, {
        appId: app.appId,
        scopePreset: 'read_only',
        loginHint: newUser().email,
      });
      const another = await createApp(h);
      const res = await connectApi({ appId: another.appId, connectionId: first.connectionId });
      expect(res).toMatchObject({ status: 400, body: { issues: [{ field: 'body.appId' }] } });
    });
  });

  describe('7. token answers as Microsoft sends them', () => {
    it('the access token expiry comes from the answer (60-90 minutes), and the first refresh is scheduled from it', async () => {
      const startedAt = Date.now();
      const result = await connectThroughApi(h, {
        appId: app.appId,
        scopePreset: 'read_only',
        loginHint: newUser().email,
      });
      const conn = (await h.deps.models.Connection.findById(result.connectionId).lean())!;
      const lifetime = conn.accessTokenExpiresAt!.getTime() - startedAt;
      expect(lifetime).toBeGreaterThan(3590_000);
      expect(lifetime).toBeLessThan(5410_000);
      expect(conn.nextRefreshAt!.getTime()).toBe(conn.accessTokenExpiresAt!.getTime() - 10 * 60_000);
      expect(conn.grantedScopes).toContain('Mail.Read');
    });
  });

  it('a state from our admin-consent URL is not accepted as a sign-in, nor a sign-in state as admin consent', async () => {
    const { authorizeUrl } = await startConnect(h, {
      appId: app.appId,
      scopePreset: 'read_only',
      loginHint: newUser().email,
    });
    const state = new URL(authorizeUrl).searchParams.get('state')!;
    const res = await call(
      h,
      'GET',
      `/oauth/callback?admin_consent=True&tenant=${home.id}&state=${encodeURIComponent(state)}`,
    );
    expect(res.status).toBe(400);
    // Refused, and spent: the real sign-in with that state is refused too.
    await expect(followAuthorize(h, authorizeUrl)).rejects.toThrow('callback answered 400');
  });
});
