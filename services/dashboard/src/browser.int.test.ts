import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '@outlook-connect/stack';
import {
  failOneJob,
  OPERATOR,
  seedConnection,
  startTestDashboard,
  type TestDashboard,
} from './testing/dashboard-harness';

// End to end in headless Debian Chromium (installed by the project's setup, never downloaded): an operator logs in,
// sees the queues and a connection that needs reconnecting with its reason, retries a failed job from bull-board's
// UI; without credentials the dashboard refuses.

const ARTIFACTS = join(repoRoot, 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** The page's HTML once Chromium has stopped navigating (it moves to its own error page after a refused navigation). */
async function settledContent(page: Page): Promise<string> {
  for (let i = 0; i < 50; i++) {
    try {
      return await page.content();
    } catch (err) {
      if (!/navigating/.test(String(err))) throw err;
      await page.waitForTimeout(100);
    }
  }
  return page.content();
}

describe('dashboard in a real browser', () => {
  let t: TestDashboard;
  let browser: Browser;
  let base: string;
  let failedJobId: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestDashboard('dashbrowser');
    await seedConnection(t.models, {
      status: 'needs_reconnect',
      mailbox: 'carla@fabrikam.com',
      statusReason: {
        code: 'refresh_token_expired',
        message: 'The refresh token expired after 90 days without use.',
        remediation:
          'Reconnect the mailbox: open the connection and choose Reconnect, then sign in with Microsoft again.',
        aadsts: 700082,
        since: new Date(Date.now() - 26 * 3600_000),
      },
    });
    const failed = await failOneJob(
      t,
      'inbox-sync',
      { connectionId: 'conn_0123456789abcdef01234567' },
      'Graph answered 503 three times',
    );
    failedJobId = failed.id!;
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses every page and the retry action without credentials', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const path of ['/queues', '/health', '/metrics', `/queues/queue/inbox-sync/${failedJobId}`]) {
      // Headless Chromium answers the Basic challenge with no credentials by abandoning the navigation.
      await expect(page.goto(`${base}${path}`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      expect((await context.request.get(`${base}${path}`)).status()).toBe(401);
    }
    // The refused navigation leaves Chromium on its own error page: read what it shows once it stops navigating.
    expect(await settledContent(page)).not.toContain('inbox-sync');
    const retry = await context.request.put(`${base}/queues/api/queues/inbox-sync/${failedJobId}/retry`);
    expect(retry.status()).toBe(401);
    expect(await t.client.queue('inbox-sync').getJobState(failedJobId)).toBe('failed');
    await context.close();
  });

  it('logs in, sees the queues and the needs-reconnect connection, and retries a failed job', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: OPERATOR.user, password: OPERATOR.password },
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();

    // The queues: every queue of the catalog in bull-board's sidebar.
    expect((await page.goto(`${base}/queues`))?.status()).toBe(200);
    for (const name of [
      'token-refresh',
      'maintenance',
      'app-recovery',
      'send',
      'send-confirm',
      'inbox-sync',
      'calendar',
      'events (CRM outbox)',
      'webhook-delivery',
    ]) {
      await page.getByText(name, { exact: true }).first().waitFor();
    }
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-queues.png'), fullPage: true });

    // Connection health: the mailbox that needs reconnecting, its reason and what to do.
    expect((await page.goto(`${base}/health`))?.status()).toBe(200);
    const row = page.locator('#needs-reconnect + table tr', { hasText: 'carla@fabrikam.com' });
    await row.waitFor();
    expect(await row.locator('.reason-code').innerText()).toBe('refresh_token_expired');
    expect(await row.locator('.reason-message').innerText()).toBe(
      'The refresh token expired after 90 days without use.',
    );
    expect(await row.innerText()).toContain('26 hours ago');
    expect(await row.locator('.remediation').innerText()).toContain('choose Reconnect');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-health.png'), fullPage: true });

    // bull-board: open the failed job, press its retry button, confirm.
    await page.goto(`${base}/queues/queue/inbox-sync?status=failed`);
    await page.getByText('Graph answered 503 three times').first().waitFor();
    const retryButton = page.locator('[data-base-ui-tooltip-trigger] button:has(svg.lucide-refresh-cw)');
    expect(await retryButton.count()).toBe(1);
    await retryButton.click();
    await page.getByText('Are you sure that you want to retry this job?').waitFor();
    const retried = page.waitForResponse(
      (r) => r.url().endsWith(`/api/queues/inbox-sync/${failedJobId}/retry`) && r.request().method() === 'PUT',
    );
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect((await retried).status()).toBe(204);

    // The queue, not the page, says it was retried: the job left the failed set and waits to run again.
    const queue = t.client.queue('inbox-sync');
    expect(await queue.getJobState(failedJobId)).toBe('waiting');
    expect(await queue.getJobCounts('failed', 'waiting')).toEqual({ failed: 0, waiting: 1 });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-retried.png'), fullPage: true });
    await context.close();
  });

  it("explains itself: a title that fits, the events queue as the CRM's outbox, each connection linked to its timeline", async () => {
    const context = await browser.newContext({
      httpCredentials: { username: OPERATOR.user, password: OPERATOR.password },
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();

    // The board's title is shown whole, not cut with an ellipsis.
    await page.goto(`${base}/queues`);
    const title = page.locator('header a', { hasText: 'outlook-connect' }).first();
    await title.waitFor();
    const span = title.locator('span').first();
    const fits = await span.evaluate((el) => ({
      text: el.textContent,
      scroll: el.scrollWidth,
      client: el.clientWidth,
    }));
    expect(fits.text).toBe('outlook-connect');
    expect(fits.scroll).toBeLessThanOrEqual(fits.client);

    // No worker runs in this test: worker queues say so, the CRM's outbox too (the webhooks worker consumes it).
    const noWorkersBadge = (queue: string) =>
      page.locator(`ul[class*="overview"] > li:has(a[href="/queues/queue/${queue}"]) button[class*="workersBadge"]`);
    await page.getByText('events (CRM outbox)', { exact: true }).first().waitFor();
    await noWorkersBadge('inbox-sync').waitFor();
    expect(await noWorkersBadge('inbox-sync').innerText()).toBe('No workers');
    expect(await noWorkersBadge('events').innerText()).toBe('No workers');
    expect(await page.locator('ul[class*="overview"] > li:has(a[href="/queues/queue/events"])').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-overview.png'), fullPage: true });

    await page.goto(`${base}/queues/queue/events`);
    await page.getByText("The CRM's outbox", { exact: false }).first().waitFor();
    await page.getByText('Loading...').waitFor({ state: 'detached' });
    const described = page.getByText("The CRM's outbox", { exact: false }).first();
    expect(await described.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-events-queue.png'), fullPage: true });

    // Connection health: each connection links to its timeline on the connection's page.
    const carla = await t.models.Connection.findOne({ mailbox: 'carla@fabrikam.com' }).lean();
    await t.models.ConnectionActivity.create({
      workspaceId: 'ws_ops',
      connectionId: carla!._id,
      type: 'refresh_failed',
      at: new Date(),
      detail: { kind: 'reconnect_required', code: 'refresh_token_expired' },
    });
    await page.goto(`${base}/health`);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-health-connections.png'), fullPage: true });
    const link = page.locator('#connections + table tr', { hasText: 'carla@fabrikam.com' }).locator('a.timeline-link');
    await link.click();
    await page.waitForURL(/\/health\/connections\/conn_[a-f0-9]{24}#timeline$/);
    await page.locator('#timeline').waitFor();
    expect(await page.locator('#timeline + table').innerText()).toContain('refresh_failed');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-connection-timeline.png'), fullPage: false });
    await context.close();
  });
});
