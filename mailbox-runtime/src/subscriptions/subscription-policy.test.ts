import {
  DEFAULT_SUBSCRIPTION_POLICY,
  expirationFor,
  OUTLOOK_MESSAGE_MAX_LIFETIME_MS,
  pushHealth,
  renewAtFor,
  retryAtFor,
  subscriptionAction,
} from './subscription-policy';

const now = Date.UTC(2026, 11, 1, 12);
const active = { status: 'active' as const, grantedScopes: ['Mail.Read', 'offline_access'] };
const sendOnly = { status: 'active' as const, grantedScopes: ['Mail.Send', 'offline_access'] };
const live = {
  subscriptionId: 'sub-1',
  expiresAt: new Date(now + 5 * 86_400_000),
  nextCheckAt: new Date(now + 2 * 86_400_000),
  pending: null,
  failures: 0,
};

describe('subscription lifetime', () => {
  it('asks for just under the 10,080-minute maximum of Outlook messages, never more', () => {
    const at = expirationFor(now, DEFAULT_SUBSCRIPTION_POLICY).getTime() - now;
    expect(at).toBeLessThan(OUTLOOK_MESSAGE_MAX_LIFETIME_MS);
    expect(at).toBeGreaterThan(OUTLOOK_MESSAGE_MAX_LIFETIME_MS - 10 * 60_000);
    expect(expirationFor(now, { lifetimeMs: 30 * 86_400_000 }).getTime() - now).toBeLessThan(
      OUTLOOK_MESSAGE_MAX_LIFETIME_MS,
    );
  });

  it('renews renewBeforeMs ahead of expiry, at most half the remaining life ahead', () => {
    const exp = now + 7 * 86_400_000;
    expect(renewAtFor(exp, now, { renewBeforeMs: 3 * 86_400_000 }).getTime()).toBe(now + 4 * 86_400_000);
    // A 60 s test lifetime renews after 30 s, not at once.
    expect(renewAtFor(now + 60_000, now, { renewBeforeMs: 3 * 86_400_000 }).getTime()).toBe(now + 30_000);
  });

  it('retries with doubling backoff, capped, and before a live subscription expires', () => {
    const p = { retryBaseMs: 1_000, retryMaxMs: 10_000 };
    expect(retryAtFor(1, now, p).getTime()).toBe(now + 1_000);
    expect(retryAtFor(3, now, p).getTime()).toBe(now + 4_000);
    expect(retryAtFor(20, now, p).getTime()).toBe(now + 10_000);
    expect(retryAtFor(20, now, p, now + 6_000).getTime()).toBe(now + 3_000);
  });
});

describe('subscriptionAction', () => {
  it('creates for a readable active connection without one', () => {
    expect(subscriptionAction(active, null, now, true)).toEqual({ kind: 'create' });
  });

  it('does nothing when push is off, and removes what exists', () => {
    expect(subscriptionAction(active, null, now, false)).toEqual({ kind: 'stop', reason: 'not_wanted' });
    expect(subscriptionAction(active, live, now, false)).toEqual({ kind: 'remove' });
  });

  it('removes on disconnect and on a change to send_only', () => {
    expect(subscriptionAction({ ...active, status: 'disconnected' }, live, now, true)).toEqual({ kind: 'remove' });
    expect(subscriptionAction(sendOnly, live, now, true)).toEqual({ kind: 'remove' });
    expect(subscriptionAction(null, live, now, true)).toEqual({ kind: 'remove' });
    expect(subscriptionAction(sendOnly, null, now, true)).toEqual({ kind: 'stop', reason: 'not_wanted' });
  });

  it('keeps the record but stops while the connection needs reconnecting', () => {
    expect(subscriptionAction({ ...active, status: 'needs_reconnect' }, live, now, true)).toEqual({
      kind: 'stop',
      reason: 'needs_reconnect',
    });
  });

  it('waits until the renewal time, then renews', () => {
    expect(subscriptionAction(active, live, now, true)).toEqual({ kind: 'wait', atMs: live.nextCheckAt.getTime() });
    expect(subscriptionAction(active, live, live.nextCheckAt.getTime(), true)).toEqual({ kind: 'renew' });
  });

  it('recreates an expired one and one Graph removed, reauthorizes at once when asked', () => {
    expect(subscriptionAction(active, live, live.expiresAt.getTime(), true)).toEqual({ kind: 'create' });
    expect(subscriptionAction(active, { ...live, pending: 'recreate' }, now, true)).toEqual({ kind: 'create' });
    expect(subscriptionAction(active, { ...live, pending: 'reauthorize' }, now, true)).toEqual({ kind: 'renew' });
    expect(subscriptionAction(active, { ...live, subscriptionId: null }, live.nextCheckAt.getTime(), true)).toEqual({
      kind: 'create',
    });
  });

  it('waits out a failed creation before trying again', () => {
    const failed = { ...live, subscriptionId: null, expiresAt: null, failures: 2 };
    expect(subscriptionAction(active, failed, now, true)).toEqual({ kind: 'wait', atMs: live.nextCheckAt.getTime() });
  });
});

describe('pushHealth', () => {
  it('is healthy only with a live subscription whose last renewal worked', () => {
    expect(pushHealth(live, now, true)).toEqual({ healthy: true });
    expect(pushHealth(live, now, false)).toEqual({ healthy: false, reason: 'push_off' });
    expect(pushHealth(null, now, true)).toEqual({ healthy: false, reason: 'no_subscription' });
    expect(pushHealth(live, live.expiresAt.getTime(), true)).toEqual({ healthy: false, reason: 'expired' });
    expect(pushHealth({ ...live, failures: 1 }, now, true)).toEqual({ healthy: false, reason: 'renewal_failing' });
    expect(pushHealth({ ...live, pending: 'recreate' }, now, true)).toEqual({
      healthy: false,
      reason: 'lifecycle_pending',
    });
  });
});
