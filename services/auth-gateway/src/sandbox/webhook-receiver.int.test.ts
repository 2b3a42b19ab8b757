import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, webhookSecretContext } from '@outlook-connect/shared';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';
import { sandboxReceiverUrl } from './sandbox-webhooks';
import { setupSandbox } from './setup-sandbox';

// The sandbox's receiver page: registered as the sandbox workspace's endpoint, verifies what arrives, lists it.

describe('the sandbox webhook receiver', () => {
  let h: GatewayHarness;
  let secret: string;
  beforeAll(async () => {
    h = await startGatewayHarness('sbwebhooks', { sandbox: true });
    const { workspaceId } = await setupSandbox(h.deps, {
      clientId: '00000000-0000-0000-0000-000000000001',
      clientSecret: 'emulator-secret',
    });
    const endpoint = (await h.deps.models.WebhookEndpoint.findOne({ workspaceId }).lean())!;
    expect(endpoint).toMatchObject({ url: sandboxReceiverUrl(h.deps.env.PUBLIC_URL), enabled: true, eventTypes: [] });
    secret = h.deps.box.decrypt(endpoint.secretEnc, webhookSecretContext(endpoint._id, 'secret'));
    // A second start reuses the endpoint (and its secret).
    await setupSandbox(h.deps, { clientId: '00000000-0000-0000-0000-000000000001', clientSecret: 'emulator-secret' });
    expect(await h.deps.models.WebhookEndpoint.countDocuments({ workspaceId })).toBe(1);
  });
  afterAll(async () => h.close());

  const post = (body: string, signWith: string, id: string) => {
    const at = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(signWith).sign(id, at, body),
      'content-type': 'application/json',
    };
    return call(h, 'POST', '/sandbox/webhooks', { rawBody: body, headers });
  };

  it("accepts a delivery signed with the endpoint's secret and shows it; refuses a forged one with 400", async () => {
    const event = JSON.stringify({
      id: 'connection.created_conn_1_ca_1',
      type: 'connection.created',
      workspaceId: 'ws_1',
      occurredAt: new Date().toISOString(),
      data: { mailbox: 'megan@contoso.test' },
    });
    expect((await post(event, secret, 'connection.created_conn_1_ca_1')).status).toBe(204);
    expect(
      (
        await post(
          event.replace('"type":"connection.created"', '"type":"send.sent"'),
          generateWebhookSecret(),
          'send.sent_send_1',
        )
      ).status,
    ).toBe(400);
    const page = await call(h, 'GET', '/sandbox/webhooks');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<code>connection.created</code></td><td>verified');
    expect(page.text).toContain('<code>send.sent</code></td><td><strong>signature does not verify');
    expect(page.text).toContain('megan@contoso.test');
  });
});
