import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { seedSandbox, startEmulator, type Emulator } from '@outlook-connect/ms-emulator';
import { startWorkers, type RunningWorkers } from '@outlook-connect/queues';
import { createLogger, generateKeyringSpec, parseEnv } from '@outlook-connect/shared';
import { freePort, testIsolation } from '@outlook-connect/stack';
import {
  createClients,
  DEFAULT_INBOX_POLICY,
  registrationsFor,
  workersEnv,
  type Clients,
} from '@outlook-connect/workers';
import { buildGateway } from '../build-gateway';
import { closeGatewayDeps, createGatewayDeps, type GatewayDeps } from '../clients';
import { gatewayEnv } from '../env';
import type { GatewayApp } from '../http/gateway-app';
import { setupSandbox } from './setup-sandbox';

// Real browser, gateway, workers, store, Redis and emulator, restarted once: budget for the whole walk.
jest.setTimeout(180_000);

const ARTIFACTS = path.resolve(__dirname, '..', '..', '..', '..', 'test-artifacts', 'sandbox-page');
const ALEX = 'alex@contoso.onmicrosoft.com';
const row = (page: Page) => page.locator(`tr[data-mailbox="${ALEX}"]`);

interface Running {
  emulator: Emulator;
  deps: GatewayDeps;
  close(): Promise<void>;
}

/** What `npm start` brings up, in process: the emulator from its state folder, the gateway and the workers. */
async function startSandbox(
  iso: ReturnType<typeof testIsolation>,
  ports: { gateway: number; emulator: number; pages: number },
  stateDir: string,
  keys: string,
): Promise<Running> {
  const publicUrl = `http://127.0.0.1:${ports.gateway}`;
  const emulator = await startEmulator({ interactive: true, stateDir, port: ports.emulator, httpPort: ports.pages });
  const seed = seedSandbox(emulator.control, { redirectUris: [`${publicUrl}/oauth/callback`] });
  const common = {
    REDIS_URL: iso.redisUrl,
    QUEUE_PREFIX: iso.queuePrefix,
    MONGO_URL: iso.mongoUrl,
    SECRETS_KEYS: keys,
    MICROSOFT_LOGIN_URL: emulator.loginUrl,
    MICROSOFT_GRAPH_URL: emulator.graphUrl,
    LOG_LEVEL: 'silent',
  };
  const env = parseEnv('auth-gateway', gatewayEnv, {
    ...common,
    PUBLIC_URL: publicUrl,
    RETURN_URL_ALLOWLIST: publicUrl,
    ADMIN_TOKEN: 'admin-token-for-tests-0123456789',
    SANDBOX: 'true',
  });
  const deps = await createGatewayDeps(env, { dbName: iso.dbName, logDestination: { write: () => undefined } });
  deps.sandboxApiKey = (await setupSandbox(deps, { clientId: seed.clientId, clientSecret: seed.clientSecret })).apiKey;
  const app: GatewayApp = await buildGateway(deps);
  await app.listen({ host: '127.0.0.1', port: ports.gateway });
  const config = parseEnv('workers', workersEnv, common);
  const clients: Clients = await createClients(config, {
    logger: createLogger({ service: 'workers', level: 'silent' }),
    dbName: iso.dbName,
  });
  const served = ['send', 'inbox-sync', 'token-refresh'] as const;
  const workerDeps = { ...clients.deps, inboxPolicy: { ...DEFAULT_INBOX_POLICY, pollIntervalMs: 1_000, jitter: 0 } };
  const workers: RunningWorkers = startWorkers({
    registrations: registrationsFor(workerDeps, served),
    served,
    connection: clients.workerRedis,
    prefix: config.QUEUE_PREFIX,
    logger: createLogger({ service: 'workers', level: 'silent' }),
  });
  return {
    emulator,
    deps,
    async close() {
      await workers.close();
      await clients.close();
      await app.close();
      await closeGatewayDeps(deps);
      await emulator.close();
    },
  };
}

