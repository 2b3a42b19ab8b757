import type { ConnectionDoc } from '@outlook-connect/shared';
import type { RefreshPolicy } from './refresh-policy';

export type RefreshReason = 'not_active' | 'no_token' | 'scheduled' | 'expiring' | 'idle' | 'not_due';

export interface RefreshDecision {
  should: boolean;
  reason: RefreshReason;
  /** When the refresh is (or was) due; null when the connection is not refreshed at all. */
  at: Date | null;
}

type RefreshFields = Pick<ConnectionDoc, 'status' | 'accessTokenEnc' | 'accessTokenExpiresAt' | 'lastRefreshAt'> &
  Partial<Pick<ConnectionDoc, 'nextRefreshAt'>>;

/** When to refresh a token expiring at expiresAt: `aheadMs` before, plus up to `jitterMs` earlier at random. */
export function refreshDueAt(
  expiresAt: Date,
  policy: Pick<RefreshPolicy, 'aheadMs' | 'jitterMs'>,
  rand: () => number = Math.random,
): Date {
  const jitter = Math.floor(Math.min(Math.max(rand(), 0), 1) * policy.jitterMs);
  return new Date(expiresAt.getTime() - policy.aheadMs - jitter);
}

/**
 * Whether a connection's token must be refreshed now. Unused connections are refreshed too: a refresh is due at the
 * latest `maxIdleMs` after the last one, so the refresh token (90 days sliding) never ages out.
 */
export function shouldRefresh(
  conn: RefreshFields,
  now: number,
  policy: RefreshPolicy,
  rand: () => number = () => 0,
): RefreshDecision {
  if (conn.status !== 'active') return { should: false, reason: 'not_active', at: null };
  if (!conn.accessTokenEnc || !conn.accessTokenExpiresAt)
    return { should: true, reason: 'no_token', at: new Date(now) };
  // The earliest of: the stored schedule (jittered when it was set), the lead before expiry, the idle limit.
  const candidates: Array<[RefreshReason, Date]> = [
    ['expiring', refreshDueAt(conn.accessTokenExpiresAt, policy, rand)],
  ];
  if (conn.lastRefreshAt) candidates.push(['idle', new Date(conn.lastRefreshAt.getTime() + policy.maxIdleMs)]);
  if (conn.nextRefreshAt) candidates.push(['scheduled', conn.nextRefreshAt]);
  const [reason, at] = candidates.reduce((a, b) => (b[1].getTime() < a[1].getTime() ? b : a));
  if (at.getTime() <= now) return { should: true, reason, at };
  return { should: false, reason: 'not_due', at };
}

/** The next refresh time to store after a successful refresh (never in the past). */
export function nextRefreshAt(
  expiresAt: Date,
  now: number,
  policy: RefreshPolicy,
  rand: () => number = Math.random,
): Date {
  const due = Math.min(refreshDueAt(expiresAt, policy, rand).getTime(), now + policy.maxIdleMs);
  return new Date(Math.max(due, now));
}

/** Backoff before retrying a failed refresh (failures counts the one that just happened). */
export function retryDelayMs(
  failures: number,
  policy: Pick<RefreshPolicy, 'retryBaseMs' | 'retryMaxMs'>,
  retryAfterMs?: number,
): number {
  const exp = policy.retryBaseMs * 2 ** Math.max(0, Math.min(failures - 1, 20));
  return Math.max(Math.min(exp, policy.retryMaxMs), retryAfterMs ?? 0);
}
