import type { MicrosoftFailure } from '@outlook-connect/shared';
import { DEFAULT_CALENDAR_POLICY } from '../calendar/calendar-policy';
import { calendarOperationPolicy } from '../calendar/calendar-kind';
import { sendOperationPolicy } from '../send/send-kind';
import { DEFAULT_SEND_POLICY } from '../send/send-policy';
import { decideOutcome, UNAVAILABLE_RECHECK_MS, type Obstacle, type OutcomeFacts } from './outcome';

const policy = calendarOperationPolicy(DEFAULT_CALENDAR_POLICY);
const sends = sendOperationPolicy(DEFAULT_SEND_POLICY);
const now = 1_750_000_000_000;
function facts(obstacle: Obstacle, more: Partial<OutcomeFacts> = {}): OutcomeFacts {
  return { obstacle, nowMs: now, dueAtMs: now - 1000, runs: 1, attemptsMade: 1, maxAttempts: 8, ...more };
}
const ms = (kind: MicrosoftFailure['kind'], code: string, extra: Partial<MicrosoftFailure> = {}): Obstacle => ({
  type: 'microsoft',
  failure: { kind, code, message: code, ...extra } as MicrosoftFailure,
});

describe('decideOutcome', () => {
  it('postpones a busy mailbox to when the gate frees, without failing', () => {
    expect(decideOutcome(facts({ type: 'busy', retryAtMs: now + 3000, why: 'paused' }), policy)).toEqual({
      action: 'postpone',
      untilMs: now + 3000,
      why: 'paused',
    });
  });

  it('calendar: postpones a 429 by its Retry-After, and by the default without one', () => {
    expect(decideOutcome(facts(ms('transient', 'throttled', { retryAfterMs: 7000 })), policy)).toMatchObject({
      action: 'postpone',
      untilMs: now + 7000,
    });
    expect(decideOutcome(facts(ms('transient', 'throttled')), policy)).toMatchObject({
      action: 'postpone',
      untilMs: now + DEFAULT_CALENDAR_POLICY.defaultThrottleMs,
    });
  });

  it('send: a transient failure with Retry-After waits for it; one without retries', () => {
    expect(
      decideOutcome(facts(ms('transient', 'throttled', { status: 429, retryAfterMs: 2_000 })), sends),
    ).toMatchObject({ action: 'postpone', untilMs: now + 2_000, why: 'throttled' });
    expect(decideOutcome(facts(ms('transient', 'server_error', { status: 500 })), sends)).toMatchObject({
      action: 'retry',
      code: 'server_error',
    });
  });

  it('retries other transient failures until the last attempt, then fails', () => {
    expect(decideOutcome(facts(ms('transient', 'server_error')), policy)).toMatchObject({
      action: 'retry',
      code: 'server_error',
    });
    expect(decideOutcome(facts(ms('transient', 'network'), { attemptsMade: 8 }), policy)).toMatchObject({
      action: 'fail',
      error: { code: 'network' },
    });
  });

  it('retries our own trouble until the last attempt, then fails it as internal', () => {
    expect(decideOutcome(facts({ type: 'internal', message: 'store down' }), sends)).toMatchObject({
      action: 'retry',
      code: 'internal_error',
    });
    expect(decideOutcome(facts({ type: 'internal', message: 'store down' }, { attemptsMade: 8 }), sends)).toMatchObject(
      { action: 'fail', error: { kind: 'internal', code: 'internal_error' } },
    );
  });

  it('retries an outage of ours (Redis, the store) with backoff and, past the last attempt, keeps waiting: never fails it', () => {
    const down: Obstacle = {
      type: 'unavailable',
      dependency: 'redis',
      name: 'MaxRetriesPerRequestError',
      message: 'Reached the max retries per request limit',
    };
    expect(decideOutcome(facts(down), sends)).toMatchObject({
      action: 'retry',
      code: 'redis_unavailable',
      error: { kind: 'transient' },
    });
    expect(decideOutcome(facts(down, { attemptsMade: 8 }), sends)).toEqual({
      action: 'postpone',
      untilMs: now + UNAVAILABLE_RECHECK_MS,
      why: 'redis_unavailable',
    });
    // Not even a calendar operation's maxRuns turns an outage into a failure.
    const store: Obstacle = { type: 'unavailable', dependency: 'store', name: 'MongoNetworkError', message: 'closed' };
    expect(
      decideOutcome(facts(store, { runs: DEFAULT_CALENDAR_POLICY.maxRuns, attemptsMade: 8 }), policy),
    ).toMatchObject({ action: 'postpone', why: 'store_unavailable' });
  });

  it('fails permanent failures at once', () => {
    expect(decideOutcome(facts(ms('permanent', 'invalid_recipient', { status: 400 })), sends)).toMatchObject({
      action: 'fail',
      error: { kind: 'permanent', code: 'invalid_recipient' },
    });
  });

  it('waits a bounded time for a reconnect, then fails with the connection reason', () => {
    const unusable: Obstacle = { type: 'unusable', status: 'needs_reconnect', reasonCode: 'grant_revoked' };
    expect(decideOutcome(facts(unusable), policy)).toMatchObject({
      action: 'postpone',
      untilMs: now + DEFAULT_CALENDAR_POLICY.reconnectRecheckMs,
      why: 'needs_reconnect',
      waiting: { code: 'grant_revoked' },
    });
    expect(
      decideOutcome(facts(unusable, { dueAtMs: now - DEFAULT_CALENDAR_POLICY.reconnectGraceMs }), policy),
    ).toMatchObject({ action: 'fail', error: { kind: 'reconnect_required', code: 'grant_revoked' } });
    expect(
      decideOutcome(
        facts(ms('app_credentials', 'client_secret_expired'), {
          dueAtMs: now - DEFAULT_CALENDAR_POLICY.reconnectGraceMs - 1,
        }),
        policy,
      ),
    ).toMatchObject({ action: 'fail', error: { code: 'client_secret_expired' } });
  });

  it('fails at once with a zero grace (SEND_WAIT_FOR_RECONNECT_SEC=0)', () => {
    const unusable: Obstacle = { type: 'unusable', status: 'needs_reconnect', reasonCode: 'grant_revoked' };
    expect(
      decideOutcome(
        facts(unusable, { dueAtMs: now }),
        sendOperationPolicy({ ...DEFAULT_SEND_POLICY, waitForReconnectMs: 0 }),
      ),
    ).toMatchObject({ action: 'fail' });
  });

  it('waits for a disconnected connection too (it may be reconnected in place), never past the grace', () => {
    const gone: Obstacle = {
      type: 'unusable',
      status: 'disconnected',
      reasonCode: 'user_disconnected',
      detail: 'Disconnected by a user. Connect the mailbox again.',
    };
    expect(
      decideOutcome(facts(gone, { dueAtMs: now - DEFAULT_CALENDAR_POLICY.reconnectGraceMs + 10 }), policy),
    ).toMatchObject({ action: 'postpone', untilMs: now + 10, why: 'needs_reconnect' });
    expect(
      decideOutcome(facts(gone, { dueAtMs: now - DEFAULT_CALENDAR_POLICY.reconnectGraceMs }), policy),
    ).toMatchObject({
      action: 'fail',
      error: {
        code: 'user_disconnected',
        message: expect.stringMatching(
          /^Disconnected by a user\. Connect the mailbox again\. \(not reconnected within/,
        ),
      },
    });
  });

  it('waits for a pending create operation, and gives up after maxRuns', () => {
    const pending: Obstacle = { type: 'target_pending', operationId: 'cal_1' };
    expect(decideOutcome(facts(pending), policy)).toMatchObject({
      action: 'postpone',
      untilMs: now + DEFAULT_CALENDAR_POLICY.targetRecheckMs,
    });
    expect(decideOutcome(facts(pending, { runs: DEFAULT_CALENDAR_POLICY.maxRuns }), policy)).toMatchObject({
      action: 'fail',
      error: { code: 'gave_up' },
    });
  });
});
