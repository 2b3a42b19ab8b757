import type { Client } from '@microsoft/microsoft-graph-client';
import { connect, errorOf, graphFor, startWorld, uniqueEmail, type World } from '../testing/harness';
import { startReceiver, waitFor, type Receiver } from '../testing/notification-receiver';

// Fault controls, lifecycle events, ownership and permissions of change-notification subscriptions.
describe('change notification faults and lifecycle', () => {
  let w: World;
  let rx: Receiver;
  let graph: Client;
  let path = 0;
  const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();
  const body = (over: Record<string, unknown> = {}) => {
    path += 1;
    return {
      changeType: 'created,updated,deleted',
      notificationUrl: rx.url(`/n${path}`),
      lifecycleNotificationUrl: rx.url(`/l${path}`),
      resource: "me/mailFolders('inbox')/messages",
      expirationDateTime: inMinutes(120),
      clientState: `state-${path}`,
      ...over,
    };
  };
  const subscribe = async (client: Client = graph, over: Record<string, unknown> = {}) => {
    const b = body(over);
    const sub = (await client.api('/subscriptions').post(b)) as { id: string };
    const pathOf = (url: unknown): string => (typeof url === 'string' ? new URL(url).pathname : '');
    return { id: sub.id, n: pathOf(b.notificationUrl), l: pathOf(b.lifecycleNotificationUrl) };
  };
  const deliver = (subject = 'Hello') =>
    w.emu.control.deliverMessage(w.user.email, { from: 'sender@external.example', subject }) as { id: string };
  const idsAt = (p: string): string[] => rx.items(p).map((i) => (i.resourceData as { id: string }).id);
  const eventsAt = (p: string): unknown[] => rx.items(p).map((i) => i.lifecycleEvent);

  beforeAll(async () => {
    w = await startWorld();
    rx = await startReceiver();
    const c = await connect(w, { scopes: ['Mail.Read', 'offline_access'] });
    graph = graphFor(w, c.result.accessToken);
  });
  afterAll(async () => {
    w.emu.control.delayNotifications(0);
    await w.emu.close();
    await rx.close();
  });

  it('dropNotifications loses the next change without a trace to the app', async () => {
    const s = await subscribe();
    w.emu.control.dropNotifications(1, s.id);
    const lost = deliver('lost');
    const kept = deliver('kept');
    await waitFor(() => idsAt(s.n).includes(kept.id), 'the second notification');
    expect(idsAt(s.n)).toEqual([kept.id]);
    expect(w.emu.control.notificationLog(s.id).filter((a) => a.outcome === 'dropped')).toHaveLength(1);
    expect(lost.id).not.toBe(kept.id);
  });

  it('sendMissed sends the missed lifecycle event', async () => {
    const s = await subscribe();
    w.emu.control.sendMissed(s.id);
    await waitFor(() => eventsAt(s.l).includes('missed'), 'missed');
    expect(rx.items(s.l)[0]).toMatchObject({
      subscriptionId: s.id,
      clientState: `state-${path}`,
      tenantId: w.tenant.id,
    });
  });

  it('expireSubscription ends it now: no lifecycle event, 404 afterwards, no notifications', async () => {
    const s = await subscribe();
    w.emu.control.expireSubscription(s.id);
    deliver('after expiry');
    const err = (await errorOf(graph.api(`/subscriptions/${s.id}`).get())) as { statusCode: number };
    expect(err.statusCode).toBe(404);
    expect(w.emu.control.notificationLog(s.id).filter((a) => a.kind !== 'validation')).toEqual([]);
  });

  it('removeSubscription sends subscriptionRemoved, then the subscription is gone', async () => {
    const s = await subscribe();
    w.emu.control.removeSubscription(s.id);
    await waitFor(() => eventsAt(s.l).includes('subscriptionRemoved'), 'subscriptionRemoved');
    const err = (await errorOf(graph.api(`/subscriptions/${s.id}`).patch({ expirationDateTime: inMinutes(60) }))) as {
      statusCode: number;
    };
    expect(err.statusCode).toBe(404);
  });

  it('sends no lifecycle event to a subscription without a lifecycleNotificationUrl', async () => {
    const s = await subscribe(graph, { lifecycleNotificationUrl: undefined });
    w.emu.control.removeSubscription(s.id);
    expect(w.emu.control.notificationLog(s.id).filter((a) => a.kind === 'lifecycle')).toEqual([]);
  });

  it('requireReauthorization pauses notifications (changes meanwhile are lost) until reauthorize', async () => {
    const s = await subscribe();
    w.emu.control.requireReauthorization(s.id);
    await waitFor(() => eventsAt(s.l).includes('reauthorizationRequired'), 'reauthorizationRequired');
    const during = deliver('during the pause');
    expect(w.emu.control.notificationLog(s.id).some((a) => a.outcome === 'paused')).toBe(true);
    await graph.api(`/subscriptions/${s.id}/reauthorize`).post({});
    const after = deliver('after reauthorize');
    await waitFor(() => idsAt(s.n).includes(after.id), 'a notification after reauthorize');
    expect(idsAt(s.n)).not.toContain(during.id);
  });

  it('a renewal (PATCH) reauthorizes too', async () => {
    const s = await subscribe();
    w.emu.control.requireReauthorization(s.id);
    await graph.api(`/subscriptions/${s.id}`).patch({ expirationDateTime: inMinutes(240) });
    const m = deliver('after renewal');
    await waitFor(() => idsAt(s.n).includes(m.id), 'a notification after renewal');
  });

  it('delayNotifications holds every POST back by the given real time', async () => {
    const s = await subscribe();
    w.emu.control.delayNotifications(400);
    const changedAt = Date.now();
    const m = deliver('delayed');
    await waitFor(() => idsAt(s.n).includes(m.id), 'the delayed notification');
    w.emu.control.delayNotifications(0);
    const post = rx.posts.find((p) => p.path === s.n);
    expect((post?.at ?? 0) - changedAt).toBeGreaterThanOrEqual(400);
  });

  it('runs the faults over the HTTP control API too', async () => {
    const s = await subscribe();
    const res = await fetch(`${w.emu.url}/_emulator/dropNotifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 1, subscriptionId: s.id }),
    });
    expect(res.status).toBe(200);
    deliver('dropped over http');
    expect(w.emu.control.notificationLog(s.id).filter((a) => a.outcome === 'dropped')).toHaveLength(1);
    const listed = (await (await fetch(`${w.emu.url}/_emulator/subscriptions?email=${w.user.email}`)).json()) as Array<{
      id: string;
      clientState: string;
    }>;
    expect(listed.find((x) => x.id === s.id)?.clientState).toBe(`state-${path}`);
  });

  it('lists only this app and user’s subscriptions, without clientState; another app gets 404', async () => {
    const mine = await subscribe();
    const other = w.emu.control.createApp({ name: 'Other app', homeTenantId: w.tenant.id, redirectUris: [] });
    expect(other.clientId).not.toBe(w.app.clientId);
    const list = (await graph.api('/subscriptions').get()) as { value: Array<{ id: string; clientState: unknown }> };
    expect(list.value.find((s) => s.id === mine.id)?.clientState).toBeNull();
    const seed = w.emu.control.issueRefreshToken(w.user.email, other.clientId, ['Mail.Read', 'offline_access']);
    const token = await fetch(`${w.emu.loginUrl}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: seed.refreshToken,
        client_id: other.clientId,
        client_secret: other.secrets[0]?.value ?? '',
        scope: 'Mail.Read offline_access',
      }).toString(),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const otherGraph = graphFor(w, token.access_token);
    const seen = (await otherGraph.api('/subscriptions').get()) as { value: Array<{ id: string }> };
    expect(seen.value.map((s) => s.id)).not.toContain(mine.id);
    for (const call of [
      otherGraph.api(`/subscriptions/${mine.id}`).get(),
      otherGraph.api(`/subscriptions/${mine.id}`).patch({ expirationDateTime: inMinutes(60) }),
      otherGraph.api(`/subscriptions/${mine.id}`).delete(),
    ]) {
      expect(((await errorOf(call)) as { statusCode: number }).statusCode).toBe(404);
    }
    await graph.api(`/subscriptions/${mine.id}`).delete();
    expect(((await errorOf(graph.api(`/subscriptions/${mine.id}`).get())) as { statusCode: number }).statusCode).toBe(
      404,
    );
  });

  it('refuses a token without a mail read permission (403) and another user’s mailbox (403)', async () => {
    const sendOnly = await connect(w, { scopes: ['Mail.Send', 'offline_access'] });
    const err = (await errorOf(subscribe(graphFor(w, sendOnly.result.accessToken)))) as { statusCode: number };
    expect(err.statusCode).toBe(403);
    const someone = w.emu.control.createUser({ tenantId: w.tenant.id, email: uniqueEmail(w.tenant.domain, 'megan') });
    const other = (await errorOf(subscribe(graph, { resource: `users/${someone.id}/messages` }))) as {
      statusCode: number;
    };
    expect(other.statusCode).toBe(403);
    await expect(subscribe(graph, { resource: `users/${w.user.id}/messages` })).resolves.toBeTruthy();
  });

  it('answers 400 for an unsupported resource and 404 for an unknown folder', async () => {
    const events = (await errorOf(subscribe(graph, { resource: 'me/events' }))) as { statusCode: number };
    expect(events.statusCode).toBe(400);
    const folder = (await errorOf(subscribe(graph, { resource: 'me/mailFolders/AAMkAFnope/messages' }))) as {
      statusCode: number;
    };
    expect(folder.statusCode).toBe(404);
  });
});
