import { wholeSeconds } from '@outlook-connect/shared';
import type { z } from 'zod';

/** How the calendar worker waits: tunable per deployment, small in tests. */
export interface CalendarPolicy {
  /** How long an operation waits (from its creation) for a needs_reconnect or disconnected connection to be reconnected before it fails with its reason; as sends do. */
  reconnectGraceMs: number;
  /** How often a waiting operation looks at the connection again. */
  reconnectRecheckMs: number;
  /** How long an update/cancel waits before looking again at the create operation it targets (still running). */
  targetRecheckMs: number;
  /** Pause after a 429 that carries no Retry-After. */
  defaultThrottleMs: number;
  /** Runs (including postponed ones) after which an operation stops waiting and fails. */
  maxRuns: number;
}

export const DEFAULT_CALENDAR_POLICY: CalendarPolicy = {
  reconnectGraceMs: 24 * 3600_000,
  reconnectRecheckMs: 60_000,
  targetRecheckMs: 5_000,
  defaultThrottleMs: 5_000,
  maxRuns: 200,
};

/** Env fragment of the calendar worker (composed into workersEnv, parsed once at start). */
export const calendarEnv = {
  CALENDAR_RECONNECT_GRACE_SEC: wholeSeconds(
    DEFAULT_CALENDAR_POLICY.reconnectGraceMs,
    'how long a calendar operation waits for its connection to be reconnected before it fails',
  ),
};

export function calendarPolicyFromConfig(e: z.infer<z.ZodObject<typeof calendarEnv>>): CalendarPolicy {
  return { ...DEFAULT_CALENDAR_POLICY, reconnectGraceMs: e.CALENDAR_RECONNECT_GRACE_SEC * 1000 };
}
