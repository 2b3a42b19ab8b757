// Growth of a process's resident set after warm-up, from samples taken as the sends went out.

export interface RssSample {
  /** Sends done when the sample was taken. */
  sent: number;
  bytes: number;
}

export interface RssGrowth {
  /** RSS when warm-up ended (the first sample at or past `warmUpSends`) and at the last sample, MB. */
  afterWarmUpMb: number | null;
  endMb: number | null;
  /** The post-warm-up samples' peak minus their first, MB, and per 10,000 sends by a least-squares slope. */
  growthMb: number | null;
  slopeMbPer10kSends: number | null;
}

const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;

export function rssGrowth(samples: readonly RssSample[], warmUpSends: number): RssGrowth {
  const after = samples.filter((s) => s.sent >= warmUpSends);
  if (after.length === 0) return { afterWarmUpMb: null, endMb: null, growthMb: null, slopeMbPer10kSends: null };
  const first = after[0]!;
  const last = after[after.length - 1]!;
  const peak = Math.max(...after.map((s) => s.bytes));
  const n = after.length;
  const mx = after.reduce((a, s) => a + s.sent, 0) / n;
  const my = after.reduce((a, s) => a + s.bytes, 0) / n;
  const sxx = after.reduce((a, s) => a + (s.sent - mx) ** 2, 0);
  const sxy = after.reduce((a, s) => a + (s.sent - mx) * (s.bytes - my), 0);
  return {
    afterWarmUpMb: mb(first.bytes),
    endMb: mb(last.bytes),
    growthMb: mb(peak - first.bytes),
    slopeMbPer10kSends: sxx > 0 ? Math.round(((sxy / sxx) * 10_000 * 10) / 1048576) / 10 : null,
  };
}
