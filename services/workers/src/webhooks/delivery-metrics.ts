import { redisKeys } from '@outlook-connect/queues';
import type { WebhookAttemptOutcome } from '@outlook-connect/shared';
import type { Redis } from 'ioredis';

// Counters in one Redis hash, so every worker process adds to the same numbers and the dashboard's /metrics reads
// them as a Prometheus counter and histogram.

export const LATENCY_BUCKETS_MS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export async function recordAttemptMetrics(redis: Redis, prefix: string, outcome: WebhookAttemptOutcome, durationMs: number): Promise<void> {
  const key = redisKeys.webhookMetrics(prefix);
  const m = redis.multi().hincrby(key, `outcome:${outcome}`, 1).hincrby(key, 'latency:count', 1).hincrby(key, 'latency:sum_ms', Math.round(durationMs));
  for (const le of LATENCY_BUCKETS_MS) if (durationMs <= le) m.hincrby(key, `latency:le:${le}`, 1);
  await m.exec();
}
