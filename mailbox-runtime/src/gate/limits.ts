import type { ConnectionDoc } from '@outlook-connect/shared';

// Pure decisions of the mailbox gate: which limits apply, when a busy mailbox is worth trying again.

/** Exchange Online's limits (microsoft-platform.md section 4); a connection may lower or raise them. */
export const DEFAULT_MAILBOX_LIMITS = { maxConcurrent: 4, sendsPerMinute: 30, dailyRecipientCap: 10_000 } as const;

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 3600_000;

export interface SendLimits {
  sendsPerMinute: number;
  dailyRecipientCap: number;
}

/** A connection's own limits where set (positive integers), the defaults otherwise. */
export function sendLimitsFor(
  connection: Pick<ConnectionDoc, 'limits'>,
  defaults: SendLimits = DEFAULT_MAILBOX_LIMITS,
): SendLimits {
  const pick = (value: number | null | undefined, fallback: number) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
  return {
    sendsPerMinute: pick(connection.limits?.sendsPerMinute, defaults.sendsPerMinute),
    dailyRecipientCap: pick(connection.limits?.dailyRecipientCap, defaults.dailyRecipientCap),
  };
}

/** The daily recipient budget is counted per UTC calendar day. */
export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

export function nextUtcMidnight(nowMs: number): number {
  return (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS;
}

/** When a full per-minute window frees its oldest entry. */
export function sendRateRetryAt(oldestSendMs: number, nowMs: number): number {
  return Math.max(nowMs + 1, oldestSendMs + MINUTE_MS + 1);
}

/**
 * All slots taken: requests finish in well under a second, so try again soon, with jitter so postponed jobs of one
 * mailbox do not all come back in the same millisecond. `random` is in [0, 1).
 */
export function concurrencyRetryAt(nowMs: number, baseMs: number, random: number): number {
  return nowMs + baseMs + Math.floor(random * baseMs);
}

/** Pause to apply after a throttling answer, or null when the answer does not pause the mailbox. */
export function pauseAfterResponse(
  status: number,
  retryAfterMs: number | undefined,
  nowMs: number,
  defaultPauseMs: number,
): number | null {
  if (status === 429) return nowMs + (retryAfterMs ?? defaultPauseMs);
  // A 503 or 504 pauses only when Graph says how long ("Microsoft Graph error responses": 503 may carry Retry-After,
  // 504 may come with 503); a bare one is an ordinary transient failure (job backoff).
  if ((status === 503 || status === 504) && retryAfterMs !== undefined) return nowMs + retryAfterMs;
  return null;
}

/** A message with more recipients than the daily cap can never go out: a permanent error, not a wait. */
export function exceedsDailyCap(recipients: number, limits: SendLimits): boolean {
  return recipients > limits.dailyRecipientCap;
}
