import { Worker } from 'bullmq';
import { createRedis } from '@outlook-connect/queues';
import { newId, type ActivityType, type SendStatus } from '@outlook-connect/shared';
import { waitFor } from '@outlook-connect/stack';
import {
  AUTH,
  failOneJob,
  seedApp,
  seedConnection,
  startTestDashboard,
  type TestDashboard,
} from '../testing/dashboard-harness';
import { parseExposition } from './parse-exposition';

// Scrapes /metrics before and after sends, refreshes, throttling and jobs, on the real Redis and store.

const DAY = 24 * 3600 * 1000;

describe('/metrics', () => {
  const now = Date.now();
  let t: TestDashboard;
  beforeAll(async () => {
    t = await startTestDashboard('dashmetrics', { now: () => now });
  });
  afterAll(async () => t.close());

  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.body, m: parseExposition(res.body) };
  };
  const sendDoc = (connectionId: string, status: SendStatus) => ({
    workspaceId: 'ws_ops',
    connectionId,
    idempotencyKey: newId('idem'),
    source: 'sequence' as const,
    status,
    message: { to: [{ address: 'a@b.c' }], subject: 's', body: { contentType: 'text' as const, content: 'hi' } },
    marker: newId('mk'),
  });
  const activity = (
    connectionId: string,
    type: ActivityType,
    detail: Record<string, unknown> = {},
    agoMs = 60_000,
  ) => ({
    workspaceId: 'ws_ops',
    connectionId,
    type,
    detail,
    at: new Date(now - agoMs),
  });

  it('moves with sends, refreshes, throttling, connections, app secrets and jobs', async () => {
    const before = await scrape();
    for (const status of ['queued', 'sent', 'failed'] as const)
      expect(before.m.get(`outlook_connect_sends{status="${status}"}`)).toBe(0);
    expect(before.m.get('outlook_connect_token_refresh_outcomes{class="none",outcome="refreshed"}')).toBe(0);
    expect(before.m.get('outlook_connect_queue_jobs{queue="token-refresh",state="waiting"}')).toBe(0);
    expect(before.m.get('outlook_connect_inbox_syncing_connections')).toBe(0);

    // Store side: connections, an app, sends and timeline activity (one refresh outside the window).
    const a = await seedConnection(t.models, { sync: { lastSuccessAt: new Date(now - 60_000) } as never });
    await seedConnection(t.models, { sync: { lastSuccessAt: new Date(now - 600_000) } as never });
    await seedConnection(t.models, { scopePreset: 'send_only' });
    await seedConnection(t.models, { status: 'needs_reconnect' });
    const app = await seedApp(t.models, { secretExpiresAt: new Date(now + 10 * DAY) });
    await t.models.Send.create([
      sendDoc(a._id, 'queued'),
      sendDoc(a._id, 'queued'),
      sendDoc(a._id, 'sent'),
      sendDoc(a._id, 'failed'),
    ]);
    await t.models.ConnectionActivity.create([
      activity(a._id, 'refreshed'),
      activity(a._id, 'refreshed'),
      activity(a._id, 'refreshed', {}, 2 * 3600_000),
      activity(a._id, 'refresh_failed', { kind: 'reconnect_required', code: 'grant_revoked' }),
      activity(a._id, 'refresh_failed', { kind: 'transient', code: 'network' }),
      activity(a._id, 'refresh_failed', { code: 'no_kind_recorded' }),
      activity(a._id, 'throttled', { retryAfterMs: 30_000 }),
    ]);

    // Queue side: two token-refresh jobs waiting, one delayed send, one failed calendar job. (The durations come from a
    // queue's completed set; inbox-sync jobs are removed when they complete, so theirs come from the events stream.)
    await t.client.enqueue('token-refresh', { connectionId: a._id, reason: 'scheduled' });
    await t.client.enqueue('token-refresh', { connectionId: a._id, reason: 'on_demand' });
    await t.client.enqueue('send', { sendId: newId('send') }, { delay: 3_600_000 });
    await failOneJob(t, 'calendar', { operationId: newId('cal') }, 'calendar failed');

    const mid = await scrape();
    expect(mid.m.get('outlook_connect_sends{status="queued"}')).toBe(2);
    expect(mid.m.get('outlook_connect_sends{status="sent"}')).toBe(1);
    expect(mid.m.get('outlook_connect_sends{status="failed"}')).toBe(1);
    expect(mid.m.get('outlook_connect_token_refresh_outcomes{class="none",outcome="refreshed"}')).toBe(2);
    expect(mid.m.get('outlook_connect_token_refresh_outcomes{class="reconnect_required",outcome="failed"}')).toBe(1);
    expect(mid.m.get('outlook_connect_token_refresh_outcomes{class="transient",outcome="failed"}')).toBe(1);
    expect(mid.m.get('outlook_connect_token_refresh_outcomes{class="other",outcome="failed"}')).toBe(1);
    expect(mid.m.get('outlook_connect_throttling_pauses')).toBe(1);
    expect(mid.m.get('outlook_connect_connections{status="active"}')).toBe(3);
    expect(mid.m.get('outlook_connect_connections{status="needs_reconnect"}')).toBe(1);
    expect(mid.m.get('outlook_connect_inbox_syncing_connections')).toBe(2);
    expect(mid.m.get('outlook_connect_inbox_sync_lag_seconds{stat="max"}')).toBe(600);
    expect(mid.m.get('outlook_connect_inbox_sync_lag_seconds{stat="p50"}')).toBe(60);
    expect(mid.m.get(`outlook_connect_oauth_app_secret_days_to_expiry{app_id="${app._id}"}`)).toBeCloseTo(10, 5);
    expect(mid.m.get(`outlook_connect_oauth_app_secret_status{app_id="${app._id}",status="ok"}`)).toBe(1);
    expect(mid.m.get('outlook_connect_queue_jobs{queue="token-refresh",state="waiting"}')).toBe(2);
    expect(mid.m.get('outlook_connect_queue_jobs{queue="send",state="delayed"}')).toBe(1);
    expect(mid.m.get('outlook_connect_queue_jobs{queue="calendar",state="failed"}')).toBe(1);
    expect(mid.m.get('outlook_connect_job_duration_seconds_count{queue="token-refresh"}')).toBe(0);
    // No label names a connection, a mailbox or a send.
    expect(mid.text).not.toContain(a._id);
    expect(mid.text).not.toContain('@contoso.com');

    // A worker completes the two token-refresh jobs: waiting -> completed, and their run times reach the histogram.
    const connection = createRedis(t.iso.redisUrl, 'worker');
    const worker = new Worker('token-refresh', async () => new Promise((r) => setTimeout(r, 20)), {
      connection,
      prefix: t.client.prefix,
    });
    await waitFor(
      async () => (await t.client.queue('token-refresh').getCompletedCount()) === 2,
      15_000,
      'two token-refresh jobs completing',
    );
    await worker.close();
    connection.disconnect();

    const after = await scrape();
    expect(after.m.get('outlook_connect_queue_jobs{queue="token-refresh",state="waiting"}')).toBe(0);
    expect(after.m.get('outlook_connect_queue_jobs{queue="token-refresh",state="completed"}')).toBe(2);
    expect(after.m.get('outlook_connect_job_duration_seconds_count{queue="token-refresh"}')).toBe(2);
    expect(after.m.get('outlook_connect_job_duration_seconds_sum{queue="token-refresh"}')).toBeGreaterThan(0);
    expect(
      after.m.get('outlook_connect_job_duration_seconds_bucket{le="0.05",queue="token-refresh"}'),
    ).toBeLessThanOrEqual(2);
    expect(after.m.get('outlook_connect_job_duration_seconds_bucket{le="+Inf",queue="token-refresh"}')).toBe(2);

    // An inbox sync is removed once it completes (no completed set to read): its run is timed from the events stream.
    expect(after.m.get('outlook_connect_job_duration_seconds_count{queue="inbox-sync"}')).toBe(0);
    await t.client.enqueue('inbox-sync', { connectionId: a._id });
    const syncConnection = createRedis(t.iso.redisUrl, 'worker');
    const syncWorker = new Worker('inbox-sync', async () => new Promise((r) => setTimeout(r, 300)), {
      connection: syncConnection,
      prefix: t.client.prefix,
      removeOnComplete: { count: 0 },
    });
    await waitFor(
      async () =>
        (await t.client.queue('inbox-sync').count()) === 0 &&
        (await t.client.queue('inbox-sync').getActiveCount()) === 0,
      15_000,
      'the inbox-sync job completing',
    );
    await syncWorker.close();
    syncConnection.disconnect();
    const synced = await scrape();
    expect(await t.client.queue('inbox-sync').getCompletedCount()).toBe(0);
    expect(synced.m.get('outlook_connect_job_duration_seconds_count{queue="inbox-sync"}')).toBe(1);
    expect(synced.m.get('outlook_connect_job_duration_seconds_sum{queue="inbox-sync"}')).toBeGreaterThanOrEqual(0.3);
    expect(synced.m.get('outlook_connect_job_duration_seconds_bucket{le="0.25",queue="inbox-sync"}')).toBe(0);
    expect(synced.m.get('outlook_connect_job_duration_seconds_bucket{le="+Inf",queue="inbox-sync"}')).toBe(1);

    // More sends and a refresh later: the numbers move again; completed jobs are not counted twice.
    await t.models.Send.create([sendDoc(a._id, 'sent'), sendDoc(a._id, 'sent')]);
    await t.models.Send.updateOne({ connectionId: a._id, status: 'queued' }, { $set: { status: 'sent' } });
    await t.models.ConnectionActivity.create([activity(a._id, 'refreshed', {}, 1000)]);
    await t.models.Connection.updateOne({ _id: a._id }, { $set: { status: 'needs_reconnect' } });
    const last = await scrape();
    expect(last.m.get('outlook_connect_sends{status="sent"}')).toBe(4);
    expect(last.m.get('outlook_connect_sends{status="queued"}')).toBe(1);
    expect(last.m.get('outlook_connect_token_refresh_outcomes{class="none",outcome="refreshed"}')).toBe(3);
    expect(last.m.get('outlook_connect_connections{status="needs_reconnect"}')).toBe(2);
    expect(last.m.get('outlook_connect_inbox_syncing_connections')).toBe(1);
    expect(last.m.get('outlook_connect_job_duration_seconds_count{queue="token-refresh"}')).toBe(2);
    expect(last.m.get('outlook_connect_job_duration_seconds_count{queue="inbox-sync"}')).toBe(1);
  });
});
