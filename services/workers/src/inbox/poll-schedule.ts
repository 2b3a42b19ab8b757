import { canReadMail, type ConnectionDoc } from '@outlook-connect/shared';
import type { InboxPolicy } from './inbox-policy';

// When a mailbox is polled next, and whether it is polled at all. Pure.

export type NotPolledReason = 'disconnected' | 'needs_reconnect' | 'cannot_read_mail';

/** send_only grants (no Mail.Read / Mail.ReadWrite), disconnected and needs_reconnect connections are not polled. */
export function notPolledReason(conn: Pick<ConnectionDoc, 'status' | 'grantedScopes'>): NotPolledReason | null {
  if (conn.status === 'disconnected') return 'disconnected';
  if (conn.status === 'needs_reconnect') return 'needs_reconnect';
  if (!canReadMail(conn.grantedScopes)) return 'cannot_read_mail';
  return null;
}

/** `base` spread uniformly over base * (1 +/- jitter), so mailboxes connected together do not poll in lockstep. `random` in [0,1). */
export function withJitter(baseMs: number, jitter: number, random: number): number {
  return Math.max(1, Math.round(baseMs * (1 + jitter * (2 * random - 1))));
}

/**
 * Delay until the next poll: the interval after a success; after n consecutive failures the interval doubled n-1
 * times, capped at maxBackoffMs; never before a Retry-After Microsoft gave us.
 */
export function nextPollDelayMs(
  policy: Pick<InboxPolicy, 'pollIntervalMs' | 'jitter' | 'maxBackoffMs'>,
  consecutiveFailures: number,
  random: number,
  retryAfterMs?: number,
): number {
  const failures = Math.max(0, Math.floor(consecutiveFailures));
  const base =
    failures === 0
      ? policy.pollIntervalMs
      : Math.min(
          policy.pollIntervalMs * 2 ** Math.min(failures - 1, 30),
          Math.max(policy.maxBackoffMs, policy.pollIntervalMs),
        );
  return Math.max(withJitter(base, policy.jitter, random), retryAfterMs ?? 0);
}

/**
 * How far ahead the sync sweep hands syncs to the queue as delayed jobs: one sweep interval, so every sync is handed
 * out by the last pass before it is due (a pass that starts late hands out the syncs due meanwhile at once), and no
 * more, so Redis holds only the syncs due within one interval: for a mailbox polled every 60 s with the default 30 s
 * interval, its job is in Redis for at most half of the time.
 */
export function syncHorizonMs(policy: Pick<InboxPolicy, 'sweepEveryMs'>): number {
  return policy.sweepEveryMs;
}

/**
 * After a run, whether its job waits in Redis for the next sync (due within one sweep interval: a continuation, a
 * push rerun, a short Retry-After) or ends, leaving the next sync to the sweep, which hands it out from the store's
 * schedule once it is within the horizon. One interval at most: the pass that next reads the connection's entry
 * comes at most one interval after the run ends, so a next sync further away is handed out before it is due.
 */
export function keepsSyncJob(policy: Pick<InboxPolicy, 'sweepEveryMs'>, nextAtMs: number, nowMs: number): boolean {
  return nextAtMs - nowMs <= policy.sweepEveryMs;
}
