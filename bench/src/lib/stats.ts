// Pure figures: percentiles, rates and ratios. A figure that could not be measured is null, never 0.

/** The p-th percentile (0-100) by nearest rank; null for an empty list. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (p < 0 || p > 100) throw new Error(`percentile must be between 0 and 100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    p50Ms: percentile(values, 50),
    p99Ms: percentile(values, 99),
    maxMs: values.length ? Math.max(...values) : null,
  };
}

/** Events per second over a span; null when the span is empty. */
export function ratePerSec(count: number, spanMs: number): number | null {
  if (!(spanMs > 0) || count <= 0) return null;
  return (count * 1000) / spanMs;
}

/**
 * Throughput from the times events happened (first to last): the count after the first event over the span, so
 * start-up (spawning a worker, connecting) is not part of it.
 */
export function rateFromTimestamps(times: readonly number[]): number | null {
  const span = spanOf(times);
  return span && times.length >= 2 ? ratePerSec(times.length - 1, span.last - span.first) : null;
}

/** The earliest and the latest of some times (no spread into Math.min: runs have 100,000 of them); null when none. */
export function spanOf(times: readonly number[]): { first: number; last: number } | null {
  if (times.length === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const t of times) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return { first, last };
}

/** ours / baseline, null when either is missing or the baseline is 0. */
export function ratio(ours: number | null | undefined, baseline: number | null | undefined): number | null {
  if (ours == null || baseline == null || baseline === 0) return null;
  return ours / baseline;
}
