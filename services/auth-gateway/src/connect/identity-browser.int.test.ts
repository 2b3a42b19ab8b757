import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '@outlook-connect/stack';
import { createApp, getJson, startConnect } from '../testing/browser-flow';
import { RETURN_URL, startGatewayHarness, type GatewayHarness } from '../testing/harness';

// A real browser start-up and page loads: a budget for the whole case, not an assertion on speed.
jest.setTimeout(90_000);

interface Attempt {
  status: string;
  outcome: { errorCode?: string; remediation?: string; adminConsentUrl?: string; connectionId?: string };
}

// The browser halves of issue 21 in headless Chromium: cancel, admin approval (both halves), reconnect bound to its connection.
describe('connect flow in headless Chromium against the interactive emulator', () => {
  let h: GatewayHarness;
  let browser: BrowserContext;
  let userDataDir: string;
  let tenant: { id: string; domain: string };
  let app: { appId: string };

  beforeAll(async () => {
    const port = await freePort();
    h = await startGatewayHarness('gwidbrowser', { interactive: true, port, publicUrl: `http://127.0.0.1:${port}` });
    tenant = h.emulator.control.createTenant({ domain: 'browser-identity.test' });
    app = await createApp(h);
    userDataDir = mkdtempSync(path.join(tmpdir(), 'oc-identity-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      ignoreHTTPSErrors: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // The CRM's return page: the outcome is in its query string.
    await browser.route(`${new URL(RETURN_URL).origin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<h1 id="crm">CRM</h1>' }),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const attempt = async (id: string) => (await getJson<Attempt>(h, `/v1/connect/attempts/${id}`)).body;

  /** Opens the authorize URL and returns once the CRM page (the end of the flow) is shown. */
  async function toCrm(page: Page, act: (page: Page) => Promise<void>): Promise<URLSearchParams> {
    await act(page);
    await page.waitForURL((u) => u.origin === new URL(RETURN_URL).origin, { timeout: 30_000 });
    return new URL(page.url()).searchParams;
  }

  it('3. cancelling before choosing an account: the user is told they cancelled', async () => {
    const { authorizeUrl } = await startConnect(h, { appId: app.appId, scopePreset: 'read_only' });
    const page = await browser.newPage();
    await page.goto(authorizeUrl);
    await page.waitForSelector('#cancel');
    const q = await toCrm(page, (p) => p.click('#cancel'));
    expect(q.get('status')).toBe('error');
    expect(q.get('code')).toBe('user_cancelled');
    const a = await attempt(q.get('attemptId')!);
    expect(a.outcome.remediation).toMatch(/^You cancelled the Microsoft sign-in/);
    await page.close();
  });

  it('4. admin approval: "Need admin approval" first, then the admin grants it and the user connects', async () => {
    const strict = h.emulator.control.createTenant({ domain: 'strict-browser.test' });
    h.emulator.control.setConsentPolicy(strict.id, 'admin_required');
    const admin = h.emulator.control.createUser({
      tenantId: strict.id,
      email: 'it-admin@strict-browser.test',
      admin: true,
    }).email;
    const email = h.emulator.control.createUser({ tenantId: strict.id, email: 'seller@strict-browser.test' }).email;

    const page = await browser.newPage();
    const first = await startConnect(h, { appId: app.appId, scopePreset: 'full', loginHint: email, tenant: strict.id });
    await page.goto(first.authorizeUrl);
    await page.click('#accept');
    await page.waitForSelector('#need-admin-approval');
    expect(await page.locator('#admin-sign-in').count()).toBe(1);
    const q = await toCrm(page, (p) => p.click('#return-to-app'));
    expect(q.get('code')).toBe('admin_consent_required');
    const adminConsentUrl = (await attempt(q.get('attemptId')!)).outcome.adminConsentUrl!;
    expect(new URL(adminConsentUrl).searchParams.get('state')).toEqual(expect.any(String));

    // The admin's half: Microsoft's admin consent page, then back to our callback, which says it was granted.
    const adminPage = await browser.newPage();
    await adminPage.goto(adminConsentUrl);
    await adminPage.fill('#email', admin);
    await adminPage.click('#accept');
    await adminPage.waitForSelector('#admin-consent-granted');
    expect(await adminPage.textContent('body')).toContain('Users can now connect their mailbox');
    await adminPage.close();

    // The user's retry succeeds.
    const retry = await startConnect(h, { appId: app.appId, scopePreset: 'full', loginHint: email, tenant: strict.id });
    await page.goto(retry.authorizeUrl);
    const done = await toCrm(page, (p) => p.click('#accept'));
    expect(done.get('status')).toBe('connected');
    await page.close();
  });

  it('6. a reconnect where another account signs in fails and changes nothing; the right account keeps the id', async () => {
    const ana = h.emulator.control.createUser({ tenantId: tenant.id, email: 'ana@browser-identity.test' }).email;
    const bo = h.emulator.control.createUser({ tenantId: tenant.id, email: 'bo@browser-identity.test' }).email;
    const page = await browser.newPage();
    const connectAs = async (who: string, connectionId?: string) => {
      const { authorizeUrl } = await startConnect(h, {
        appId: app.appId,
        scopePreset: 'read_only',
        ...(connectionId ? { connectionId } : {}),
      });
      await page.goto(authorizeUrl);
      await page.click(`a.account[data-email="${who}"]`);
      return toCrm(page, (p) => p.click('#accept'));
    };
    const first = await connectAs(ana);
    const connectionId = first.get('connectionId')!;
    expect(first.get('status')).toBe('connected');
    const before = await h.deps.models.Connection.findById(connectionId).lean();

    const wrong = await connectAs(bo, connectionId);
    expect(wrong.get('code')).toBe('account_mismatch');
    expect(await h.deps.models.Connection.findById(connectionId).lean()).toEqual(before);
    expect(await h.deps.models.Connection.countDocuments({ mailbox: bo })).toBe(0);

    const right = await connectAs(ana, connectionId);
    expect(right.get('connectionId')).toBe(connectionId);
    expect(await h.deps.models.Connection.countDocuments({ mailbox: ana })).toBe(1);
    await page.close();
  });
});
