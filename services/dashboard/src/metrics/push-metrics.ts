import type { RedisConnection } from '@outlook-connect/queues';
import { Gauge, type Registry } from 'prom-client';
import { readPushMetrics, redisKeys, type PushMetricsSnapshot } from '@outlook-connect/queues';
import type { Models } from '@outlook-connect/shared';

export interface PushMetricsOptions {
  registry: Registry;
  redis: RedisConnection;
  prefix: string;
  models: Models;
  now: () => number;
}

type Sample = { labels: Record<string, string | number>; value: number };

/** The Prometheus samples of the push counters (gateway: notifications, syncs; workers: subscription operations). */
export function pushSamples(
  s: PushMetricsSnapshot,
): Record<'notifications' | 'lifecycle' | 'syncs' | 'subscriptions', Sample[]> {
  return {
    notifications: [
      { labels: { outcome: 'received' }, value: s.received },
      { labels: { outcome: 'rejected_client_state' }, value: s.rejected.client_state },
      { labels: { outcome: 'rejected_unknown_subscription' }, value: s.rejected.unknown_subscription },
    ],
    lifecycle: Object.entries(s.lifecycle).map(([event, value]) => ({ labels: { event }, value })),
    syncs: [
      { labels: { outcome: 'triggered' }, value: s.syncsTriggered },
      { labels: { outcome: 'collapsed' }, value: s.syncsCollapsed },
    ],
    subscriptions: Object.entries(s.subscriptions).map(([operation, value]) => ({ labels: { operation }, value })),
  };
}

/** Push, read at scrape time: counters every gateway and worker process adds to in Redis, and subscriptions by health. */
export function registerPushMetrics(opts: PushMetricsOptions): void {
  const { registry, redis, models } = opts;
  const snapshot = async () => readPushMetrics(await redis.hgetall(redisKeys.pushMetrics(opts.prefix)));
  const counter = (name: string, help: string, pick: (s: ReturnType<typeof pushSamples>) => Sample[]) =>
    registry.registerMetric({
      name,
      help,
      type: 'counter',
      aggregator: 'sum',
      get: async () => ({
        name,
        help,
        type: 'counter',
        aggregator: 'sum',
        values: pick(pushSamples(await snapshot())),
      }),
    } as never);
  counter(
    'outlook_connect_push_notifications_total',
    'Graph change notifications: received (clientState matched), rejected_client_state, rejected_unknown_subscription',
    (s) => s.notifications,
  );
  counter(
    'outlook_connect_push_lifecycle_total',
    'Graph lifecycle notifications accepted, by event',
    (s) => s.lifecycle,
  );
  counter(
    'outlook_connect_push_syncs_total',
    'Delta syncs brought forward by notifications (triggered) and notifications folded into one already due (collapsed)',
    (s) => s.syncs,
  );
  counter(
    'outlook_connect_push_subscription_operations_total',
    'Inbox subscription operations at Graph: created, renewed, renewal_failed, creation_failed, removed',
    (s) => s.subscriptions,
  );
  new Gauge({
    name: 'outlook_connect_push_subscriptions',
    help: 'Inbox subscriptions by state: healthy (live, last renewal worked) or unhealthy (their mailboxes poll)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const now = new Date(opts.now());
      const [all, healthy] = await Promise.all([
        models.InboxSubscription.countDocuments({}),
        models.InboxSubscription.countDocuments({
          subscriptionId: { $ne: null },
          expiresAt: { $gt: now },
          failures: 0,
          pending: null,
        }),
      ]);
      this.set({ state: 'healthy' }, healthy);
      this.set({ state: 'unhealthy' }, all - healthy);
    },
  });
}
