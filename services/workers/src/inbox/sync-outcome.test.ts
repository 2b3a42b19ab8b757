import { FAILURE_KIND, type MicrosoftFailure, type MicrosoftFailureCode } from '@outlook-connect/shared';
import { failureAction, shouldRecordFailure, shouldRecordSuccess } from './sync-outcome';

const failure = (code: MicrosoftFailureCode, details: Partial<MicrosoftFailure> = {}): MicrosoftFailure => ({
  kind: FAILURE_KIND[code],
  code,
  message: '',
  ...details,
});

describe('failureAction', () => {
  it('resyncs when the delta cursor is invalid', () => {
    expect(failureAction(failure('sync_state_invalid', { status: 410 }))).toEqual({ kind: 'resync' });
  });

  it('reports failures that need a human', () => {
    expect(failureAction(failure('grant_revoked', { aadsts: 50173 })).kind).toBe('report');
    expect(failureAction(failure('invalid_authentication_token', { status: 401 })).kind).toBe('report');
    expect(failureAction(failure('client_secret_expired', { aadsts: 7000222 })).kind).toBe('report');
  });

  it('backs off on transient and permanent failures, carrying Retry-After', () => {
    expect(failureAction(failure('throttled', { status: 429, retryAfterMs: 30_000 }))).toEqual({
      kind: 'backoff',
      retryAfterMs: 30_000,
    });
    expect(failureAction(failure('server_error', { status: 503 }))).toEqual({ kind: 'backoff' });
    expect(failureAction(failure('scope_missing', { status: 403 }))).toEqual({ kind: 'backoff' });
  });
});

describe('timeline lines', () => {
  it('records the first failure of a streak and a change of reason only', () => {
    expect(shouldRecordFailure(null, 0, 'throttled')).toBe(true);
    expect(shouldRecordFailure({ code: 'throttled' }, 3, 'throttled')).toBe(false);
    expect(shouldRecordFailure({ code: 'throttled' }, 3, 'server_error')).toBe(true);
  });

  it('records a success that changed something, completed a full pass or ended a streak', () => {
    const quiet = { added: 0, updated: 0, removed: 0, passCompleted: true, full: false };
    expect(shouldRecordSuccess(quiet, 0)).toBe(false);
    expect(shouldRecordSuccess({ ...quiet, removed: 1 }, 0)).toBe(true);
    expect(shouldRecordSuccess({ ...quiet, full: true }, 0)).toBe(true);
    expect(shouldRecordSuccess(quiet, 2)).toBe(true);
  });
});
