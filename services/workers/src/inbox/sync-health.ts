import type { ConnectionDoc } from '@outlook-connect/shared';
import type { InboxPolicy } from './inbox-policy';
import { notPolledReason } from './poll-schedule';

// Is a connection's inbox mirror keeping up? Pure; read by the gateway and the operators' dashboard.

export type SyncHealthState = 'healthy' | 'initial_sync' | 'stale' | 'not_polled';

export interface SyncHealth {
  state: SyncHealthState;
  stale: boolean;
  /** Why it is stale or not polled; null when healthy (or still inside its first intervals). */
  reason: { code: string; message: string } | null;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  /** Age of the delta cursor (since the last full pass completed); null before the first one. */
  cursorAgeMs: number | null;
  consecutiveFailures: number;
  syncedCount: number;
}

export type SyncHealthInput = Pick<ConnectionDoc, 'status' | 'grantedScopes' | 'sync' | 'createdAt'>;

const NOT_POLLED_MESSAGE = {
  disconnected: 'the connection is disconnected',
  needs_reconnect: 'the connection needs reconnecting; syncing resumes once it is reconnected',
  cannot_read_mail: 'the connection was granted no Mail.Read or Mail.ReadWrite (send_only); the inbox is not synced',
} as const;

/**
 * Stale = no successful sync for `staleAfterIntervals` poll intervals (counted from creation before the first
 * success). The reason is the last error when there is one; otherwise nothing has even been attempted recently,
 * which means the schedule itself is lost (the sync sweep heals that).
 */
export function syncHealth(conn: SyncHealthInput, now: Date, policy: Pick<InboxPolicy, 'pollIntervalMs' | 'staleAfterIntervals'>): SyncHealth {
  const sync = conn.sync ?? { generation: 0, initialSyncComplete: false, consecutiveFailures: 0, syncedCount: 0 };
  const lastSuccessAt = sync.lastSuccessAt ?? null;
  const lastAttemptAt = sync.lastAttemptAt ?? null;
  const base = {
    lastSuccessAt,
    lastAttemptAt,
    cursorAgeMs: sync.cursorCreatedAt ? Math.max(0, now.getTime() - sync.cursorCreatedAt.getTime()) : null,
    consecutiveFailures: sync.consecutiveFailures ?? 0,
    syncedCount: sync.syncedCount ?? 0,
  };
  const skipped = notPolledReason(conn);
  if (skipped) return { ...base, state: 'not_polled', stale: false, reason: { code: skipped, message: NOT_POLLED_MESSAGE[skipped] } };

  const staleAfterMs = policy.staleAfterIntervals * policy.pollIntervalMs;
  const since = lastSuccessAt ?? conn.createdAt;
  if (now.getTime() - since.getTime() > staleAfterMs) {
    const lastError = sync.lastError ?? null;
    const reason = lastError
      ? { code: lastError.code, message: lastError.message }
      : {
          code: 'not_running',
          message:
            `no successful sync since ${since.toISOString()}; ` +
            (lastAttemptAt ? `last attempt started ${lastAttemptAt.toISOString()}` : 'no sync has been attempted'),
        };
    return { ...base, state: 'stale', stale: true, reason };
  }
  return { ...base, state: sync.initialSyncComplete ? 'healthy' : 'initial_sync', stale: false, reason: null };
}
