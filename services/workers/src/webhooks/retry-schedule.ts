// When a failed delivery is tried again: about three days in all, spaced out so a consumer that is down for a
// deploy gets it within minutes and one down for a weekend still gets it (EmailEngine and Svix do much the same).

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** The delay before retry n (index 0 = after the first attempt). 11 retries, ~71.6 h in all. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  5 * S,
  5 * M,
  30 * M,
  2 * H,
  5 * H,
  10 * H,
  10 * H,
  10 * H,
  10 * H,
  10 * H,
  14 * H,
];

export interface RetrySchedule {
  delaysMs: readonly number[];
  /** Each delay varies by up to this fraction either way, so many failed deliveries do not come back at once. */
  jitter: number;
  /** The longest Retry-After honoured; a longer one is cut to it. */
  maxRetryAfterMs: number;
}

export const defaultRetrySchedule: RetrySchedule = {
  delaysMs: DEFAULT_RETRY_DELAYS_MS,
  jitter: 0.2,
  maxRetryAfterMs: 6 * H,
};

/**
 * After `attemptsMade` attempts in this run have failed: the delay before the next one, or null when the schedule
 * is spent. Retry-After (when the endpoint sent one) wins over a shorter scheduled delay, within the cap.
 */
export function nextRetryDelayMs(
  schedule: RetrySchedule,
  attemptsMade: number,
  random: number,
  retryAfterMs?: number | null,
): number | null {
  const base = schedule.delaysMs[attemptsMade - 1];
  if (base === undefined || attemptsMade < 1) return null;
  const jittered = Math.round(base * (1 + schedule.jitter * (2 * random - 1)));
  if (retryAfterMs == null || retryAfterMs <= jittered) return jittered;
  return Math.min(retryAfterMs, schedule.maxRetryAfterMs);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
