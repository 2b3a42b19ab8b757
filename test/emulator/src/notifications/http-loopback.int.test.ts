import { connect, errorOf, graphFor, startWorld, type World } from '../testing/harness';
import { startReceiver, waitFor, type Receiver } from '../testing/notification-receiver';

// SANDBOX-ONLY deviation: with allowHttpLoopback, http://127.0.0.1 notification URLs work; without it they are 400.
describe('plain-HTTP loopback notification URLs (sandbox option)', () => {
  let rx: Receiver;
  const worlds: World[] = [];
  const subscribe = async (w: World) => {
    const c = await connect(w, { scopes: ['Mail.Read', 'offline_access'] });
    return graphFor(w, c.result.accessToken)
      .api('/subscriptions')
      .post({
        changeType: 'created',
        notificationUrl: rx.url('/http'),
        resource: 'me/messages',
        expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
        clientState: 'sandbox',
      }) as Promise<{ id: string }>;
  };

  beforeAll(async () => {
    rx = await startReceiver({ plainHttp: true });
  });
  afterAll(async () => {
    await Promise.all(worlds.map((w) => w.emu.close()));
    await rx.close();
  });

  it('is refused by default', async () => {
    const w = await startWorld();
    worlds.push(w);
    expect(rx.url('/http').startsWith('http://127.0.0.1:')).toBe(true);
    const err = (await errorOf(subscribe(w))) as { statusCode: number; message: string };
    expect([err.statusCode, err.message]).toEqual([400, "NotificationUrl scheme='http' is not supported."]);
    expect(rx.validations).toEqual([]);
  });

  it('validates and notifies over http on loopback when the option is on', async () => {
    const w = await startWorld({ changeNotifications: { allowHttpLoopback: true } });
    worlds.push(w);
    const sub = await subscribe(w);
    expect(rx.validations).toHaveLength(1);
    w.emu.control.deliverMessage(w.user.email, { from: 'a@external.example', subject: 'over http' });
    const [item] = await waitFor(() => rx.items('/http').length > 0 && rx.items('/http'), 'a notification');
    expect(item).toMatchObject({ subscriptionId: sub.id, clientState: 'sandbox', changeType: 'created' });
  });
});
