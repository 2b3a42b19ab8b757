import type { ConnectAttemptDoc } from '@outlook-connect/shared';

/** A connect attempt and its outcome; a pending attempt past its expiry reads as expired. */
export function attemptView(a: ConnectAttemptDoc, now: Date) {
  const status =
    a.status === 'pending' && !a.consumedAt && a.expiresAt.getTime() <= now.getTime() ? 'expired' : a.status;
  return {
    id: a._id,
    appId: a.appId,
    scopePreset: a.scopePreset,
    tenant: a.tenant,
    connectionId: a.outcome?.connectionId ?? a.connectionId,
    status,
    outcome: a.outcome,
    expiresAt: a.expiresAt.toISOString(),
    createdAt: new Date(a.createdAt).toISOString(),
  };
}
