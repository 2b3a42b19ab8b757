import { pushHealth, type InboxSubscriptionDoc } from '@outlook-connect/shared';

// A connection's push as operators see it: push healthy, or polling and why; the subscription's expiry; the last
// notification. Pure.

export type PushRow = Pick<
  InboxSubscriptionDoc,
  'subscriptionId' | 'expiresAt' | 'pending' | 'failures' | 'lastError' | 'lastRenewedAt' | 'lastNotificationAt'
>;

export interface PushView {
  /** push: a live subscription whose last renewal worked (polled only at the slow safety interval); else polling. */
  mode: 'push' | 'polling';
  /** Why it polls: no_subscription (also: push not configured), expired, renewal_failing, lifecycle_pending. */
  reason: string | null;
  subscriptionExpiresAt: string | null;
  lastRenewedAt: string | null;
  lastNotificationAt: string | null;
  failures: number;
  lastError: { code: string; message: string; at: string | null } | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function presentPush(sub: PushRow | null, now: number): PushView {
  // No record: push is not configured, or this connection never got a subscription (send_only, not yet created).
  const health = pushHealth(sub, now, true);
  return {
    mode: health.healthy ? 'push' : 'polling',
    reason: health.healthy ? null : health.reason,
    subscriptionExpiresAt: iso(sub?.expiresAt),
    lastRenewedAt: iso(sub?.lastRenewedAt),
    lastNotificationAt: iso(sub?.lastNotificationAt),
    failures: sub?.failures ?? 0,
    lastError: sub?.lastError
      ? { code: sub.lastError.code, message: sub.lastError.message, at: iso(sub.lastError.at) }
      : null,
  };
}
