import { defaultRefreshPolicy, refreshPolicyFromEnv, type RefreshPolicy } from './refresh-policy';
import { nextRefreshAt, refreshDueAt, retryDelayMs, shouldRefresh } from './should-refresh';

const policy: RefreshPolicy = {
  ...defaultRefreshPolicy,
  aheadMs: 600_000,
  jitterMs: 120_000,
  maxIdleMs: 7 * 86_400_000,
};
const now = Date.parse('2025-03-01T12:00:00Z');
const min = 60_000;
const conn = (
  over: Partial<{
    status: 'active' | 'needs_reconnect' | 'disconnected';
    expiresIn: number | null;
    lastRefreshAgo: number | null;
    token: string | null;
  }> = {},
) => ({
  status: over.status ?? 'active',
  accessTokenEnc: over.token === undefined ? 'v1.k.iv.tag.body' : over.token,
  accessTokenExpiresAt: over.expiresIn === null ? null : new Date(now + (over.expiresIn ?? 60 * min)),
  lastRefreshAt:
    over.lastRefreshAgo === null || over.lastRefreshAgo === undefined ? null : new Date(now - over.lastRefreshAgo),
});

describe('refreshDueAt', () => {
  it('is aheadMs before expiry without jitter and up to jitterMs earlier with it', () => {
    const exp = new Date(now + 60 * min);
    expect(refreshDueAt(exp, policy, () => 0).getTime()).toBe(now + 50 * min);
    expect(refreshDueAt(exp, policy, () => 0.5).getTime()).toBe(now + 49 * min);
    expect(refreshDueAt(exp, policy, () => 0.999999).getTime()).toBeGreaterThan(now + 48 * min - 1);
  });

  it('clamps a random source outside [0, 1]', () => {
    const exp = new Date(now + 60 * min);
    expect(refreshDueAt(exp, policy, () => 7).getTime()).toBe(now + 48 * min);
    expect(refreshDueAt(exp, policy, () => -1).getTime()).toBe(now + 50 * min);
  });
});

describe('shouldRefresh', () => {
  it('does not refresh a connection that is not active', () => {
    expect(shouldRefresh(conn({ status: 'needs_reconnect', expiresIn: -min }), now, policy)).toEqual({
      should: false,
      reason: 'not_active',
      at: null,
    });
    expect(shouldRefresh(conn({ status: 'disconnected' }), now, policy).should).toBe(false);
  });

  it('refreshes at once a connection without an access token or expiry', () => {
    expect(shouldRefresh(conn({ token: null }), now, policy)).toEqual({
      should: true,
      reason: 'no_token',
      at: new Date(now),
    });
    expect(shouldRefresh(conn({ expiresIn: null }), now, policy).reason).toBe('no_token');
  });

  it('waits while the token has more than the lead left', () => {
    expect(shouldRefresh(conn({ expiresIn: 11 * min }), now, policy)).toEqual({
      should: false,
      reason: 'not_due',
      at: new Date(now + min),
    });
  });

  it('refreshes inside the lead and after expiry', () => {
    expect(shouldRefresh(conn({ expiresIn: 10 * min }), now, policy)).toMatchObject({
      should: true,
      reason: 'expiring',
    });
    expect(shouldRefresh(conn({ expiresIn: 3 * min }), now, policy).should).toBe(true);
    expect(shouldRefresh(conn({ expiresIn: -5 * min }), now, policy)).toMatchObject({
      should: true,
      reason: 'expiring',
    });
  });

  it('refreshes an unused connection whose last refresh is older than maxIdle, even with a long-lived token', () => {
    const d = shouldRefresh(conn({ expiresIn: 30 * 86_400_000, lastRefreshAgo: 8 * 86_400_000 }), now, policy);
    expect(d).toEqual({ should: true, reason: 'idle', at: new Date(now - 86_400_000) });
    expect(shouldRefresh(conn({ expiresIn: 30 * 86_400_000, lastRefreshAgo: 86_400_000 }), now, policy)).toMatchObject({
      should: false,
      reason: 'not_due',
    });
  });
});

describe('shouldRefresh with a stored schedule', () => {
  it('is due at the stored nextRefreshAt (jittered earlier than the lead) and waits before it', () => {
    const c = { ...conn({ expiresIn: 11 * min }), nextRefreshAt: new Date(now - 1000) };
    expect(shouldRefresh(c, now, policy)).toEqual({ should: true, reason: 'scheduled', at: new Date(now - 1000) });
    const later = { ...conn({ expiresIn: 30 * min }), nextRefreshAt: new Date(now + 5 * min) };
    expect(shouldRefresh(later, now, policy)).toEqual({
      should: false,
      reason: 'not_due',
      at: new Date(now + 5 * min),
    });
  });

  it('does not wait for a stored schedule later than the lead before expiry', () => {
    const c = { ...conn({ expiresIn: 5 * min }), nextRefreshAt: new Date(now + 20 * min) };
    expect(shouldRefresh(c, now, policy)).toMatchObject({ should: true, reason: 'expiring' });
  });
});

describe('nextRefreshAt', () => {
  it('is never in the past and never later than maxIdle from now', () => {
    expect(nextRefreshAt(new Date(now + 5 * min), now, policy, () => 0).getTime()).toBe(now);
    expect(nextRefreshAt(new Date(now + 60 * min), now, policy, () => 0).getTime()).toBe(now + 50 * min);
    expect(nextRefreshAt(new Date(now + 365 * 86_400_000), now, policy, () => 0).getTime()).toBe(
      now + policy.maxIdleMs,
    );
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base, caps at the max and honours Retry-After', () => {
    const p = { retryBaseMs: 1000, retryMaxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 60].map((f) => retryDelayMs(f, p))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(retryDelayMs(1, p, 30_000)).toBe(30_000);
  });
});

describe('refreshPolicyFromEnv', () => {
  it('reads seconds and keeps the sweep horizon wider than the gap between sweeps', () => {
    const p = refreshPolicyFromEnv({
      REFRESH_AHEAD_SEC: 300,
      REFRESH_JITTER_SEC: 30,
      REFRESH_SWEEP_EVERY_SEC: 60,
      REFRESH_LOCK_TTL_SEC: 20,
    });
    expect(p).toMatchObject({ aheadMs: 300_000, jitterMs: 30_000, sweepEveryMs: 60_000, lockTtlMs: 20_000 });
    expect(p.sweepHorizonMs).toBeGreaterThanOrEqual(2 * p.sweepEveryMs);
  });
});
