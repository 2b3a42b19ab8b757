import { inboxSyncJobId, readPushMetrics, redisKeys, findEvent } from '@outlook-connect/queues';
import type { InboxSubscriptionDoc } from '@outlook-connect/shared';
import { receivedEventId } from '@outlook-connect/workers';
import {
  call,
  connectThroughApi,
  createApp,
  startGatewayHarness,
  type GatewayHarness,
} from '@outlook-connect/auth-gateway/testing';
import { startHttpsFront, type HttpsFront } from '@outlook-connect/stack';
import { startRealWorkers, type RealWorkers } from './real-workers';

// Push end to end: the emulator posts change notifications over HTTPS to the real gateway endpoint, the real workers
// keep the subscription and sync. Polling is set to 10 minutes, so only push can bring mail in within seconds.

jest.setTimeout(180_000);

const MAILBOX = 'rep@push.test';

describe('push: Graph change notifications end to end', () => {
  let h: GatewayHarness;
  let front: HttpsFront;
  let workers: RealWorkers;
  let connectionId = '';

  beforeAll(async () => {
    h = await startGatewayHarness('e2epush', { env: { PUSH_SYNC_DELAY_MS: '200', PUSH_SYNC_SPACING_MS: '10000' } });
    front = await startHttpsFront(h.baseUrl);
    workers = await startRealWorkers(h, ['inbox-sync', 'inbox-subscription'], {
      env: {
        PUSH_PUBLIC_URL: front.url,
        INBOX_POLL_INTERVAL_SEC: '600',
        INBOX_PUSH_SAFETY_POLL_SEC: '600',
        // Compressed: a 1-minute subscription is renewed after 30 s (at most half its remaining life ahead).
        PUSH_SUBSCRIPTION_LIFETIME_MIN: '1',
      },
    });
    const tenant = h.emulator.control.createTenant({ domain: 'push.test' });
    h.emulator.control.createUser({ tenantId: tenant.id, email: MAILBOX, displayName: 'Sales Rep' });
    const { appId } = await createApp(h);
    const connected = await connectThroughApi(h, { appId, scopePreset: 'read_only', loginHint: MAILBOX });
    expect(connected.status).toBe('connected');
    connectionId = connected.connectionId!;
  });

  afterAll(async () => {
    await workers?.close();
    await front?.close();
    await h?.close();
  });

  async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const subscription = async () =>
    (await h.deps.models.InboxSubscription.findById(connectionId).lean()) as InboxSubscriptionDoc | null;
  const live = (sub: InboxSubscriptionDoc | null) =>
    sub?.subscriptionId && h.emulator.control.subscriptions(MAILBOX).some((s) => s.id === sub.subscriptionId)
      ? sub
      : null;
  const metrics = async () => readPushMetrics(await h.deps.redis.hgetall(redisKeys.pushMetrics(h.deps.queues.prefix)));
  /**
   * No sync queued or running: the last run ended its job (its next poll is beyond the sync sweep's horizon, so the
   * store's schedule holds it) or delayed it to a sync due soon.
   */
  const syncIdle = async () => {
    const job = await h.deps.queues.queue('inbox-sync').getJob(inboxSyncJobId(connectionId));
    return !job || (await job.getState()) === 'delayed';
  };
  /** The message is stored and message.received was emitted (in an events job). */
  const arrived = async (graphId: string) => {
    const stored = await h.deps.models.InboxMessage.findOne({ connectionId, graphId }).lean();
    const event = await findEvent(h.deps.queues.queue('events'), receivedEventId(connectionId, graphId));
    return stored && event?.type === 'message.received' ? { stored, event } : null;
  };
  const deliver = (subject: string) =>
    String(h.emulator.control.deliverMessage(MAILBOX, { from: 'buyer@customer.test', subject }).immutableId);

  it('subscribes after connect (after the first sync) and pushes a new message into the store in seconds', async () => {
    const sub = await until('a live subscription', async () => live(await subscription()));
    expect(sub.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    const emulated = h.emulator.control.subscriptions(MAILBOX).find((s) => s.id === sub.subscriptionId)!;
    expect(emulated).toMatchObject({
      resource: "me/mailFolders('inbox')/messages",
      changeType: 'created,updated,deleted',
    });
    expect(String(emulated.notificationUrl)).toBe(`${front.url}/v1/graph/notifications`);
    await until('the first sync', async () => {
      const conn = await h.deps.models.Connection.findById(connectionId).lean();
      return conn?.sync.initialSyncComplete;
    });
    const graphId = deliver('Re: our proposal');
    await until('message.received through push', () => arrived(graphId), 20_000);
    expect((await metrics()).received).toBeGreaterThanOrEqual(1);
    // Push healthy: the next poll is the safety interval away (600 s +/- jitter), not soon.
    const next = await until('the next poll scheduled', async () => {
      if (!(await syncIdle())) return null;
      return (await h.deps.models.Connection.findById(connectionId).lean())?.sync.nextSyncAt;
    });
    expect(next.getTime() - Date.now()).toBeGreaterThan(5 * 60_000);
    expect((await subscription())?.lastNotificationAt).toBeInstanceOf(Date);
  });

  it('drops a notification with a forged clientState: nothing is synced', async () => {
    const sub = (await subscription())!;
    const before = await metrics();
    const res = await call(h, 'POST', '/v1/graph/notifications', {
      body: { value: [{ subscriptionId: sub.subscriptionId, clientState: 'forged', changeType: 'created' }] },
    });
    expect(res.status).toBe(401);
    const after = await metrics();
    expect(after.rejected.client_state - before.rejected.client_state).toBe(1);
    expect(after.syncsTriggered).toBe(before.syncsTriggered);
    expect(await syncIdle()).toBe(true);
    const next = (await h.deps.models.Connection.findById(connectionId).lean())?.sync.nextSyncAt;
    expect(next!.getTime() - Date.now()).toBeGreaterThan(5 * 60_000);
  });

  it('heals a lost notification through the missed lifecycle event', async () => {
    const sub = (await subscription())!;
    h.emulator.control.dropNotifications(1, sub.subscriptionId!);
    const graphId = deliver('lost notification');
    // The drop took it: nothing arrives until missed (polling is 10 minutes away).
    await until('the drop', async () =>
      h.emulator.control.notificationLog(sub.subscriptionId!).some((e) => e.outcome === 'dropped'),
    );
    expect(await arrived(graphId)).toBeNull();
    h.emulator.control.sendMissed(sub.subscriptionId!);
    await until('message.received after missed', () => arrived(graphId), 20_000);
    expect((await metrics()).lifecycle.missed).toBeGreaterThanOrEqual(1);
  });

  it('recreates a subscription Outlook removed, and mail flows through the new one', async () => {
    const old = (await subscription())!;
    h.emulator.control.removeSubscription(old.subscriptionId!);
    const fresh = await until('a new subscription', async () => {
      const s = live(await subscription());
      return s && s.subscriptionId !== old.subscriptionId ? s : null;
    });
    // The removal is handled (no recreate left). A 1-minute subscription is inside Graph's "about to expire" hour
    // from its start, so the emulator may already have asked for a reauthorize: that is the renewal it wants.
    expect(fresh.pending).not.toBe('recreate');
    const graphId = deliver('after removal');
    await until('message.received through the new subscription', () => arrived(graphId), 20_000);
  });

  it('renews the subscription before it expires (1-minute lifetime, renewed at half)', async () => {
    const before = (await until('a live subscription', async () => live(await subscription())))!;
    const renewed = await until(
      'a renewal',
      async () => {
        const s = await subscription();
        return s && s.subscriptionId === before.subscriptionId && s.expiresAt! > before.expiresAt! ? s : null;
      },
      90_000,
    );
    // Renewed while still alive: Graph still has the same subscription, with the later expiry.
    expect(renewed.lastRenewedAt!.getTime()).toBeLessThan(before.expiresAt!.getTime());
    const emulated = h.emulator.control.subscriptions(MAILBOX).find((s) => s.id === before.subscriptionId)!;
    expect(Date.parse(String(emulated.expirationDateTime))).toBe(renewed.expiresAt!.getTime());
    expect((await metrics()).subscriptions.renewed).toBeGreaterThanOrEqual(1);
  });

  it('collapses a burst of 100 notifications into one or two delta syncs', async () => {
    const sub = (await until('a live subscription', async () => live(await subscription())))!;
    const clientState = String(
      h.emulator.control.subscriptions(MAILBOX).find((s) => s.id === sub.subscriptionId)!.clientState,
    );
    const graphId = deliver('burst');
    await until('message.received', () => arrived(graphId), 20_000);
    await until('the sync run over', syncIdle);
    const deltas = () => h.emulator.control.requestLog(MAILBOX).filter((r) => String(r.path).includes('/delta')).length;
    const deltasBefore = deltas();
    const item = {
      subscriptionId: sub.subscriptionId,
      clientState,
      changeType: 'updated',
      resource: 'Users/x/Messages/y',
    };
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => call(h, 'POST', '/v1/graph/notifications', { body: { value: [item] } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(202));
    await until('the sync after the burst', async () => deltas() > deltasBefore);
    await until('the sync run over', syncIdle);
    const syncs = deltas() - deltasBefore;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(2);
  });

  it('deletes the subscription at Graph on disconnect and forgets it', async () => {
    const sub = (await until('a live subscription', async () => live(await subscription())))!;
    const res = await call(h, 'POST', `/v1/connections/${connectionId}/disconnect`, { headers: h.auth });
    expect(res.status).toBe(200);
    expect(h.emulator.control.subscriptions(MAILBOX).map((s) => s.id)).not.toContain(sub.subscriptionId);
    expect(await subscription()).toBeNull();
  });
});
