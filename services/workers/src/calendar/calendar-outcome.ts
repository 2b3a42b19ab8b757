import type { MicrosoftFailure } from '@outlook-connect/shared';
import type { CalendarPolicy } from './calendar-policy';

// What to do when a calendar operation could not finish this run. Pure: the handler gathers facts, this decides.

export interface FailedOutcome {
  action: 'fail';
  kind: string;
  code: string;
  message: string;
}
export type Outcome =
  | { action: 'postpone'; untilMs: number; why: string }
  /** Throw, so the queue retries with its backoff and counts the attempt. */
  | { action: 'retry'; code: string }
  | FailedOutcome;

export type Obstacle =
  | { type: 'busy'; retryAtMs: number; why: string }
  /** `detail`: the connection's reason message and remediation, for the failure the producer sees. */
  | { type: 'unusable'; status: 'needs_reconnect' | 'disconnected' | 'active'; reasonCode: string; detail?: string }
  | { type: 'microsoft'; failure: MicrosoftFailure }
  /** An update/cancel whose create operation has not finished yet. */
  | { type: 'target_pending'; operationId: string };

export interface OutcomeFacts {
  obstacle: Obstacle;
  nowMs: number;
  /** When the operation was created (the reconnect grace counts from there). */
  createdAtMs: number;
  /** Runs so far, this one included (postponed runs count). */
  runs: number;
  /** Queue attempts so far, this one included, and the most the queue allows. */
  attemptsMade: number;
  maxAttempts: number;
}

function fail(kind: string, code: string, message: string): FailedOutcome {
  return { action: 'fail', kind, code, message };
}

/** Like sends: wait (bounded, from the operation's creation) for the connection to be reconnected, then fail with its reason. */
function waitForReconnect(facts: OutcomeFacts, policy: CalendarPolicy, reasonCode: string, detail?: string): Outcome {
  const giveUpAt = facts.createdAtMs + policy.reconnectGraceMs;
  if (facts.nowMs >= giveUpAt) {
    const waited = `not reconnected within ${Math.round(policy.reconnectGraceMs / 1000)} s`;
    return fail('reconnect_required', reasonCode, detail ? `${detail} (${waited})` : `the connection needs reconnecting: ${reasonCode} (${waited})`);
  }
  return { action: 'postpone', untilMs: Math.min(facts.nowMs + policy.reconnectRecheckMs, giveUpAt), why: 'needs_reconnect' };
}

export function decideOutcome(facts: OutcomeFacts, policy: CalendarPolicy): Outcome {
  const { obstacle } = facts;
  if (facts.runs >= policy.maxRuns) {
    return fail('transient', 'gave_up', `the operation could not run after ${facts.runs} tries (last: ${describe(obstacle)})`);
  }
  switch (obstacle.type) {
    case 'busy':
      return { action: 'postpone', untilMs: Math.max(obstacle.retryAtMs, facts.nowMs + 1), why: obstacle.why };
    case 'target_pending':
      return { action: 'postpone', untilMs: facts.nowMs + policy.targetRecheckMs, why: 'target_pending' };
    case 'unusable':
      return waitForReconnect(facts, policy, obstacle.reasonCode, obstacle.detail);
    case 'microsoft': {
      const f = obstacle.failure;
      if (f.kind === 'permanent') return fail('permanent', f.code, f.message);
      // ConnectionHealth has marked the connection; wait for the reconnect like for any needs_reconnect connection.
      if (f.kind === 'reconnect_required' || f.kind === 'app_credentials') return waitForReconnect(facts, policy, f.code);
      if (f.code === 'throttled') {
        return { action: 'postpone', untilMs: facts.nowMs + (f.retryAfterMs ?? policy.defaultThrottleMs), why: 'throttled' };
      }
      if (facts.attemptsMade >= facts.maxAttempts) return fail('transient', f.code, f.message);
      return { action: 'retry', code: f.code };
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
  }
}
