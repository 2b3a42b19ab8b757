import type { SyncState } from '@outlook-connect/shared';
import { DEFAULT_INBOX_POLICY } from './inbox-policy';
import { syncHealth, type SyncHealthInput } from './sync-health';

const createdAt = new Date('2024-05-01T10:00:00Z');
const at = (minutes: number) => new Date(createdAt.getTime() + minutes * 60_000);
const sync = (s: Partial<SyncState> = {}): SyncState => ({ generation: 1, initialSyncComplete: true, consecutiveFailures: 0, syncedCount: 0, ...s });
const conn = (s: Partial<SyncState> = {}, over: Partial<SyncHealthInput> = {}): SyncHealthInput => ({
  status: 'active',
  grantedScopes: ['Mail.Read'],
  createdAt,
  sync: sync(s),
  ...over,
});
const policy = DEFAULT_INBOX_POLICY; // 60 s interval, stale after 3

describe('syncHealth', () => {
  it('is healthy within N intervals of the last success, and reports cursor age and counts', () => {
    const h = syncHealth(conn({ lastSuccessAt: at(10), cursorCreatedAt: at(1), syncedCount: 42 }), at(12), policy);
    expect(h).toMatchObject({ state: 'healthy', stale: false, reason: null, cursorAgeMs: 11 * 60_000, syncedCount: 42 });
  });

  it('is in initial sync until the first full pass completes', () => {
    expect(syncHealth(conn({ initialSyncComplete: false, lastSuccessAt: at(1) }), at(2), policy).state).toBe('initial_sync');
  });

  it('flags stale after N intervals without success, with the last error as reason', () => {
    const h = syncHealth(
      conn({ lastSuccessAt: at(10), lastAttemptAt: at(14), consecutiveFailures: 4, lastError: { code: 'throttled', message: 'Too many requests', at: at(14) } }),
      at(14.5),
      policy,
    );
    expect(h).toMatchObject({ state: 'stale', stale: true, reason: { code: 'throttled', message: 'Too many requests' }, consecutiveFailures: 4 });
  });

  it('is not stale at exactly N intervals', () => {
    expect(syncHealth(conn({ lastSuccessAt: at(10) }), at(13), policy).stale).toBe(false);
  });

  it('names a lost schedule when nothing failed but nothing ran', () => {
    const h = syncHealth(conn({ lastSuccessAt: at(10), lastAttemptAt: at(10) }), at(20), policy);
    expect(h.state).toBe('stale');
    expect(h.reason?.code).toBe('not_running');
    expect(h.reason?.message).toContain('2024-05-01T10:10:00.000Z');
  });

  it('counts from creation before the first success', () => {
    expect(syncHealth(conn({ initialSyncComplete: false }), at(2), policy).stale).toBe(false);
    const h = syncHealth(conn({ initialSyncComplete: false }), at(5), policy);
    expect(h).toMatchObject({ stale: true, reason: { code: 'not_running' } });
    expect(h.reason?.message).toContain('no sync has been attempted');
  });

  it('does not flag connections that are not polled, and says why', () => {
    expect(syncHealth(conn({}, { grantedScopes: ['Mail.Send'] }), at(100), policy)).toMatchObject({ state: 'not_polled', stale: false, reason: { code: 'cannot_read_mail' } });
    expect(syncHealth(conn({}, { status: 'needs_reconnect' }), at(100), policy).reason?.code).toBe('needs_reconnect');
    expect(syncHealth(conn({}, { status: 'disconnected' }), at(100), policy).reason?.code).toBe('disconnected');
  });

  it('honours the policy', () => {
    const h = syncHealth(conn({ lastSuccessAt: at(10) }), at(15), { pollIntervalMs: 60_000, staleAfterIntervals: 10 });
    expect(h.stale).toBe(false);
  });
});
