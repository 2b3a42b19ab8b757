import { DEFAULT_INBOX_POLICY } from '@outlook-connect/workers';
import {
  call,
  connectThroughApi,
  createApp,
  getJson,
  startGatewayHarness,
  type GatewayHarness,
} from '@outlook-connect/auth-gateway/testing';
import { startRealWorkers, type RealWorkers } from './real-workers';

// The user guide's "Verify the Connection", end to end through the gateway and the real workers: the connection is
// Active, a test email sent from the CRM arrives from the Outlook address, and it appears in the CRM's inbox view.

describe('verify the connection', () => {
  let h: GatewayHarness;
  let workers: RealWorkers;

  beforeAll(async () => {
    h = await startGatewayHarness('gwverify');
    // Polling every second instead of every minute, so the test email shows up within the test.
    workers = await startRealWorkers(h, ['send', 'inbox-sync', 'token-refresh'], {
      deps: (deps) => ({ ...deps, inboxPolicy: { ...DEFAULT_INBOX_POLICY, pollIntervalMs: 1_000, jitter: 0 } }),
    });
  });

  afterAll(async () => {
    await workers?.close();
    await h?.close();
  });

  it('Active, the test email arrives from the Outlook address, and it appears in the inbox view', async () => {
    const tenant = h.emulator.control.createTenant({ domain: 'verify.test' });
    const email = 'rep@verify.test';
    h.emulator.control.createUser({ tenantId: tenant.id, email, displayName: 'Sales Rep' });
    const { appId } = await createApp(h);
    const connected = await connectThroughApi(h, { appId, scopePreset: 'full', loginHint: email });
    expect(connected.status).toBe('connected');
    const id = connected.connectionId!;
    expect((await getJson<{ status: string }>(h, `/v1/connections/${id}`)).body.status).toBe('active');

    const test = await call<{ sendId: string }>(h, 'POST', `/v1/connections/${id}/test-email`, { headers: h.auth });
    expect(test.status).toBeLessThan(300);

    // Sent from the mailbox itself (Sent Items), once.
    let send = { status: 'queued' };
    for (let i = 0; i < 120 && send.status !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      send = (await getJson<{ status: string }>(h, `/v1/sends/${test.body.sendId}`)).body;
    }
    expect(send.status).toBe('sent');
    // Exchange sends after the 202: the Sent Items copy comes a moment later.
    const sentCopies = () =>
      h.emulator.control.sentItems(email).filter((m) => m.subject === 'Test email from your CRM');
    for (let i = 0; i < 120 && sentCopies().length === 0; i++) await new Promise((r) => setTimeout(r, 250));
    const sent = sentCopies();
    expect(sent).toHaveLength(1);

    // ...and it shows up in the CRM's inbox view once the inbox worker has polled.
    type Page = { data: Array<{ subject: string; from: { address: string } | null }> };
    let page: Page = { data: [] };
    for (let i = 0; i < 120 && !page.data.some((m) => m.subject === 'Test email from your CRM'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      page = (await getJson<Page>(h, `/v1/connections/${id}/messages?limit=25`)).body;
    }
    const arrived = page.data.filter((m) => m.subject === 'Test email from your CRM');
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.from?.address).toBe(email);
  });
});
