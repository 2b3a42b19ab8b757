import { createRedis, redisKeys, WEBHOOK_LATENCY_BUCKETS_MS, webhookMetricFields } from '@outlook-connect/queues';
import { newId } from '@outlook-connect/shared';
import { AUTH, startTestDashboard, type TestDashboard } from '../testing/dashboard-harness';
import { parseExposition } from './parse-exposition';

// Webhook deliveries on /metrics: the workers' counters in Redis (written here the way the workers write them) and
// each endpoint's backlog from the store.

describe('/metrics: webhooks', () => {
  let t: TestDashboard;
  beforeAll(async () => {
    t = await startTestDashboard('dashwebhooks');
  });
  afterAll(async () => t.close());

  const scrape = async () =>
    parseExposition((await t.app.inject({ method: 'GET', url: '/metrics', headers: AUTH })).body);

  /** What the webhooks worker's recordAttemptMetrics does for one attempt. */
  async function attempt(redis: ReturnType<typeof createRedis>, outcome: string, ms: number) {
    const key = redisKeys.webhookMetrics(t.client.prefix);
    await redis.hincrby(key, webhookMetricFields.outcome(outcome), 1);
    await redis.hincrby(key, webhookMetricFields.count, 1);
    await redis.hincrby(key, webhookMetricFields.sumMs, ms);
    for (const le of WEBHOOK_LATENCY_BUCKETS_MS)
      if (ms <= le) await redis.hincrby(key, webhookMetricFields.bucket(le), 1);
  }

  it("counts attempts by outcome, their latency, each endpoint's backlog and disabled endpoints", async () => {
    const before = await scrape();
    expect(before.get('outlook_connect_webhook_attempts_total{outcome="delivered"}')).toBe(0);
    expect(before.get('outlook_connect_webhook_attempt_duration_seconds_count')).toBe(0);

    const redis = createRedis(t.iso.redisUrl, 'producer');
    try {
      await attempt(redis, 'delivered', 40);
      await attempt(redis, 'delivered', 300);
      await attempt(redis, 'retry', 10_000);
    } finally {
      redis.disconnect();
    }
    const ep = newId('whep');
    await t.models.WebhookEndpoint.create({
      _id: ep,
      workspaceId: 'ws_ops',
      url: 'https://crm.example.com/h',
      secretEnc: 'v1.x.y.z.w',
    });
    await t.models.WebhookEndpoint.create({
      workspaceId: 'ws_ops',
      url: 'https://crm.example.com/old',
      secretEnc: 'v1.x.y.z.w',
      enabled: false,
    });
    const pending = (i: number) => ({
      _id: `whd_${String(i).padStart(24, '0')}`,
      workspaceId: 'ws_ops',
      endpointId: ep,
      eventId: `e${i}`,
      eventType: 'send.sent',
      event: {},
      status: (i < 2 ? 'pending' : 'delivered') as 'pending' | 'delivered',
    });
    await t.models.WebhookDelivery.create([pending(0), pending(1), pending(2)]);

    const after = await scrape();
    expect(after.get('outlook_connect_webhook_attempts_total{outcome="delivered"}')).toBe(2);
    expect(after.get('outlook_connect_webhook_attempts_total{outcome="retry"}')).toBe(1);
    expect(after.get('outlook_connect_webhook_attempt_duration_seconds_bucket{le="0.05"}')).toBe(1);
    expect(after.get('outlook_connect_webhook_attempt_duration_seconds_bucket{le="0.5"}')).toBe(2);
    expect(after.get('outlook_connect_webhook_attempt_duration_seconds_bucket{le="+Inf"}')).toBe(3);
    expect(after.get('outlook_connect_webhook_attempt_duration_seconds_sum')).toBeCloseTo(10.34);
    expect(after.get(`outlook_connect_webhook_backlog{endpoint="${ep}"}`)).toBe(2);
    expect(after.get('outlook_connect_webhook_endpoints{state="disabled"}')).toBe(1);
  });
});
