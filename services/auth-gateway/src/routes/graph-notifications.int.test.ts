import { randomUUID } from 'node:crypto';
import { findSubscription, recordCreated } from '@outlook-connect/mailbox-runtime';
import { inboxSubscriptionJobId, inboxSyncJobId, readPushMetrics, redisKeys } from '@outlook-connect/queues';
import { newId } from '@outlook-connect/shared';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';

// The push endpoints as Microsoft calls them: the handshake, clientState checked per item (forgeries dropped and
// counted), a burst collapsed into one queued sync, lifecycle events turned into work, bad bodies named.

jest.setTimeout(60_000);

let h: GatewayHarness;
beforeAll(async () => {
  // No workers here: the lead sync never starts, so everything after it collapses into it.
  h = await startGatewayHarness('pushintake', { env: { PUSH_SYNC_SPACING_MS: '60000' } });
});
afterAll(async () => {
  await h?.close();
});

async function subscribed(): Promise<{ connectionId: string; subscriptionId: string; clientState: string }> {
  const connectionId = newId('conn');
  const subscriptionId = randomUUID();
  const clientState = `cs-${randomUUID()}`;
  const now = Date.now();
  await recordCreated(
    h.deps.models,
    h.deps.box,
    { _id: connectionId, workspaceId: newId('ws') },
    {
      subscriptionId,
      clientState,
      expiresAt: new Date(now + 86_400_000),
      nextCheckAt: new Date(now + 43_200_000),
      at: new Date(now),
    },
  );
  return { connectionId, subscriptionId, clientState };
}

const note = (s: { subscriptionId: string }, clientState: unknown) => ({
  subscriptionId: s.subscriptionId,
  clientState,
  changeType: 'created',
  resource: 'Users/u/Messages/m',
  resourceData: { id: 'm' },
});

const metrics = async () => readPushMetrics(await h.deps.redis.hgetall(redisKeys.pushMetrics(h.deps.queues.prefix)));
const syncJobState = (connectionId: string) =>
  h.deps.queues.queue('inbox-sync').getJobState(inboxSyncJobId(connectionId));
/** Brought forward: due within PUSH_SYNC_DELAY_MS (delayed), or waiting. */
const SOON = ['delayed', 'waiting'];

