import type { WebhookAttemptOutcome } from '@outlook-connect/shared';

/** What one HTTP attempt came to: a response (status, Retry-After) or a network error / timeout / refused address. */
export type AttemptResult =
  | { kind: 'response'; statusCode: number; retryAfterMs: number | null }
  | { kind: 'network'; error: string }
  | { kind: 'timeout'; error: string }
  | { kind: 'refused'; error: string };

/**
 * 2xx is delivered; network errors, timeouts, 429 and 5xx are retried; other answers (4xx, and 3xx: redirects are not
 * followed) are rejected without retry, as is an address the SSRF check refuses.
 */
export function attemptOutcome(result: AttemptResult): WebhookAttemptOutcome {
  if (result.kind === 'refused') return 'refused';
  if (result.kind !== 'response') return 'retry';
  const s = result.statusCode;
  if (s >= 200 && s < 300) return 'delivered';
  if (s === 429 || s >= 500) return 'retry';
  return 'rejected';
}
