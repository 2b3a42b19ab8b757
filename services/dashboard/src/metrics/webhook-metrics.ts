import type { RedisConnection } from '@outlook-connect/queues';
import { Gauge, type Registry } from 'prom-client';
import { readWebhookMetrics, redisKeys, type WebhookMetricsSnapshot } from '@outlook-connect/queues';
import type { Models } from '@outlook-connect/shared';

export interface WebhookMetricsOptions {
  registry: Registry;
  redis: RedisConnection;
  prefix: string;
  models: Models;
}

type Sample = { metricName?: string; labels: Record<string, string | number>; value: number };

/** The Prometheus samples of the workers' counters: attempts by outcome, and the latency histogram. */
export function webhookSamples(s: WebhookMetricsSnapshot): { attempts: Sample[]; latency: Sample[] } {
  const name = 'outlook_connect_webhook_attempt_duration_seconds';
  return {
    attempts: Object.entries(s.outcomes).map(([outcome, value]) => ({ labels: { outcome }, value })),
    latency: [
      ...s.buckets.map((b) => ({ metricName: `${name}_bucket`, labels: { le: b.leMs / 1000 }, value: b.count })),
      { metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: s.count },
      { metricName: `${name}_sum`, labels: {}, value: s.sumMs / 1000 },
      { metricName: `${name}_count`, labels: {}, value: s.count },
    ],
  };
}

/**
 * Webhook deliveries, read at scrape time: attempts by outcome and their latency (counters the workers keep in Redis,
 * so every worker process counts), and each endpoint's backlog and state from the store.
 */
export function registerWebhookMetrics(opts: WebhookMetricsOptions): void {
  const { registry, redis, models } = opts;
  const snapshot = async () => readWebhookMetrics(await redis.hgetall(redisKeys.webhookMetrics(opts.prefix)));
  // Counter and histogram whose values already live in Redis: exposed as they are (prom-client's own types count in-process).
  const external = (
    name: string,
    help: string,
    type: 'counter' | 'histogram',
    pick: (s: WebhookMetricsSnapshot) => Sample[],
  ) =>
    registry.registerMetric({
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: pick(await snapshot()) }),
    } as never);
  external(
    'outlook_connect_webhook_attempts_total',
    'Webhook delivery attempts by outcome (delivered, retry, rejected, refused), all worker processes',
    'counter',
    (s) => webhookSamples(s).attempts,
  );
  external(
    'outlook_connect_webhook_attempt_duration_seconds',
    'Latency of webhook delivery attempts (request to response or timeout)',
    'histogram',
    (s) => webhookSamples(s).latency,
  );

  new Gauge({
    name: 'outlook_connect_webhook_backlog',
    help: 'Deliveries waiting (pending) per webhook endpoint',
    labelNames: ['endpoint'],
    registers: [registry],
    async collect() {
      this.reset();
      const endpoints = await models.WebhookEndpoint.find({}, { _id: 1 }).lean();
      const counts = await Promise.all(
        endpoints.map((e) => models.WebhookDelivery.countDocuments({ endpointId: e._id, status: 'pending' })),
      );
      endpoints.forEach((e, i) => this.set({ endpoint: e._id }, counts[i]!));
    },
  });

  new Gauge({
    name: 'outlook_connect_webhook_endpoints',
    help: 'Webhook endpoints by state (disabled: failed for too long, webhook_endpoint.disabled)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const [enabled, disabled] = await Promise.all([
        models.WebhookEndpoint.countDocuments({ enabled: true }),
        models.WebhookEndpoint.countDocuments({ enabled: false }),
      ]);
      this.set({ state: 'enabled' }, enabled);
      this.set({ state: 'disabled' }, disabled);
    },
  });
}
