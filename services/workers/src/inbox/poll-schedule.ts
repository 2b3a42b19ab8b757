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
