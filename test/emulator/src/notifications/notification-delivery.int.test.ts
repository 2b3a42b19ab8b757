import type { Client } from '@microsoft/microsoft-graph-client';
import { connect, graphFor, startWorld, type Connected, type World } from '../testing/harness';
import { startReceiver, waitFor, type Receiver } from '../testing/notification-receiver';

// Delivery of change notifications and lifecycle events to a real HTTPS receiver, on the emulator clock.

/** Notifications from separate POSTs arrive in no promised order; the tests compare them sorted by change type. */
const byChangeType = (a: unknown[], b: unknown[]): number => String(a[0]).localeCompare(String(b[0]));
describe('change notification delivery', () => {
  let w: World;
  let rx: Receiver;
  let graph: Client;
  let connected: Connected;
  let advanced = 0;
  /** Moves the emulator clock; access tokens age with it, so the test takes a fresh one like any client would. */
  const advance = async (ms: number): Promise<void> => {
    advanced += ms;
    w.emu.control.advanceClock(ms);
    const fresh = await connected.msal.acquireTokenByRefreshToken({
      refreshToken: connected.refreshToken,
      scopes: ['Mail.ReadWrite'],
    });
    graph = graphFor(w, fresh?.accessToken ?? '');
  };
  const inMinutes = (minutes: number): string => new Date(Date.now() + advanced + minutes * 60_000).toISOString();
  let path = 0;
  /** A fresh subscription on the inbox with its own notification and lifecycle paths. */
  const subscribe = async (over: Record<string, unknown> = {}) => {
    path += 1;
    const n = `/n${path}`;
    const l = `/l${path}`;
    const sub = (await graph.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: rx.url(n),
      lifecycleNotificationUrl: rx.url(l),
      resource: "me/mailFolders('inbox')/messages",
      expirationDateTime: inMinutes(120),
      clientState: `state-${path}`,
      ...over,
    })) as { id: string; expirationDateTime: string };
    return { sub, n, l };
  };
  const deliver = (subject = 'Hello') =>
    w.emu.control.deliverMessage(w.user.email, { from: 'sender@external.example', subject }) as {
      id: string;
      changeKey: string;
    };

  beforeAll(async () => {
    w = await startWorld({ changeNotifications: { deliveryTimeoutMs: 1000 } });
    rx = await startReceiver();
    connected = await connect(w, { scopes: ['Mail.ReadWrite', 'offline_access'] });
    graph = graphFor(w, connected.result.accessToken);
  });
  afterAll(async () => {
    await w.emu.close();
    await rx.close();
  });
  beforeEach(() => {
    rx.answer.status = 202;
    rx.answer.delayMs = 0;
    w.emu.control.delayNotifications(0);
  });

  it('notifies updated and deleted messages, each with the clientState', async () => {
    const { sub, n } = await subscribe();
    const m = deliver('to be read');
    await graph.api(`/me/messages/${m.id}`).patch({ isRead: true });
    await graph.api(`/me/messages/${m.id}`).delete();
    const items = await waitFor(() => rx.items(n).length >= 3 && rx.items(n), 'three notifications');
    // Three requests, three POSTs that may be in flight together: Graph promises no order (see the fidelity table).
    expect(
      items.map((i) => [i.changeType, (i.resourceData as { id: string }).id, i.clientState]).sort(byChangeType),
    ).toEqual([
      ['created', m.id, `state-${path}`],
      ['deleted', m.id, `state-${path}`],
      ['updated', m.id, `state-${path}`],
    ]);
    expect(items.every((i) => i.subscriptionId === sub.id)).toBe(true);
  });

  it('uses immutable ids in the notifications of a subscription created with Prefer: IdType="ImmutableId"', async () => {
    path += 1;
    const n = `/n${path}`;
    const sub = (await graph
      .api('/subscriptions')
      .header('Prefer', 'IdType="ImmutableId"')
      .post({
        changeType: 'created,deleted',
        notificationUrl: rx.url(n),
        resource: "me/mailFolders('inbox')/messages",
        expirationDateTime: inMinutes(120),
        clientState: 'immutable-state',
      })) as { id: string };
    const plain = await subscribe({ changeType: 'created,deleted' });
    const m = w.emu.control.deliverMessage(w.user.email, { from: 'sender@external.example', subject: 'immutable' }) as {
      id: string;
      immutableId: string;
    };
    expect(m.immutableId).not.toBe(m.id);
    await graph.api(`/me/messages/${m.id}`).delete();
    const items = await waitFor(() => rx.items(n).length >= 2 && rx.items(n), 'created and deleted');
    expect(
      items.map((i) => [i.changeType, i.subscriptionId, (i.resourceData as { id: string }).id]).sort(byChangeType),
    ).toEqual([
      ['created', sub.id, m.immutableId],
      ['deleted', sub.id, m.immutableId],
    ]);
    // One made without the header keeps the REST id (the default format).
    const restItems = await waitFor(() => rx.items(plain.n).length >= 2 && rx.items(plain.n), 'REST ids');
    expect(restItems.map((i) => (i.resourceData as { id: string }).id)).toEqual([m.id, m.id]);
  });

  it('sends only the change types asked for, only for the watched folder', async () => {
    const created = await subscribe({ changeType: 'created' });
    const drafts = await subscribe({ resource: "me/mailFolders('drafts')/messages" });
    const m = deliver('created only');
    await graph.api(`/me/messages/${m.id}`).patch({ isRead: true });
    const marker = deliver('marker');
    await waitFor(() => rx.items(created.n).some((i) => (i.resourceData as { id: string }).id === marker.id), 'marker');
    expect(rx.items(created.n).map((i) => i.changeType)).toEqual(['created', 'created']);
    expect(rx.items(drafts.n)).toEqual([]);
    expect(w.emu.control.notificationLog(drafts.sub.id).filter((a) => a.kind === 'change')).toEqual([]);
  });

  it('batches changes made together into one POST', async () => {
    const { n } = await subscribe({ changeType: 'created' });
    w.emu.control.deliverMessages(w.user.email, 5);
    await waitFor(() => rx.items(n).length >= 5, 'five notifications');
    expect(rx.posts.filter((p) => p.path === n).map((p) => p.body.value.length)).toEqual([5]);
  });

  it('retries a failed delivery 10 minutes later on the emulator clock', async () => {
    const { sub, n } = await subscribe({ changeType: 'created' });
    rx.answer.status = 500;
    deliver('retry me');
    await waitFor(
      () => w.emu.control.notificationLog(sub.id).some((a) => a.kind === 'change' && a.outcome === 'failed'),
      'a failed attempt',
    );
    rx.answer.status = 202;
    await advance(9 * 60_000);
    await advance(60_000);
    const delivered = await waitFor(
      () => w.emu.control.notificationLog(sub.id).find((a) => a.kind === 'change' && a.outcome === 'delivered'),
      'the retry',
    );
    expect(delivered.attempt).toBe(2);
    expect(rx.posts.filter((p) => p.path === n)).toHaveLength(2);
  });

  it('treats an answer slower than the delivery timeout as a failure', async () => {
    const { sub } = await subscribe({ changeType: 'created' });
    rx.answer.delayMs = 2500;
    deliver('slow');
    const failed = await waitFor(
      () => w.emu.control.notificationLog(sub.id).find((a) => a.kind === 'change' && a.outcome === 'failed'),
      'a timed-out attempt',
    );
    expect(failed.error).toBe('timeout');
  });

  it('discards after 4 hours of failures and sends missed to the lifecycle URL', async () => {
    const { sub, l } = await subscribe({ changeType: 'created', expirationDateTime: inMinutes(600) });
    rx.answer.status = 503;
    deliver('never acknowledged');
    await waitFor(() => w.emu.control.notificationLog(sub.id).some((a) => a.outcome === 'failed'), 'first failure');
    await advance(4 * 3600_000 + 60_000);
    await waitFor(() => w.emu.control.notificationLog(sub.id).some((a) => a.outcome === 'discarded'), 'the discard');
    rx.answer.status = 202;
    const [missed] = await waitFor(() => rx.items(l).length > 0 && rx.items(l), 'missed');
    expect(missed).toEqual({
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: sub.expirationDateTime,
      tenantId: w.tenant.id,
      clientState: `state-${path}`,
      lifecycleEvent: 'missed',
    });
  });

  it('stops notifying and deletes the subscription when it expires', async () => {
    const { sub, n } = await subscribe({ expirationDateTime: inMinutes(30) });
    await advance(31 * 60_000);
    deliver('after expiry');
    const err = (await graph
      .api(`/subscriptions/${sub.id}`)
      .get()
      .catch((e: unknown) => e)) as { statusCode: number };
    expect(err.statusCode).toBe(404);
    expect(w.emu.control.subscriptions().some((s) => s.id === sub.id)).toBe(false);
    expect(rx.items(n)).toEqual([]);
  });

  it('keeps a renewed subscription past its first expiry (PATCH)', async () => {
    const { sub, n } = await subscribe({ expirationDateTime: inMinutes(30) });
    const renewed = (await graph.api(`/subscriptions/${sub.id}`).patch({ expirationDateTime: inMinutes(24 * 60) })) as {
      expirationDateTime: string;
    };
    expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(sub.expirationDateTime));
    await advance(31 * 60_000);
    const m = deliver('after renewal');
    await waitFor(() => rx.items(n).some((i) => (i.resourceData as { id: string }).id === m.id), 'a notification');
  });
});

