import { createLane, type Lane } from '@outlook-connect/shared';
import type { HeldLease } from '../redis/lease';

// A worker process caps its token requests to Microsoft in flight (the concurrency Microsoft sees, and what its
// token endpoint throttles), not its refresh jobs: a job's lock, connection read, compare-and-set and BullMQ's own
// round trips are local latency that should overlap the grants of other jobs. The refresh worker runs twice as many
// jobs as it lets grants go (REFRESH_JOBS_PER_TOKEN_REQUEST): at the same 10 grants in flight as the bare refresher,
// a backlog of 500 went from 0.25-0.30x of bare MSAL to 0.36-0.39x (measured in ./README.md).

/** Refresh jobs a worker process runs at once, per token request it lets go at once. */
export const REFRESH_JOBS_PER_TOKEN_REQUEST = 2;

/**
 * A grant unanswered after this long gives its place to the next (it goes on, uncounted, until MSAL's request gives
 * up): a token endpoint that stopped answering must not stop every refresh of the process.
 */
export const TOKEN_REQUEST_HOLD_MS = 10_000;

/** The token-request cap of one worker process. */
export function createTokenRequestSlots(maxInFlight: number): Lane {
  return createLane(maxInFlight, TOKEN_REQUEST_HOLD_MS);
}

/** Refresh jobs to run at once beside a cap of `tokenRequests` grants in flight. */
export function refreshJobsInFlight(tokenRequests: number): number {
  return tokenRequests * REFRESH_JOBS_PER_TOKEN_REQUEST;
}

/**
 * One token request through the process's cap (straight through without one). The caller holds the connection's
 * refresh lock: a wait for a place longer than a third of its lease renews the lease before the grant goes, so the
 * lock outlives the grant as it would have without the wait. A lease lost meanwhile (the process was stalled past
 * it) does not stop the grant: the compare-and-set on tokenVersion keeps a second refresh from overwriting a newer one.
 */
export async function underTokenCap<T>(
  slots: Lane | undefined,
  lock: Pick<HeldLease, 'extend'>,
  lockTtlMs: number,
  request: () => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  if (!slots) return request();
  const askedAt = now();
  return slots.run(async () => {
    if (now() - askedAt > lockTtlMs / 3) await lock.extend().catch(() => false);
    return request();
  });
}
