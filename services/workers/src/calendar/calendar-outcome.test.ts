import type { MicrosoftFailure } from '@outlook-connect/shared';
import { decideOutcome, type Obstacle, type OutcomeFacts } from './calendar-outcome';
import { DEFAULT_CALENDAR_POLICY as policy } from './calendar-policy';

const now = 1_750_000_000_000;
function facts(obstacle: Obstacle, more: Partial<OutcomeFacts> = {}): OutcomeFacts {
  return { obstacle, nowMs: now, createdAtMs: now - 1000, runs: 1, attemptsMade: 1, maxAttempts: 8, ...more };
}
const ms = (kind: MicrosoftFailure['kind'], code: string, extra: Partial<MicrosoftFailure> = {}): Obstacle => ({
  type: 'microsoft',
  failure: { kind, code, message: code, ...extra } as MicrosoftFailure,
});

describe('decideOutcome', () => {
  it('postpones a busy mailbox to when the gate frees, without failing', () => {
    expect(decideOutcome(facts({ type: 'busy', retryAtMs: now + 3000, why: 'paused' }), policy)).toEqual({ action: 'postpone', untilMs: now + 3000, why: 'paused' });
  });

  it('postpones a 429 by its Retry-After, and by the default without one', () => {
    expect(decideOutcome(facts(ms('transient', 'throttled', { retryAfterMs: 7000 })), policy)).toMatchObject({ action: 'postpone', untilMs: now + 7000 });
    expect(decideOutcome(facts(ms('transient', 'throttled')), policy)).toMatchObject({ action: 'postpone', untilMs: now + policy.defaultThrottleMs });
  });

  it('retries other transient failures until the last attempt, then fails', () => {
    expect(decideOutcome(facts(ms('transient', 'server_error')), policy)).toEqual({ action: 'retry', code: 'server_error' });
    expect(decideOutcome(facts(ms('transient', 'network'), { attemptsMade: 8 }), policy)).toMatchObject({ action: 'fail', code: 'network' });
  });

  it('fails permanent failures at once', () => {
    expect(decideOutcome(facts(ms('permanent', 'scope_missing')), policy)).toMatchObject({ action: 'fail', kind: 'permanent', code: 'scope_missing' });
  });

  it('waits a bounded time for a reconnect, then fails with the connection reason', () => {
    const unusable: Obstacle = { type: 'unusable', status: 'needs_reconnect', reasonCode: 'grant_revoked' };
    expect(decideOutcome(facts(unusable), policy)).toEqual({ action: 'postpone', untilMs: now + policy.reconnectRecheckMs, why: 'needs_reconnect' });
    expect(decideOutcome(facts(unusable, { createdAtMs: now - policy.reconnectGraceMs }), policy)).toMatchObject({ action: 'fail', kind: 'reconnect_required', code: 'grant_revoked' });
    expect(decideOutcome(facts(ms('app_credentials', 'client_secret_expired'), { createdAtMs: now - policy.reconnectGraceMs - 1 }), policy)).toMatchObject({ action: 'fail', code: 'client_secret_expired' });
  });

  it('waits for a disconnected connection too (it may be reconnected in place), never past the grace', () => {
    const gone: Obstacle = { type: 'unusable', status: 'disconnected', reasonCode: 'user_disconnected', detail: 'Disconnected by a user. Connect the mailbox again.' };
    expect(decideOutcome(facts(gone, { createdAtMs: now - policy.reconnectGraceMs + 10 }), policy)).toEqual({ action: 'postpone', untilMs: now + 10, why: 'needs_reconnect' });
    expect(decideOutcome(facts(gone, { createdAtMs: now - policy.reconnectGraceMs }), policy)).toMatchObject({
      action: 'fail',
      code: 'user_disconnected',
      message: expect.stringMatching(/^Disconnected by a user\. Connect the mailbox again\. \(not reconnected within/),
    });
  });

  it('waits for a pending create operation, and gives up after maxRuns', () => {
    const pending: Obstacle = { type: 'target_pending', operationId: 'cal_1' };
    expect(decideOutcome(facts(pending), policy)).toMatchObject({ action: 'postpone', untilMs: now + policy.targetRecheckMs });
    expect(decideOutcome(facts(pending, { runs: policy.maxRuns }), policy)).toMatchObject({ action: 'fail', code: 'gave_up' });
  });
});
