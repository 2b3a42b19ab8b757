import type { Client } from '@microsoft/microsoft-graph-client';
import { connect, graphFor, startWorld, type Connected, type World } from '../testing/harness';
import { startReceiver, waitFor, type Receiver } from '../testing/notification-receiver';

// Slow-endpoint throttling: delayed at 10% slow responses, dropped (with `missed`) at 15%, reset every 10 minutes.
describe('change notification throttling of a slow endpoint', () => {
  let w: World;
  let rx: Receiver;
  let graph: Client;
  let connected: Connected;
  let advanced = 0;
  const inMinutes = (minutes: number): string => new Date(Date.now() + advanced + minutes * 60_000).toISOString();
  const subscribe = async (n: string, l: string) =>
    (await graph.api('/subscriptions').post({
      changeType: 'created',
      notificationUrl: rx.url(n),
      lifecycleNotificationUrl: rx.url(l),
      resource: "me/mailFolders('inbox')/messages",
      expirationDateTime: inMinutes(600),
      clientState: 'throttle',
    })) as { id: string };
  const idsAt = (p: string): string[] => rx.items(p).map((i) => (i.resourceData as { id: string }).id);
  const delivered = (subId: string): number =>
    w.emu.control
      .notificationLog(subId)
      .filter((a) => a.kind === 'change' && a.outcome === 'delivered')
      .reduce((sum, a) => sum + a.count, 0);

  beforeAll(async () => {
    w = await startWorld({ changeNotifications: { deliveryTimeoutMs: 1500 } });
    rx = await startReceiver();
    connected = await connect(w, { scopes: ['Mail.Read', 'offline_access'] });
    graph = graphFor(w, connected.result.accessToken);
  });
  afterAll(async () => {
    await w.emu.close();
    await rx.close();
  });

  it('delays notifications to an endpoint with 10% slow answers by 10 minutes', async () => {
    const slow = await subscribe('/slow-a', '/life-a');
    const other = await subscribe('/fast-a', '/life-a2');
    w.emu.control.deliverMessages(w.user.email, 90);
    await waitFor(() => delivered(slow.id) >= 90, '90 fast deliveries');
    rx.answer.delayMsByPath['/slow-a'] = 2500; // past the 1.5 s timeout: slow
    w.emu.control.deliverMessages(w.user.email, 12);
    await waitFor(
      () => w.emu.control.notificationLog(slow.id).some((a) => a.outcome === 'failed' && a.count === 12),
      'a slow batch',
    );
    rx.answer.delayMsByPath['/slow-a'] = 0;
    const m = w.emu.control.deliverMessage(w.user.email, { from: 'x@external.example', subject: 'throttled' });
    await waitFor(() => idsAt('/fast-a').includes(String(m.id)), 'the other endpoint’s copy');
    expect(idsAt('/slow-a')).not.toContain(m.id);
    advanced += 10 * 60_000;
    w.emu.control.advanceClock(10 * 60_000);
    await waitFor(() => idsAt('/slow-a').includes(String(m.id)), 'the delayed notification');
    await graph
      .api(`/subscriptions/${other.id}`)
      .delete()
      .catch(() => undefined);
  });

  it('drops notifications at 15% slow answers and tells the subscription missed', async () => {
    const slow = await subscribe('/slow-b', '/life-b');
    rx.answer.delayMsByPath['/slow-b'] = 2500;
    w.emu.control.deliverMessages(w.user.email, 100);
    await waitFor(
      () => w.emu.control.notificationLog(slow.id).some((a) => a.outcome === 'failed' && a.count === 100),
      'a slow batch of 100',
    );
    rx.answer.delayMsByPath['/slow-b'] = 0;
    w.emu.control.deliverMessage(w.user.email, { from: 'x@external.example', subject: 'dropped' });
    const dropped = w.emu.control.notificationLog(slow.id).filter((a) => a.outcome === 'dropped');
    expect(dropped.map((a) => a.error)).toEqual(['throttled: slow endpoint']);
    await waitFor(() => rx.items('/life-b').some((i) => i.lifecycleEvent === 'missed'), 'missed');
  });
});
