import { subscriptionDueAt } from './subscription-sweep';

describe('subscriptionDueAt', () => {
  const now = 1_700_000_000_000;
  const reader = { _id: 'c1', status: 'active' as const, grantedScopes: ['Mail.Read', 'offline_access'] };
  const sub = (at: number | null) => ({ _id: 'c1', nextCheckAt: at === null ? null : new Date(at) });

  it('a record is due at its next check, whatever its connection', () => {
    expect(subscriptionDueAt(reader, sub(now + 60_000), now)).toBe(now + 60_000);
    expect(subscriptionDueAt(undefined, sub(now - 60_000), now)).toBe(now - 60_000);
    expect(subscriptionDueAt({ ...reader, status: 'disconnected' }, sub(now + 5), now)).toBe(now + 5);
    expect(subscriptionDueAt(reader, sub(null), now)).toBe(now);
  });

  it('a connection that needs reconnecting stays on the schedule, looked at again in an hour', () => {
    expect(subscriptionDueAt({ ...reader, status: 'needs_reconnect' }, sub(now - 1), now)).toBe(now + 3_600_000);
    // No record either: a recovery without a new grant (markRecovered) files nothing, so the entry must stay.
    expect(subscriptionDueAt({ ...reader, status: 'needs_reconnect' }, undefined, now)).toBe(now + 3_600_000);
  });

  it('no record: due now when the connection wants one, off the schedule when not', () => {
    expect(subscriptionDueAt(reader, undefined, now)).toBe(now);
    expect(subscriptionDueAt({ ...reader, grantedScopes: ['Mail.Send'] }, undefined, now)).toBeNull();
    expect(subscriptionDueAt({ ...reader, status: 'disconnected' }, undefined, now)).toBeNull();
    expect(subscriptionDueAt(undefined, undefined, now)).toBeNull();
  });
});