describe('POST /v1/graph/notifications', () => {
  it('answers the validation handshake with the token as text/plain, on both URLs, without an API key', async () => {
    for (const url of ['/v1/graph/notifications', '/v1/graph/lifecycle']) {
      const token = 'Validation: token with spaces & symbols';
      const res = await call(h, 'POST', `${url}?validationToken=${encodeURIComponent(token)}`, {
        rawBody: '',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.text).toBe(token);
    }
  });

  it('takes a notification with the right clientState: 202, and the mailbox is synced now', async () => {
    const s = await subscribed();
    const before = await metrics();
    const res = await call(h, 'POST', '/v1/graph/notifications', { body: { value: [note(s, s.clientState)] } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1 });
    expect(SOON).toContain(await syncJobState(s.connectionId));
    const after = await metrics();
    expect(after.received - before.received).toBe(1);
    expect(after.syncsTriggered - before.syncsTriggered).toBe(1);
    expect((await findSubscription(h.deps.models, s.connectionId))?.lastNotificationAt).toBeInstanceOf(Date);
  });

  it('drops a forged clientState (401 when the whole batch is forged), counts it, and syncs nothing', async () => {
    const s = await subscribed();
    const before = await metrics();
    for (const forged of [`${s.clientState}x`, s.clientState.slice(0, -1), '', undefined, 42]) {
      const res = await call(h, 'POST', '/v1/graph/notifications', { body: { value: [note(s, forged)] } });
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(s.clientState);
    }
    expect(await syncJobState(s.connectionId)).toBe('unknown');
    // A batch mixing one good item and a forgery: the good one is taken, the forgery dropped.
    const mixed = await call(h, 'POST', '/v1/graph/notifications', {
      body: { value: [note(s, 'forged'), note(s, s.clientState)] },
    });
    expect(mixed.status).toBe(202);
    expect(mixed.body).toEqual({ accepted: 1 });
    const after = await metrics();
    expect(after.rejected.client_state - before.rejected.client_state).toBe(6);
    expect(after.received - before.received).toBe(1);
  });

  it('drops notifications of a subscription it does not hold (counted), and syncs nothing', async () => {
    const before = await metrics();
    const res = await call(h, 'POST', '/v1/graph/notifications', {
      body: { value: [note({ subscriptionId: randomUUID() }, 'whatever')] },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 0 });
    const after = await metrics();
    expect(after.rejected.unknown_subscription - before.rejected.unknown_subscription).toBe(1);
    expect(after.syncsTriggered).toBe(before.syncsTriggered);
  });

  it('brings an already scheduled sync forward to PUSH_SYNC_DELAY_MS', async () => {
    const s = await subscribed();
    await h.deps.queues.enqueue(
      'inbox-sync',
      { connectionId: s.connectionId },
      { jobId: inboxSyncJobId(s.connectionId), delay: 600_000 },
    );
    const res = await call(h, 'POST', '/v1/graph/notifications', { body: { value: [note(s, s.clientState)] } });
    expect(res.status).toBe(202);
    const job = await h.deps.queues.queue('inbox-sync').getJob(inboxSyncJobId(s.connectionId));
    expect(job!.delay).toBeLessThanOrEqual(500);
  });

  it('collapses a burst of 100 notifications into one queued sync', async () => {
    const s = await subscribed();
    const before = await metrics();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        call(h, 'POST', '/v1/graph/notifications', { body: { value: [note(s, s.clientState)] } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(202));
    const after = await metrics();
    expect(after.received - before.received).toBe(100);
    expect(after.syncsTriggered - before.syncsTriggered).toBe(1);
    expect(after.syncsCollapsed - before.syncsCollapsed).toBe(99);
    const jobs = await h.deps.queues.queue('inbox-sync').getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.filter((j) => j.data.connectionId === s.connectionId)).toHaveLength(1);
  });

  it('answers 400 naming the field for bad bodies', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'body.value'],
      [{ value: [] }, 'body.value'],
      [{ value: [{ clientState: 'x' }] }, 'body.value.0.subscriptionId'],
      [{ value: [{ subscriptionId: 7 }] }, 'body.value.0.subscriptionId'],
    ];
    for (const [body, field] of cases) {
      const res = await call<{ issues: Array<{ field: string }> }>(h, 'POST', '/v1/graph/notifications', { body });
      expect(res.status).toBe(400);
      expect(res.body.issues.map((i) => i.field)).toContain(field);
    }
    const notJson = await call(h, 'POST', '/v1/graph/notifications', { rawBody: '{"value": [' });
    expect(notJson.status).toBe(400);
    expect(notJson.text).toContain('body');
    const lifecycle = await call<{ issues: Array<{ field: string }> }>(h, 'POST', '/v1/graph/lifecycle', {
      body: { value: [{ subscriptionId: 'x', lifecycleEvent: 'somethingElse' }] },
    });
    expect(lifecycle.status).toBe(400);
    expect(lifecycle.body.issues.map((i) => i.field)).toContain('body.value.0.lifecycleEvent');
  });
});

describe('POST /v1/graph/lifecycle', () => {
  const lifecycle = (s: { subscriptionId: string; clientState: string }, lifecycleEvent: string) =>
    call(h, 'POST', '/v1/graph/lifecycle', {
      body: { value: [{ subscriptionId: s.subscriptionId, clientState: s.clientState, lifecycleEvent }] },
    });
  const subscriptionJobState = (connectionId: string) =>
    h.deps.queues.queue('inbox-subscription').getJobState(inboxSubscriptionJobId(connectionId));

  it('subscriptionRemoved: marks it for recreation, queues the subscription job and a catch-up sync', async () => {
    const s = await subscribed();
    expect((await lifecycle(s, 'subscriptionRemoved')).status).toBe(202);
    expect((await findSubscription(h.deps.models, s.connectionId))?.pending).toBe('recreate');
    expect(await subscriptionJobState(s.connectionId)).toBe('waiting');
    expect(SOON).toContain(await syncJobState(s.connectionId));
    // A later reauthorizationRequired does not downgrade a recreation.
    expect((await lifecycle(s, 'reauthorizationRequired')).status).toBe(202);
    expect((await findSubscription(h.deps.models, s.connectionId))?.pending).toBe('recreate');
  });

  it('reauthorizationRequired: marks it for reauthorization and queues the subscription job', async () => {
    const s = await subscribed();
    expect((await lifecycle(s, 'reauthorizationRequired')).status).toBe(202);
    expect((await findSubscription(h.deps.models, s.connectionId))?.pending).toBe('reauthorize');
    expect(await subscriptionJobState(s.connectionId)).toBe('waiting');
    expect(await syncJobState(s.connectionId)).toBe('unknown');
  });

  it('missed: syncs now; a forged one does nothing', async () => {
    const s = await subscribed();
    expect((await lifecycle({ ...s, clientState: 'forged' }, 'missed')).status).toBe(401);
    expect(await syncJobState(s.connectionId)).toBe('unknown');
    expect((await lifecycle(s, 'missed')).status).toBe(202);
    expect(SOON).toContain(await syncJobState(s.connectionId));
    expect((await metrics()).lifecycle.missed).toBeGreaterThanOrEqual(1);
  });
});
