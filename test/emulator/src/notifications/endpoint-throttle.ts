/**
 * Slow-endpoint throttling ("Receive change notifications through webhooks", "How Microsoft Graph handles throttling
 * for change notifications using webhooks"): a response over 2,900 ms (of the 3-second timeout) is slow; after an
 * endpoint has received 100 notifications, 10% slow flags it (notifications are delayed 10 minutes), 15% or more
 * drops them; the counts are flushed every 10 minutes.
 */
export const THROTTLE_MIN_NOTIFICATIONS = 100;
export const THROTTLE_SLOW_SHARE = 0.1;
export const THROTTLE_DROP_SHARE = 0.15;
export const THROTTLE_WINDOW_MS = 10 * 60_000;
export const THROTTLE_DELAY_MS = 10 * 60_000;
const SLOW_FRACTION_OF_TIMEOUT = 2900 / 3000;

export type EndpointState = 'normal' | 'throttled' | 'dropping';

interface Window {
  startedAt: number;
  total: number;
  slow: number;
}

/** "Slow" scales with the delivery timeout, so a test that shortens the timeout keeps the same proportions. */
export const slowAfterMs = (deliveryTimeoutMs: number): number => deliveryTimeoutMs * SLOW_FRACTION_OF_TIMEOUT;

export class EndpointThrottle {
  private readonly windows = new Map<string, Window>();

  private windowOf(url: string, now: number): Window {
    const current = this.windows.get(url);
    if (current && now - current.startedAt < THROTTLE_WINDOW_MS) return current;
    const fresh = { startedAt: now, total: 0, slow: 0 };
    this.windows.set(url, fresh);
    return fresh;
  }

  /** A POST carrying `count` notifications was answered (or timed out) after `durationMs`. */
  record(url: string, count: number, slow: boolean, now: number): void {
    const window = this.windowOf(url, now);
    window.total += count;
    if (slow) window.slow += count;
  }

  state(url: string, now: number): EndpointState {
    const window = this.windowOf(url, now);
    if (window.total < THROTTLE_MIN_NOTIFICATIONS) return 'normal';
    const share = window.slow / window.total;
    if (share >= THROTTLE_DROP_SHARE) return 'dropping';
    if (share >= THROTTLE_SLOW_SHARE) return 'throttled';
    return 'normal';
  }

  clear(): void {
    this.windows.clear();
  }
}
