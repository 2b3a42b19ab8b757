import { ConfigError } from '@outlook-connect/shared';
import { DEFAULT_INBOX_POLICY, inboxPolicyFromEnv } from './inbox-policy';

describe('inboxPolicyFromEnv', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(inboxPolicyFromEnv({})).toEqual(DEFAULT_INBOX_POLICY);
  });

  it('reads every variable', () => {
    const policy = inboxPolicyFromEnv({
      INBOX_MIRROR_DAYS: '7',
      INBOX_POLL_INTERVAL_SEC: '15',
      INBOX_POLL_JITTER: '0.2',
      INBOX_PAGE_SIZE: '50',
      INBOX_MAX_PAGES_PER_RUN: '5',
      INBOX_STALE_AFTER_INTERVALS: '4',
      INBOX_MAX_BACKOFF_SEC: '600',
      INBOX_SWEEP_EVERY_SEC: '30',
      INBOX_READ_HEADERS: 'false',
    });
    expect(policy).toEqual({
      mirrorDays: 7,
      pollIntervalMs: 15_000,
      jitter: 0.2,
      pageSize: 50,
      maxPagesPerRun: 5,
      staleAfterIntervals: 4,
      maxBackoffMs: 600_000,
      sweepEveryMs: 30_000,
      readHeaders: false,
    });
  });

  it('mirrors the whole Inbox unless INBOX_MIRROR_DAYS names a window', () => {
    expect(inboxPolicyFromEnv({ INBOX_MIRROR_DAYS: 'all' }).mirrorDays).toBeNull();
    expect(inboxPolicyFromEnv({}).mirrorDays).toBeNull();
    expect(() => inboxPolicyFromEnv({ INBOX_MIRROR_DAYS: '0' })).toThrow(ConfigError);
    expect(() => inboxPolicyFromEnv({ INBOX_MIRROR_DAYS: 'some' })).toThrow(/INBOX_MIRROR_DAYS/);
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      inboxPolicyFromEnv({ INBOX_POLL_INTERVAL_SEC: '0', INBOX_PAGE_SIZE: 'lots', INBOX_READ_HEADERS: 'yes' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['INBOX_PAGE_SIZE', 'INBOX_POLL_INTERVAL_SEC', 'INBOX_READ_HEADERS']);
  });
});
