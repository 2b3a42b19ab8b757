import { chromium, type Browser } from 'playwright-core';
import { freePort } from '@outlook-connect/stack';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';
import { setupSandbox } from './setup-sandbox';

// A real browser start-up and page loads: a budget for the whole case, not an assertion on speed.
jest.setTimeout(60_000);

describe('sandbox Email Connections page in headless Chromium', () => {
  let h: GatewayHarness;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    h = await startGatewayHarness('gwsandbox', {
      sandbox: true,
      interactive: true,
      port,
      publicUrl: `http://127.0.0.1:${port}`,
    });
    const tenant = h.emulator.control.createTenant({ domain: 'sandbox.test' });
    h.emulator.control.createUser({ tenantId: tenant.id, email: 'newcomer@sandbox.test' });
    const registered = h.emulator.control.createApp({
      name: 'Sandbox app',
      redirectUris: [`${h.deps.env.PUBLIC_URL}/oauth/callback`],
    });
    const sandbox = await setupSandbox(h.deps, {
      clientId: registered.clientId,
      clientSecret: registered.secrets[0]!.value,
    });
    h.deps.sandboxApiKey = sandbox.apiKey;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('refuses sandbox API calls from another origin', async () => {
    const res = await call(h, 'GET', '/sandbox/api/connections', { headers: { origin: 'https://evil.test' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('connects a mailbox through the consent page and shows it Active, then queues a test email', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${h.deps.env.PUBLIC_URL}/`);
    await page.waitForSelector('#app option', { state: 'attached' });
    expect(await page.locator('#app option').first().textContent()).toBe('Sandbox app');
    await page.selectOption('#preset', 'full');
    await page.click('#authorize');
    await page.waitForSelector('#accept');
    await page.fill('#email', 'newcomer@sandbox.test');
    await page.click('#accept');
    await page.waitForSelector('tr[data-mailbox="newcomer@sandbox.test"] .status-active');
    expect(await page.locator('#notice').textContent()).toContain('Mailbox connected');
    await page.click('tr[data-mailbox="newcomer@sandbox.test"] .send-test');
    await page.locator('#notice', { hasText: 'Test email queued' }).waitFor();
    expect(await h.deps.models.Send.countDocuments({ source: 'test' })).toBe(1);
    await page.click('tr[data-mailbox="newcomer@sandbox.test"] .show-inbox');
    await page.waitForSelector('#inbox h2');
    await context.close();
  });
});
