// The webhook delivery counters the workers write into one Redis hash (redisKeys.webhookMetrics) and the dashboard
// reads at scrape time: one place names the fields, so both sides agree.

export const WEBHOOK_OUTCOMES = ['delivered', 'retry', 'rejected', 'refused'] as const;
export const WEBHOOK_LATENCY_BUCKETS_MS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export const webhookMetricFields = {
  outcome: (o: string) => `outcome:${o}`,
  /** Cumulative: an attempt counts in every bucket at or above its latency. */
  bucket: (le: number) => `latency:le:${le}`,
  count: 'latency:count',
  sumMs: 'latency:sum_ms',
};

export interface WebhookMetricsSnapshot {
  outcomes: Record<(typeof WEBHOOK_OUTCOMES)[number], number>;
  buckets: Array<{ leMs: number; count: number }>;
  count: number;
  sumMs: number;
}

/** The hash as numbers (absent fields are 0). */
export function readWebhookMetrics(hash: Record<string, string>): WebhookMetricsSnapshot {
  const n = (field: string) => Number(hash[field] ?? 0);
  return {
    outcomes: Object.fromEntries(
      WEBHOOK_OUTCOMES.map((o) => [o, n(webhookMetricFields.outcome(o))]),
    ) as WebhookMetricsSnapshot['outcomes'],
    buckets: WEBHOOK_LATENCY_BUCKETS_MS.map((le) => ({ leMs: le, count: n(webhookMetricFields.bucket(le)) })),
    count: n(webhookMetricFields.count),
    sumMs: n(webhookMetricFields.sumMs),
  };
}
