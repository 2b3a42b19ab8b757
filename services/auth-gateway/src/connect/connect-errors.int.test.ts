import { remediationFor } from '@outlook-connect/shared';
import { connectThroughApi, createApp, followAuthorize, getJson, startConnect } from '../testing/browser-flow';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';

interface Attempt {
  status: string;
  outcome: { errorCode: string; remediation: string; aadsts?: number; message: string; adminConsentUrl?: string };
}

describe('connect flow troubleshooting cases, reproduced through the emulator', () => {
  let h: GatewayHarness;
  let home: { id: string };
  let other: { id: string };
  let app: Awaited<ReturnType<typeof createApp>>;
  let n = 0;
  const user = (tenantId = home.id) => h.emulator.control.createUser({ tenantId, email: `u${++n}@err.test` }).email;

  beforeAll(async () => {
    h = await startGatewayHarness('gwerrors');
    home = h.emulator.control.createTenant({ domain: 'err.test' });
    other = h.emulator.control.createTenant({ domain: 'other.test' });
    app = await createApp(h);
  });
  afterAll(async () => h.close());

  async function expectFailure(
    result: { status: string | null; code: string | null; attemptId: string },
    code: string,
    aadsts?: number,
  ) {
    expect(result).toMatchObject({ status: 'error', code });
    const attempt = await getJson<Attempt>(h, `/v1/connect/attempts/${result.attemptId}`);
    expect(attempt.body.status).toBe('failed');
    expect(attempt.body.outcome.errorCode).toBe(code);
    expect(attempt.body.outcome.remediation.length).toBeGreaterThan(20);
    if (aadsts) expect(attempt.body.outcome.aadsts).toBe(aadsts);
    expect(await h.deps.models.Connection.countDocuments({})).toBe(0);
    return attempt.body.outcome;
  }

  it('AADSTS65001 consent required (prompt=none without consent)', async () => {
    const email = user();
    const { authorizeUrl } = await startConnect(h, { appId: app.appId, scopePreset: 'full', loginHint: email });
    const out = await expectFailure(await followAuthorize(h, `${authorizeUrl}&prompt=none`), 'consent_required', 65001);
    expect(out.remediation).toBe(remediationFor('consent_required'));
  });

  it('admin consent required carries the admin-consent URL for the tenant and app', async () => {
    const t = h.emulator.control.createTenant({ domain: 'strict.test' });
    h.emulator.control.setConsentPolicy(t.id, 'admin_required');
    const email = user(t.id);
    const out = await expectFailure(
      await connectThroughApi(h, { appId: app.appId, scopePreset: 'full', loginHint: email, tenant: t.id }),
      'admin_consent_required',
    );
    const url = new URL(out.adminConsentUrl!);
    expect(url.pathname).toBe(`/${t.id}/v2.0/adminconsent`);
    expect(url.searchParams.get('client_id')).toBe(app.clientId);
  });

  it('AADSTS50020 account not in the tenant', async () => {
    const email = user(other.id);
    await expectFailure(
      await connectThroughApi(h, { appId: app.appId, scopePreset: 'read_only', loginHint: email, tenant: home.id }),
      'account_not_in_tenant',
      50020,
    );
  });

  it('AADSTS65004 user declined', async () => {
    const email = user();
    h.emulator.control.setUserBehavior(email, { declineConsent: true });
    await expectFailure(
      await connectThroughApi(h, { appId: app.appId, scopePreset: 'read_only', loginHint: email }),
      'user_declined',
      65004,
    );
  });

  it('AADSTS700016 app not found in the tenant', async () => {
    const single = await createApp(h, { multiTenant: false, homeTenantId: home.id });
    const email = user(other.id);
    await expectFailure(
      await connectThroughApi(h, { appId: single.appId, scopePreset: 'read_only', loginHint: email, tenant: other.id }),
      'app_not_found',
      700016,
    );
  });

  it('AADSTS7000215 invalid client secret', async () => {
    const bad = await createApp(h);
    const patched = await call(h, 'PATCH', `/v1/oauth-apps/${bad.appId}`, {
      headers: h.auth,
      body: { clientSecret: 'the-secret-id-not-its-value' },
    });
    expect(patched.status).toBe(200);
    await expectFailure(
      await connectThroughApi(h, { appId: bad.appId, scopePreset: 'read_only', loginHint: user() }),
      'client_secret_invalid',
      7000215,
    );
  });

  it('AADSTS7000222 expired client secret', async () => {
    const expiring = await createApp(h);
    h.emulator.control.expireSecret(expiring.clientId);
    const out = await expectFailure(
      await connectThroughApi(h, { appId: expiring.appId, scopePreset: 'read_only', loginHint: user() }),
      'client_secret_expired',
      7000222,
    );
    expect(out.remediation).toContain('Settings > OAuth Apps');
  });

  it('offline_access withheld -> offline_access_missing', async () => {
    const email = user();
    h.emulator.control.setUserBehavior(email, { withholdScopes: ['offline_access'] });
    await expectFailure(
      await connectThroughApi(h, { appId: app.appId, scopePreset: 'full', loginHint: email }),
      'offline_access_missing',
    );
  });

  it('a scope withheld -> scope_not_granted naming it', async () => {
    const email = user();
    h.emulator.control.setUserBehavior(email, { withholdScopes: ['Mail.Send'] });
    const out = await expectFailure(
      await connectThroughApi(h, { appId: app.appId, scopePreset: 'full', loginHint: email }),
      'scope_not_granted',
    );
    expect(out.message).toContain('Mail.Send');
    expect(out.remediation).toContain('Mail.Send');
  });
});
