import { wholeSeconds } from '@outlook-connect/shared';

/** When and how connections are refreshed. Defaults suit Microsoft's 60-90 min access tokens; tests scale them down. */
export interface RefreshPolicy {
  /** Refresh this long before the access token expires. */
  aheadMs: number;
  /** Up to this much earlier again, at random, so connections made together do not refresh together. */
  jitterMs: number;
  /** Refresh anyway after this long without one, so an unused connection's refresh token never ages out (90 days). */
  maxIdleMs: number;
  /** The sweeper (re)enqueues refreshes due within this horizon. */
  sweepHorizonMs: number;
  /** How often the sweeper runs. */
  sweepEveryMs: number;
  /** Lease of the per-connection refresh lock; a crashed refresher's lock frees itself after it. */
  lockTtlMs: number;
  /** AccessTokens.get hands out the stored token only while it stays valid at least this long. */
  minValidityMs: number;
  /** Backoff after a failed refresh: base * 2^(failures-1), capped. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const defaultRefreshPolicy: RefreshPolicy = {
  aheadMs: 10 * 60_000,
  jitterMs: 2 * 60_000,
  maxIdleMs: 7 * 24 * 3600_000,
  sweepHorizonMs: 2 * 60_000,
  sweepEveryMs: 30_000,
  lockTtlMs: 30_000,
  minValidityMs: 2 * 60_000,
  retryBaseMs: 5_000,
  retryMaxMs: 5 * 60_000,
};

/** Env fragment for the refresh policy (composed into the workers' env schema). */
export const refreshEnv = {
  REFRESH_AHEAD_SEC: wholeSeconds(defaultRefreshPolicy.aheadMs, 'refresh this long before the access token expires'),
  REFRESH_JITTER_SEC: wholeSeconds(defaultRefreshPolicy.jitterMs, 'random extra lead of a refresh'),
  REFRESH_SWEEP_EVERY_SEC: wholeSeconds(defaultRefreshPolicy.sweepEveryMs, 'how often the refresh sweeper runs'),
  REFRESH_LOCK_TTL_SEC: wholeSeconds(defaultRefreshPolicy.lockTtlMs, 'lease of the per-connection refresh lock'),
};

export function refreshPolicyFromEnv(env: {
  REFRESH_AHEAD_SEC: number;
  REFRESH_JITTER_SEC: number;
  REFRESH_SWEEP_EVERY_SEC: number;
  REFRESH_LOCK_TTL_SEC: number;
}): RefreshPolicy {
  const sweepEveryMs = Math.max(1, env.REFRESH_SWEEP_EVERY_SEC) * 1000;
  return {
    ...defaultRefreshPolicy,
    aheadMs: env.REFRESH_AHEAD_SEC * 1000,
    jitterMs: env.REFRESH_JITTER_SEC * 1000,
    sweepEveryMs,
    // The horizon must cover the gap between two sweeps, or a refresh could be noticed too late.
    sweepHorizonMs: Math.max(defaultRefreshPolicy.sweepHorizonMs, 4 * sweepEveryMs),
    lockTtlMs: Math.max(1, env.REFRESH_LOCK_TTL_SEC) * 1000,
  };
}
