import type { Queue } from 'bullmq';
import type { RedisConnection } from '@outlook-connect/queues';
import { Registry } from 'prom-client';
import type { QueueName } from '@outlook-connect/queues';
import type { Models } from '@outlook-connect/shared';
import { registerQueueMetrics } from './queue-metrics';
import { registerStoreMetrics } from './store-metrics';
import { registerPushMetrics } from './push-metrics';
import { registerWebhookMetrics } from './webhook-metrics';

export interface MetricsOptions {
  queue: (name: QueueName) => Queue;
  redis: RedisConnection;
  /** The queue prefix (the workers' webhook counters live under it). */
  prefix: string;
  models: Models;
  now: () => number;
  durationSample: number;
  windowSec: number;
}

/** The dashboard's own registry (not prom-client's global one): everything is collected when /metrics is scraped. */
export function createMetricsRegistry(opts: MetricsOptions): Registry {
  const registry = new Registry();
  registerQueueMetrics({ registry, queue: opts.queue, redis: opts.redis, durationSample: opts.durationSample });
  registerStoreMetrics({ registry, models: opts.models, now: opts.now, windowSec: opts.windowSec });
  registerWebhookMetrics({ registry, redis: opts.redis, prefix: opts.prefix, models: opts.models });
  registerPushMetrics({ registry, redis: opts.redis, prefix: opts.prefix, models: opts.models, now: opts.now });
  return registry;
}
