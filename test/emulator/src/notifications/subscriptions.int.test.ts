import type { Client } from '@microsoft/microsoft-graph-client';
import { connect, errorOf, graphFor, startWorld, type World } from '../testing/harness';
import { startReceiver, waitFor, type Receiver } from '../testing/notification-receiver';

// Subscriptions against the emulator with the real Graph client and a real HTTPS receiver (dev CA).
const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

describe('change notification subscriptions', () => {
  let w: World;
  let rx: Receiver;
  let graph: Client;

  beforeAll(async () => {
    w = await startWorld({ changeNotifications: { validationTimeoutMs: 1500 } });
    rx = await startReceiver();
    const c = await connect(w, { scopes: ['Mail.Read', 'offline_access'] });
    graph = graphFor(w, c.result.accessToken);
  });
  afterAll(async () => {
    await w.emu.close();
    await rx.close();
  });
  beforeEach(() => {
    rx.validation.mode = 'echo';
    rx.validation.byPath = {};
  });

  const subscribe = (over: Record<string, unknown> = {}) =>
    graph.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: rx.url('/notifications'),
      resource: "/me/mailFolders('inbox')/messages",
      expirationDateTime: inMinutes(60),
      clientState: 'client-secret-1',
      ...over,
    }) as Promise<Record<string, unknown>>;

  it('validates the notification URL (POST ?validationToken, text/plain echo) and answers 201', async () => {
    const before = rx.validations.length;
    const sub = await subscribe();
    expect(sub).toMatchObject({
      resource: "/me/mailFolders('inbox')/messages",
      changeType: 'created,updated,deleted',
      clientState: 'client-secret-1',
      applicationId: w.app.clientId,
      creatorId: w.user.id,
      notificationUrl: rx.url('/notifications'),
      latestSupportedTlsVersion: 'v1_2',
    });
    const validation = rx.validations[before];
    expect(validation?.path).toBe('/notifications');
    expect(validation?.contentType).toMatch(/^text\/plain/);
    // Real tokens hold spaces and colons: the receiver got the decoded value.
    expect(validation?.token).toMatch(/^Validation: .+ Request-Id: [0-9a-f-]{36}$/);
  });

  it.each([
    ['wrong-echo', 'Response must exactly match validationToken'],
    ['json', 'text/plain'],
    ['status-202', '200 OK'],
    ['silent', 'timed out'],
  ] as const)('fails creation with 400 when the endpoint answers %s', async (mode, text) => {
    rx.validation.mode = mode;
    const err = (await errorOf(subscribe())) as { statusCode: number; message: string };
    expect(err.statusCode).toBe(400);
    expect(err.message).toContain(text);
    expect(w.emu.control.subscriptions(w.user.email).every((s) => s.notificationUrl !== rx.url('/x'))).toBe(true);
  });

  it('validates the lifecycle URL too; its failure fails creation', async () => {
    rx.validation.byPath['/lifecycle'] = 'wrong-echo';
    const count = w.emu.control.subscriptions(w.user.email).length;
    const err = (await errorOf(subscribe({ lifecycleNotificationUrl: rx.url('/lifecycle') }))) as {
      statusCode: number;
    };
    expect(err.statusCode).toBe(400);
    expect(rx.validations.some((v) => v.path === '/lifecycle')).toBe(true);
    expect(w.emu.control.subscriptions(w.user.email)).toHaveLength(count);
  });

  it('notifies created messages with clientState, subscriptionId and resourceData', async () => {
    const sub = await subscribe({ changeType: 'created', notificationUrl: rx.url('/created') });
    const delivered = w.emu.control.deliverMessage(w.user.email, { from: 'a@external.example', subject: 'Hi' });
    const [item] = await waitFor(() => rx.items('/created').length > 0 && rx.items('/created'), 'a notification');
    expect(item).toEqual({
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: sub.expirationDateTime,
      changeType: 'created',
      resource: `Users/${w.user.id}/Messages/${String(delivered.id)}`,
      resourceData: {
        '@odata.type': '#Microsoft.Graph.Message',
        '@odata.id': `Users/${w.user.id}/Messages/${String(delivered.id)}`,
        '@odata.etag': `W/"${String(delivered.changeKey)}"`,
        id: delivered.id,
      },
      clientState: 'client-secret-1',
      tenantId: w.tenant.id,
    });
    await graph.api(`/subscriptions/${String(sub.id)}`).delete();
  });
});
