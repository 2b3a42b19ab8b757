import { redisKeys, WEBHOOK_LATENCY_BUCKETS_MS, webhookMetricFields } from '@outlook-connect/queues';
import type { WebhookAttemptOutcome } from '@outlook-connect/shared';
import type { RedisConnection } from '@outlook-connect/queues';

// Counters in one Redis hash, so every worker process adds to the same numbers and the dashboard's /metrics reads
// them as a Prometheus counter and histogram.

export async function recordAttemptMetrics(
  redis: RedisConnection,
  prefix: string,
  outcome: WebhookAttemptOutcome,
  durationMs: number,
): Promise<void> {
  const key = redisKeys.webhookMetrics(prefix);
  const f = webhookMetricFields;
  const m = redis
    .multi()
    .hincrby(key, f.outcome(outcome), 1)
    .hincrby(key, f.count, 1)
    .hincrby(key, f.sumMs, Math.round(durationMs));
  for (const le of WEBHOOK_LATENCY_BUCKETS_MS) if (durationMs <= le) m.hincrby(key, f.bucket(le), 1);
  await m.exec();
}
