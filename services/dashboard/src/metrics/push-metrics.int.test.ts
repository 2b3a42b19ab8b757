import { createRedis, PUSH_COUNTERS, redisKeys } from '@outlook-connect/queues';
import { AUTH, startTestDashboard, type TestDashboard } from '../testing/dashboard-harness';
import { parseExposition } from './parse-exposition';

// Push on /metrics: the counters the gateway (notifications, syncs) and the workers (subscription operations) keep in
// Redis, written here the way they write them.

describe('/metrics: push', () => {
  let t: TestDashboard;
  beforeAll(async () => {
    t = await startTestDashboard('dashpush');
  });
  afterAll(async () => t.close());

  const scrape = async () =>
    parseExposition((await t.app.inject({ method: 'GET', url: '/metrics', headers: AUTH })).body);

  it('exposes notifications received and rejected, lifecycle events, syncs triggered and renewals', async () => {
    const before = await scrape();
    expect(before.get('outlook_connect_push_notifications_total{outcome="received"}')).toBe(0);
    expect(before.get('outlook_connect_push_subscriptions{state="healthy"}')).toBe(0);

    const redis = createRedis(t.iso.redisUrl, 'producer');
    const key = redisKeys.pushMetrics(t.client.prefix);
    try {
      await redis.hincrby(key, PUSH_COUNTERS.received, 100);
      await redis.hincrby(key, PUSH_COUNTERS.rejectedClientState, 3);
      await redis.hincrby(key, PUSH_COUNTERS.rejectedUnknown, 2);
      await redis.hincrby(key, PUSH_COUNTERS.lifecycle('missed'), 1);
      await redis.hincrby(key, PUSH_COUNTERS.syncsTriggered, 2);
      await redis.hincrby(key, PUSH_COUNTERS.syncsCollapsed, 98);
      await redis.hincrby(key, PUSH_COUNTERS.renewed, 4);
      await redis.hincrby(key, PUSH_COUNTERS.renewalFailed, 1);
    } finally {
      redis.disconnect();
    }

    const after = await scrape();
    expect(after.get('outlook_connect_push_notifications_total{outcome="received"}')).toBe(100);
    expect(after.get('outlook_connect_push_notifications_total{outcome="rejected_client_state"}')).toBe(3);
    expect(after.get('outlook_connect_push_notifications_total{outcome="rejected_unknown_subscription"}')).toBe(2);
    expect(after.get('outlook_connect_push_lifecycle_total{event="missed"}')).toBe(1);
    expect(after.get('outlook_connect_push_lifecycle_total{event="subscriptionRemoved"}')).toBe(0);
    expect(after.get('outlook_connect_push_syncs_total{outcome="triggered"}')).toBe(2);
    expect(after.get('outlook_connect_push_syncs_total{outcome="collapsed"}')).toBe(98);
    expect(after.get('outlook_connect_push_subscription_operations_total{operation="renewed"}')).toBe(4);
    expect(after.get('outlook_connect_push_subscription_operations_total{operation="renewal_failed"}')).toBe(1);
  });
});