describe('reauthorizationRequired as a subscription nears its expiry', () => {
  it('is sent from 60 minutes before expiry, every 15 minutes, until renewed', async () => {
    const w = await startWorld();
    const rx = await startReceiver();
    try {
      const connected = await connect(w, { scopes: ['Mail.Read', 'offline_access'] });
      let advanced = 0;
      const token = async (): Promise<Client> => {
        const fresh = await connected.msal.acquireTokenByRefreshToken({
          refreshToken: connected.refreshToken,
          scopes: ['Mail.Read'],
        });
        return graphFor(w, fresh?.accessToken ?? '');
      };
      const advance = (ms: number): void => {
        advanced += ms;
        w.emu.control.advanceClock(ms);
      };
      const challenges = (): number =>
        rx.items('/life').filter((i) => i.lifecycleEvent === 'reauthorizationRequired').length;
      const sub = (await (await token()).api('/subscriptions').post({
        changeType: 'created',
        notificationUrl: rx.url('/n'),
        lifecycleNotificationUrl: rx.url('/life'),
        resource: 'me/messages',
        expirationDateTime: new Date(Date.now() + 180 * 60_000).toISOString(),
        clientState: 'expiring',
      })) as { id: string };
      advance(100 * 60_000); // 80 minutes left: nothing yet
      advance(21 * 60_000); // 59 minutes left
      await waitFor(() => challenges() === 1, 'the first challenge');
      expect(rx.items('/life')[0]).toMatchObject({ subscriptionId: sub.id, lifecycleEvent: 'reauthorizationRequired' });
      advance(15 * 60_000);
      await waitFor(() => challenges() === 2, 'the second challenge');
      await (
        await token()
      )
        .api(`/subscriptions/${sub.id}`)
        .patch({ expirationDateTime: new Date(Date.now() + advanced + 24 * 3600_000).toISOString() });
      advance(45 * 60_000); // past the old expiry: the renewed subscription lives on, unchallenged
      const m = w.emu.control.deliverMessage(w.user.email, { from: 'a@external.example', subject: 'still here' });
      await waitFor(() => rx.items('/n').some((i) => (i.resourceData as { id: string }).id === m.id), 'a notification');
      expect(challenges()).toBe(2);
    } finally {
      await w.emu.close();
      await rx.close();
    }
  });
});