describe('sandbox Email Connections page: connect, restart, reconnect, change scope (headless Chromium)', () => {
  const iso = testIsolation('gwrestart');
  const keys = generateKeyringSpec();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-emulator-'));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-chromium-'));
  let ports: { gateway: number; emulator: number; pages: number };
  let running: Running | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    ports = { gateway: await freePort(), emulator: await freePort(), pages: await freePort() };
    running = await startSandbox(iso, ports, stateDir, keys);
    // No ignoreHTTPSErrors and no dev CA: the consent flow must work in a browser that trusts nothing of ours.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
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
      viewport: { width: 1200, height: 800 },
    });
  });
  afterAll(async () => {
    await context?.close();
    if (running) {
      await Promise.all(
        ['token-refresh', 'inbox-sync', 'send', 'calendar', 'events', 'app-recovery'].map((q) =>
          running!.deps.queues.queue(q as 'events').obliterate({ force: true }),
        ),
      );
      await running.deps.store.dropDatabase();
      await running.close();
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const consent = async (page: Page, name: string) => {
    await page.waitForSelector('#accept');
    expect(new URL(page.url()).origin).toBe(`http://localhost:${ports.pages}`);
    await shot(page, name);
    await page.click('#accept');
    await page.waitForURL(`http://127.0.0.1:${ports.gateway}/`);
  };

  it('walks the user guide and survives a restart of the emulator and the gateway', async () => {
    const page = context!.pages()[0] ?? (await context!.newPage());
    const base = `http://127.0.0.1:${ports.gateway}/`;
    await page.goto(base);
    await page.locator('#connections .empty', { hasText: 'No mailboxes connected yet' }).waitFor();
    await shot(page, '01-empty');

    await page.selectOption('#preset', 'full');
    await page.click('#authorize');
    await page.fill('#email', ALEX);
    await consent(page, '02-consent');
    await row(page).locator('.status-active').waitFor();
    const id = await row(page).getAttribute('data-connection-id');
    expect(id).toMatch(/^conn_/);
    await shot(page, '03-active');

    await row(page).locator('.send-test').click();
    await page.locator('#notice', { hasText: 'Test email queued' }).waitFor();
    await row(page).locator('.show-inbox').click();
    // No reload: the inbox view polls until the worker has synced the test email.
    await page.locator('#inbox .msg-subject', { hasText: 'Test email from your CRM' }).waitFor({ timeout: 60_000 });
    await shot(page, '04-inbox');

    // Restart: stop everything, start again from the same emulator state folder and the same store.
    await running!.close();
    running = undefined;
    running = await startSandbox(iso, ports, stateDir, keys);
    // Yesterday's access token has expired by now: the product must redeem its stored refresh token.
    await running.deps.models.Connection.updateOne(
      { _id: id },
      { $set: { accessTokenExpiresAt: new Date(Date.now() - 1000) } },
    );
    await page.goto(base);
    await row(page).locator('.status-active').waitFor();
    await shot(page, '05-after-restart');
    await row(page).locator('.send-test').click();
    await page.locator('#notice', { hasText: 'Test email queued' }).waitFor();
    const sentCount = () => running!.deps.models.Send.countDocuments({ source: 'test', status: 'sent' });
    for (let i = 0; i < 120 && (await sentCount()) < 2; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await sentCount()).toBe(2);
    expect(running.emulator.control.grantLog(ALEX).map((g) => g.grantType)).toContain('refresh_token');

    await row(page).locator('details.row-menu summary').click();
    await shot(page, '06-menu');
    await row(page).locator('.menu-reconnect').click();
    await consent(page, '07-reconnect-consent');
    await row(page).locator('.status-active').waitFor();
    expect(await page.locator('#connections tr[data-connection-id]').count()).toBe(1);
    expect(await row(page).getAttribute('data-connection-id')).toBe(id);
    await shot(page, '08-reconnected');

    await row(page).locator('details.row-menu summary').click();
    await row(page).locator('.menu-change-scope').click();
    await page.selectOption('tr.scope-form .change-scope-preset', 'read_only');
    await shot(page, '09-change-scope');
    await page.click('tr.scope-form .change-scope-go');
    await consent(page, '10-change-scope-consent');
    await page.locator(`tr[data-mailbox="${ALEX}"][data-preset="read_only"] .status-active`).waitFor();
    expect(await row(page).locator('.preset').textContent()).toBe('Read-only');
    expect(await row(page).getAttribute('data-connection-id')).toBe(id);
    expect(await page.locator('#connections tr[data-connection-id]').count()).toBe(1);
    expect(await row(page).locator('.send-test').isDisabled()).toBe(true);
    await shot(page, '11-read-only');

    // Microsoft revokes the grant (an admin reset the password): the page shows it without a reload, and Reconnect heals it.
    running.emulator.control.revokeGrants(ALEX);
    await running.deps.models.Connection.updateOne(
      { _id: id },
      { $set: { accessTokenExpiresAt: new Date(Date.now() - 1000) } },
    );
    await row(page).locator('.status-needs_reconnect').waitFor({ timeout: 60_000 });
    expect(await row(page).locator('.remediation').textContent()).toContain('choose Reconnect');
    await shot(page, '12-needs-reconnect');
    await row(page).locator('button.reconnect').click();
    await consent(page, '13-reconnect-consent');
    await row(page).locator('.status-active').waitFor();
    expect(await row(page).getAttribute('data-connection-id')).toBe(id);
    expect(await page.locator('#connections tr[data-connection-id]').count()).toBe(1);
    await shot(page, '14-healed');

    // Admin consent required (user guide, Troubleshooting): the link the page offers opens on the plain-HTTP pages origin.
    running.emulator.control.setConsentPolicy(
      running.emulator.control.directory().tenants.find((t) => t.domain === 'fabrikam.onmicrosoft.com')!.id,
      'admin_required',
    );
    await page.click('#authorize');
    await page.fill('#email', 'lee@fabrikam.onmicrosoft.com');
    await page.click('#accept');
    // Microsoft shows "Need admin approval" first; going back to the app carries the access_denied (AADSTS90094).
    await page.waitForSelector('#need-admin-approval');
    await shot(page, '15-need-admin-approval');
    await page.click('#return-to-app');
    await page.waitForURL(`http://127.0.0.1:${ports.gateway}/`);
    const link = page.locator('#notice.err a', { hasText: 'Open the admin consent page' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(
      new RegExp(`^http://localhost:${ports.pages}/[^/]+/v2\\.0/adminconsent\\?`),
    );
    await shot(page, '16-admin-consent-required');
  });
});
