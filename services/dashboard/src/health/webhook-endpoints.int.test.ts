import { AUTH, startTestDashboard, type TestDashboard } from '../testing/dashboard-harness';

describe('connection health: webhook endpoints', () => {
  let t: TestDashboard;
  beforeAll(async () => {
    t = await startTestDashboard('dashwhep');
  });
  afterAll(async () => t.close());

  it('shows a disabled endpoint as webhook_endpoint.disabled, first, with why; never a secret', async () => {
    await t.models.WebhookEndpoint.create({
      workspaceId: 'ws_ops',
      url: 'https://crm.example.com/ok',
      secretEnc: 'v1.k.secret-ciphertext.t.b',
    });
    const disabled = await t.models.WebhookEndpoint.create({
      workspaceId: 'ws_ops',
      url: 'https://crm.example.com/down',
      secretEnc: 'v1.k.secret-ciphertext.t.b',
      enabled: false,
      disabledAt: new Date('2026-11-28T10:00:00Z'),
      disabledReason: 'every delivery failed since 2026-11-25T10:00:00.000Z',
      failingSince: new Date('2026-11-25T10:00:00Z'),
    });
    const page = await t.app.inject({ method: 'GET', url: '/health', headers: AUTH });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2 id="webhook-endpoints">');
    const row = page.body.slice(page.body.indexOf(`data-webhook-endpoint="${disabled._id}"`));
    expect(row).toMatch(/^[^]*?webhook_endpoint\.disabled[^]*?every delivery failed since/);
    expect(page.body.indexOf('crm.example.com/down')).toBeLessThan(page.body.indexOf('crm.example.com/ok'));
    expect(page.body).not.toContain('secret-ciphertext');
    const json = await t.app.inject({ method: 'GET', url: '/api/health/summary', headers: AUTH });
    expect(
      (json.json() as { webhookEndpoints: Array<{ endpointId: string; enabled: boolean }> }).webhookEndpoints[0],
    ).toMatchObject({ endpointId: disabled._id, enabled: false });
  });
});
