import type { MicrosoftFailure } from '@outlook-connect/shared';

// What to do when a durable operation against a mailbox (a send, a calendar operation) could not finish this run.
// Pure and shared by every kind: the runner gathers the facts, this decides; each kind's policy sets the numbers.

export interface OperationError {
  kind: string;
  code: string;
  message: string;
}

export type Outcome =
  /** Wait without using an attempt; `waiting` says why (shown on the record until it finishes). */
  | { action: 'postpone'; untilMs: number; why: string; waiting?: OperationError }
  /** Throw, so the queue retries with its backoff and counts the attempt. */
  | { action: 'retry'; code: string; error: OperationError }
  | { action: 'fail'; error: OperationError };

export type Obstacle =
  | { type: 'busy'; retryAtMs: number; why: string }
  /** `detail`: the connection's reason message and remediation, for the failure the producer sees. */
  | { type: 'unusable'; status: 'needs_reconnect' | 'disconnected' | 'active'; reasonCode: string; detail?: string }
  /** Classified once where Graph was called (callGraph). */
  | { type: 'microsoft'; failure: MicrosoftFailure }
  /** Our own dependency failed (Redis, the store, the network; dependencyFailureOf): retried, never failed. */
  | { type: 'unavailable'; dependency: string; name: string; message: string }
  /** Our own trouble of any other kind (a bug, an error we do not know): retried, then failed as internal, never permanent. */
  | { type: 'internal'; message: string }
  /** An update/cancel whose create operation has not finished yet. */
  | { type: 'target_pending'; operationId: string };

export interface OperationPolicy {
  /** How long an operation waits (from when it was due) for its connection to be reconnected, then fails with its reason. */
  reconnectGraceMs: number;
  /** How often a waiting operation looks at the connection again. */
  reconnectRecheckMs: number;
  /** Runs (postponed ones included) after which it stops waiting and fails; none by default. */
  maxRuns?: number;
  /** How long an update/cancel waits before looking again at the create operation it targets. */
  targetRecheckMs?: number;
  /** `retry_after`: a transient failure with Retry-After waits for it; `throttled`: a 429 waits Retry-After or defaultMs. */
  throttle: { when: 'retry_after' } | { when: 'throttled'; defaultMs: number };
  /** Once the queue's attempts are used up, how long an operation whose dependency is down waits before trying again. */
  unavailableRecheckMs?: number;
}

/** The wait after the last attempt when a dependency of ours is down (an outage is never the operation's fault). */
export const UNAVAILABLE_RECHECK_MS = 30_000;

export interface OutcomeFacts {
  obstacle: Obstacle;
  nowMs: number;
  /** When the operation was due (the reconnect grace counts from there). */
  dueAtMs: number;
  /** Runs so far, this one included. */
  runs: number;
  /** Queue attempts so far, this one included, and the most the queue allows. */
  attemptsMade: number;
  maxAttempts: number;
}

const fail = (kind: string, code: string, message: string): Outcome => ({
  action: 'fail',
  error: { kind, code, message },
});

function waitForReconnect(
  facts: OutcomeFacts,
  policy: OperationPolicy,
  reasonCode: string,
  status: string,
  detail?: string,
): Outcome {
  const giveUpAt = facts.dueAtMs + policy.reconnectGraceMs;
  const about = detail ? `it is ${status}: ${detail}` : `it is ${status} (${reasonCode})`;
  if (facts.nowMs >= giveUpAt) {
    const waited = `not reconnected within ${Math.round(policy.reconnectGraceMs / 1000)} s`;
    return fail(
      'reconnect_required',
      reasonCode,
      detail ? `${detail} (${waited})` : `the connection needs reconnecting: ${reasonCode} (${waited})`,
    );
  }
  return {
    action: 'postpone',
    untilMs: Math.min(facts.nowMs + policy.reconnectRecheckMs, giveUpAt),
    why: 'needs_reconnect',
    waiting: {
      kind: 'connection_unusable',
      code: reasonCode,
      message: `waiting for the connection to be reconnected (${about}); gives up at ${new Date(giveUpAt).toISOString()}`,
    },
  };
}

const lastAttempt = (facts: OutcomeFacts) => facts.attemptsMade >= facts.maxAttempts;

export function decideOutcome(facts: OutcomeFacts, policy: OperationPolicy): Outcome {
  const { obstacle } = facts;
  if (obstacle.type === 'unavailable') {
    const error = { kind: 'transient', code: `${obstacle.dependency}_unavailable`, message: obstacle.message };
    // Before maxRuns: the runs an outage costs are not the operation's own tries.
    if (!lastAttempt(facts)) return { action: 'retry', code: error.code, error };
    return {
      action: 'postpone',
      untilMs: facts.nowMs + (policy.unavailableRecheckMs ?? UNAVAILABLE_RECHECK_MS),
      why: error.code,
    };
  }
  if (policy.maxRuns !== undefined && facts.runs >= policy.maxRuns) {
    return fail(
      'transient',
      'gave_up',
      `the operation could not run after ${facts.runs} tries (last: ${describe(obstacle)})`,
    );
  }
  switch (obstacle.type) {
    case 'busy':
      return { action: 'postpone', untilMs: Math.max(obstacle.retryAtMs, facts.nowMs + 1), why: obstacle.why };
    case 'target_pending':
      return {
        action: 'postpone',
        untilMs: facts.nowMs + (policy.targetRecheckMs ?? policy.reconnectRecheckMs),
        why: 'target_pending',
      };
    case 'unusable':
      return waitForReconnect(facts, policy, obstacle.reasonCode, obstacle.status, obstacle.detail);
    case 'internal': {
      const error = { kind: 'internal', code: 'internal_error', message: obstacle.message };
      return lastAttempt(facts) ? { action: 'fail', error } : { action: 'retry', code: error.code, error };
    }
    case 'microsoft': {
      const f = obstacle.failure;
      const error = { kind: f.kind, code: f.code, message: f.message };
      if (f.kind === 'permanent') return { action: 'fail', error };
      // connection-status has marked the connection; wait for the reconnect like for any needs_reconnect connection.
      if (f.kind === 'reconnect_required' || f.kind === 'app_credentials')
        return waitForReconnect(facts, policy, f.code, 'needs_reconnect');
      const { throttle } = policy;
      if (throttle.when === 'retry_after' && f.retryAfterMs !== undefined)
        return { action: 'postpone', untilMs: facts.nowMs + f.retryAfterMs, why: 'throttled' };
      if (throttle.when === 'throttled' && f.code === 'throttled') {
        return { action: 'postpone', untilMs: facts.nowMs + (f.retryAfterMs ?? throttle.defaultMs), why: 'throttled' };
      }
      return lastAttempt(facts) ? { action: 'fail', error } : { action: 'retry', code: f.code, error };
    }
  }
}

function describe(obstacle: Obstacle): string {
  switch (obstacle.type) {
    case 'busy':
      return `mailbox busy (${obstacle.why})`;
    case 'target_pending':
      return `waiting for operation ${obstacle.operationId}`;
    case 'unusable':
      return `connection ${obstacle.status} (${obstacle.reasonCode})`;
    case 'microsoft':
      return obstacle.failure.code;
    case 'internal':
      return 'internal_error';
    case 'unavailable':
      return `${obstacle.dependency}_unavailable`;
  }
}
