import type { MicrosoftFailure } from '@outlook-connect/shared';

// What a failed run does next, decided on the classified failure alone. Pure.

export type FailureAction =
  /** The delta cursor is gone (410 / syncStateNotFound / resyncRequired): start a full resync now. */
  | { kind: 'resync' }
  /** The connection (or its OAuth app) needs a human: tell ConnectionHealth, which changes the status. */
  | { kind: 'report'; retryAfterMs?: number }
  /** Try again later with backoff (and never before Retry-After). */
  | { kind: 'backoff'; retryAfterMs?: number };

export function failureAction(failure: MicrosoftFailure): FailureAction {
  if (failure.code === 'sync_state_invalid') return { kind: 'resync' };
  if (failure.kind === 'reconnect_required' || failure.kind === 'app_credentials') return { kind: 'report' };
  // transient: Microsoft or the network will recover; permanent: e.g. scope_missing or a mailbox Graph cannot serve -
  // retried slowly, and visible on the connection (lastError, stale) instead of failing a job nobody looks at.
  return failure.retryAfterMs !== undefined
    ? { kind: 'backoff', retryAfterMs: failure.retryAfterMs }
    : { kind: 'backoff' };
}

/** The timeline gets a sync_failed line when a failure streak starts or its reason changes, not on every retry. */
export function shouldRecordFailure(
  previous: { code: string } | null | undefined,
  consecutiveFailuresBefore: number,
  code: string,
): boolean {
  return consecutiveFailuresBefore === 0 || !previous || previous.code !== code;
}

/** The timeline gets a synced line when something changed, a full pass completed, or a failure streak ended. */
export function shouldRecordSuccess(
  r: { added: number; updated: number; removed: number; passCompleted: boolean; full: boolean },
  consecutiveFailuresBefore: number,
): boolean {
  return r.added + r.updated + r.removed > 0 || (r.passCompleted && r.full) || consecutiveFailuresBefore > 0;
}
