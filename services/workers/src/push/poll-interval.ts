import type { PushHealth } from '@outlook-connect/mailbox-runtime';

// How often a mailbox is polled, given its push health. Pure.

/** Healthy push: the slow safety interval (never faster than the configured one); otherwise the configured interval. */
export function pollIntervalMs(configuredMs: number, safetyMs: number, health: PushHealth): number {
  return health.healthy ? Math.max(configuredMs, safetyMs) : configuredMs;
}
