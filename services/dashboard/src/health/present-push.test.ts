import { presentPush } from './present-push';

const now = Date.UTC(2026, 11, 1, 12);
const live = {
  subscriptionId: 'sub-1',
  expiresAt: new Date(now + 86_400_000),
  pending: null,
  failures: 0,
  lastError: null,
  lastRenewedAt: new Date(now - 60_000),
  lastNotificationAt: new Date(now - 5_000),
};

describe('presentPush', () => {
  it('shows push with the expiry and the last notification for a live subscription', () => {
    expect(presentPush(live, now)).toMatchObject({
      mode: 'push',
      reason: null,
      subscriptionExpiresAt: live.expiresAt.toISOString(),
      lastNotificationAt: live.lastNotificationAt.toISOString(),
    });
  });

  it('shows polling and why otherwise', () => {
    expect(presentPush(null, now)).toMatchObject({ mode: 'polling', reason: 'no_subscription' });
    expect(presentPush({ ...live, expiresAt: new Date(now - 1) }, now)).toMatchObject({ reason: 'expired' });
    const failing = {
      ...live,
      failures: 2,
      lastError: { kind: 'transient', code: 'service_unavailable', message: 'Graph 503', at: new Date(now) },
    };
    expect(presentPush(failing, now)).toMatchObject({
      mode: 'polling',
      reason: 'renewal_failing',
      failures: 2,
      lastError: { code: 'service_unavailable', message: 'Graph 503' },
    });
  });
});
