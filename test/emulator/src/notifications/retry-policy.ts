/**
 * When a notification that was not acknowledged (no 2xx within 3 s) is tried again. "Receive change notifications
 * through webhooks": Graph "tries to resend the change notification multiple times, for up to 4 hours" and then
 * discards it; failed deliveries of a throttled endpoint "are retried again in 10 minutes". The cadence for an
 * endpoint that is not throttled is not documented: the emulator uses the 10 minutes throughout (assumed, so a
 * receiver cannot count on a quick retry).
 */
export const RETRY_INTERVAL_MS = 10 * 60_000;
export const RETRY_WINDOW_MS = 4 * 3600_000;
/** "Notifications are published using an HTTP client with a 3-second timeout." */
export const DELIVERY_TIMEOUT_MS = 3_000;
/** "The client must respond ... within 10 seconds" (notificationUrl validation). */
export const VALIDATION_TIMEOUT_MS = 10_000;

export type RetryDecision = { retry: true; at: number } | { retry: false };

export function nextAttempt(firstAttemptAt: number, failedAt: number): RetryDecision {
  const at = failedAt + RETRY_INTERVAL_MS;
  return at <= firstAttemptAt + RETRY_WINDOW_MS ? { retry: true, at } : { retry: false };
}

/** Acknowledged = any 2xx ("send a 2xx class code back to Microsoft Graph"). */
export const acknowledged = (status: number): boolean => status >= 200 && status < 300;
