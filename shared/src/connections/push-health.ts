import type { InboxSubscriptionDoc } from '../store/models/inbox-subscription';

// Whether a connection's push works, from its subscription record alone (the workers' poll interval and the
// dashboard both read it). Pure.

export type PushHealth =
  | { healthy: true }
  | { healthy: false; reason: 'push_off' | 'no_subscription' | 'expired' | 'renewal_failing' | 'lifecycle_pending' };

type Sub = Pick<InboxSubscriptionDoc, 'subscriptionId' | 'expiresAt' | 'pending' | 'failures'>;

/** Push is healthy when a live subscription exists and its last creation or renewal worked. */
export function pushHealth(sub: Sub | null, nowMs: number, pushConfigured: boolean): PushHealth {
  if (!pushConfigured) return { healthy: false, reason: 'push_off' };
  if (!sub?.subscriptionId || !sub.expiresAt) return { healthy: false, reason: 'no_subscription' };
  if (sub.expiresAt.getTime() <= nowMs) return { healthy: false, reason: 'expired' };
  if (sub.failures > 0) return { healthy: false, reason: 'renewal_failing' };
  if (sub.pending) return { healthy: false, reason: 'lifecycle_pending' };
  return { healthy: true };
}
