import type { ConnectionDoc } from '@outlook-connect/shared';
import { SYNC_SLOT_MS, slotOf } from '@outlook-connect/mailbox-runtime';
import { syncDueAt, syncHandOuts, syncRecheckAt } from './sync-sweep';

describe('syncDueAt', () => {
  const now = 1_000_000;
  const conn = (over: Partial<ConnectionDoc>) =>
    ({ _id: 'conn_1', status: 'active', grantedScopes: ['Mail.Read'], ...over }) as ConnectionDoc;
  it('is the next sync of a polled connection, or now when it has none yet', () => {
    expect(syncDueAt(conn({ sync: { nextSyncAt: new Date(now + 5) } as ConnectionDoc['sync'] }), now)).toBe(now + 5);
    expect(syncDueAt(conn({}), now)).toBe(now);
  });
  it('takes connections that are not polled off the schedule, and looks at one needing reconnect an hour later', () => {
    expect(syncDueAt(undefined, now)).toBeNull();
    expect(syncDueAt(conn({ status: 'disconnected' }), now)).toBeNull();
    expect(syncDueAt(conn({ grantedScopes: ['Mail.Send'] }), now)).toBeNull();
    expect(syncDueAt(conn({ status: 'needs_reconnect' }), now)).toBe(now + 60 * 60_000);
  });
});

describe('syncHandOuts', () => {
  it('delays each job to its next sync, and marks as overdue only what should have run by the previous pass', () => {
    const now = 1_000_000;
    const dueAt = new Map<string, number | null>([
      ['soon', now + 20_000],
      ['now', now - 5_000],
      ['late', now - 31_000],
    ]);
    expect(syncHandOuts(['soon', 'now', 'late'], dueAt, now, 30_000)).toEqual([
      { connectionId: 'soon', delayMs: 20_000, overdue: false },
      { connectionId: 'now', delayMs: 0, overdue: false },
      { connectionId: 'late', delayMs: 0, overdue: true },
    ]);
  });
});

describe('syncRecheckAt', () => {
  const interval = 30_000;
  const horizon = 30_000;
  // The last slot a pass at `at` reads (its horizon's).
  const lastSlot = (at: number) => slotOf(at + horizon, SYNC_SLOT_MS);
  it('is read by the next pass even when it starts early, never by a pass started again at once', () => {
    for (let now = 1_000_000; now < 1_000_000 + 2 * SYNC_SLOT_MS; now += 250) {
      const recheck = slotOf(syncRecheckAt(now, interval, horizon), SYNC_SLOT_MS);
      for (const early of [0, 100, 2_000, 10_000])
        expect(lastSlot(now + interval - early)).toBeGreaterThanOrEqual(recheck);
      expect(lastSlot(now + 1_000)).toBeLessThan(recheck);
    }
  });
});
