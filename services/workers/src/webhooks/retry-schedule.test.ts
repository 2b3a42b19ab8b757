import { DEFAULT_RETRY_DELAYS_MS, defaultRetrySchedule, nextRetryDelayMs, retryAfterMs } from './retry-schedule';

describe('the webhook retry schedule', () => {
  it('spans about three days over 11 retries', () => {
    const total = DEFAULT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(DEFAULT_RETRY_DELAYS_MS).toHaveLength(11);
    expect(total / 3_600_000).toBeGreaterThan(70);
    expect(total / 3_600_000).toBeLessThan(74);
  });

  it('gives the scheduled delay with the middle of the jitter, and spreads it by at most 20% either way', () => {
    expect(nextRetryDelayMs(defaultRetrySchedule, 1, 0.5)).toBe(5_000);
    expect(nextRetryDelayMs(defaultRetrySchedule, 2, 0.5)).toBe(300_000);
    expect(nextRetryDelayMs(defaultRetrySchedule, 1, 0)).toBe(4_000);
    expect(nextRetryDelayMs(defaultRetrySchedule, 1, 1)).toBe(6_000);
  });

  it('stops when the schedule is spent', () => {
    expect(nextRetryDelayMs(defaultRetrySchedule, 11, 0.5)).toBe(14 * 3_600_000);
    expect(nextRetryDelayMs(defaultRetrySchedule, 12, 0.5)).toBeNull();
    expect(nextRetryDelayMs(defaultRetrySchedule, 0, 0.5)).toBeNull();
  });

  it('honours a longer Retry-After, within the cap, and ignores a shorter one', () => {
    expect(nextRetryDelayMs(defaultRetrySchedule, 1, 0.5, 60_000)).toBe(60_000);
    expect(nextRetryDelayMs(defaultRetrySchedule, 1, 0.5, 1_000)).toBe(5_000);
    expect(nextRetryDelayMs(defaultRetrySchedule, 1, 0.5, 48 * 3_600_000)).toBe(6 * 3_600_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });
});
