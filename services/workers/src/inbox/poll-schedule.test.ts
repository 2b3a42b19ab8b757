import { DEFAULT_INBOX_POLICY } from './inbox-policy';
import { keepsSyncJob, nextPollDelayMs, notPolledReason, syncHorizonMs, withJitter } from './poll-schedule';

describe('notPolledReason', () => {
  it('polls active connections that may read mail', () => {
    expect(notPolledReason({ status: 'active', grantedScopes: ['Mail.Read', 'offline_access'] })).toBeNull();
    expect(
      notPolledReason({ status: 'active', grantedScopes: ['https://graph.microsoft.com/Mail.ReadWrite', 'Mail.Send'] }),
    ).toBeNull();
  });

  it('does not poll send_only, disconnected or needs_reconnect connections', () => {
    expect(notPolledReason({ status: 'active', grantedScopes: ['Mail.Send', 'offline_access'] })).toBe(
      'cannot_read_mail',
    );
    expect(notPolledReason({ status: 'disconnected', grantedScopes: ['Mail.Read'] })).toBe('disconnected');
    expect(notPolledReason({ status: 'needs_reconnect', grantedScopes: ['Mail.Read'] })).toBe('needs_reconnect');
  });
});

describe('withJitter', () => {
  it('spreads over base +/- jitter', () => {
    expect(withJitter(60_000, 0.1, 0)).toBe(54_000);
    expect(withJitter(60_000, 0.1, 0.5)).toBe(60_000);
    expect(withJitter(60_000, 0.1, 0.999999)).toBe(66_000);
    expect(withJitter(60_000, 0, 0.9)).toBe(60_000);
  });
});

describe('nextPollDelayMs', () => {
  const policy = { ...DEFAULT_INBOX_POLICY, jitter: 0 };

  it('waits one interval after a success', () => {
    expect(nextPollDelayMs(policy, 0, 0.3)).toBe(60_000);
  });

  it('backs off exponentially after failures, up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => nextPollDelayMs(policy, n, 0.5))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(nextPollDelayMs(policy, 40, 0.5)).toBe(3_600_000);
  });

  it('never polls before Retry-After', () => {
    expect(nextPollDelayMs(policy, 1, 0.5, 300_000)).toBe(300_000);
    expect(nextPollDelayMs(policy, 0, 0.5, 1_000)).toBe(60_000);
  });

  it('applies jitter to the backoff too', () => {
    const jittered = { ...policy, jitter: 0.1 };
    expect(nextPollDelayMs(jittered, 2, 0)).toBe(108_000);
    expect(nextPollDelayMs(jittered, 2, 0.999999)).toBe(132_000);
  });
});

describe('the sync job between syncs', () => {
  const policy = { sweepEveryMs: 30_000 };
  it('is handed out one sweep interval ahead', () => {
    expect(syncHorizonMs(policy)).toBe(30_000);
  });
  it('waits in Redis only for a next sync within one interval; a later one is left to the sweep', () => {
    expect(keepsSyncJob(policy, 1_000 + 30_000, 1_000)).toBe(true);
    expect(keepsSyncJob(policy, 1_000, 1_000)).toBe(true);
    expect(keepsSyncJob(policy, 1_000 + 30_001, 1_000)).toBe(false);
    expect(keepsSyncJob(policy, 1_000 + 60_000, 1_000)).toBe(false);
  });
});
